package dev.governed.audit.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The digest is exactly the byte layout docs/audit.md defines, so any replayer can compute it. */
class RowDigestTest {

    @Test
    void aRowIsHashedAsTheDocumentedBytes() throws Exception {
        RowDigest digest = new RowDigest();
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:", "sa", "");
                Statement statement = h2.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 1 AS i, 'Ada ü' AS s, NULL AS n, 'secret' AS m")) {
            rows.next();
            digest.add(rows, 4, new boolean[] {false, false, false, false, true});
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write('R');
        expected.writeBytes(new byte[] {0, 0, 0, 4});
        value(expected, "integer", "1");
        value(expected, "string", "Ada ü");
        expected.write('N');
        expected.write('M');

        assertThat(digest.finish()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(expected.toByteArray())));
    }

    @Test
    void noRowsIsTheDigestOfNothing() throws Exception {
        assertThat(new RowDigest().finish()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(new byte[0])));
    }

    @Test
    void canonicalTextsDoNotDependOnTheJavaTypeChosen() {
        assertThat(CanonicalValue.ofParameter(new BigDecimal("12.500"))).isEqualTo(new CanonicalValue("decimal", "12.5"));
        assertThat(CanonicalValue.ofParameter(new BigDecimal("0.000"))).isEqualTo(new CanonicalValue("decimal", "0"));
        assertThat(CanonicalValue.ofParameter(7L)).isEqualTo(CanonicalValue.ofParameter(7));
        assertThat(CanonicalValue.ofParameter(java.sql.Date.valueOf("2026-12-05")))
                .isEqualTo(CanonicalValue.ofParameter(java.time.LocalDate.of(2026, 12, 5)));
        assertThat(CanonicalValue.ofParameter(new java.io.ByteArrayInputStream(new byte[1])).text()).isNull();
    }

    private static void value(ByteArrayOutputStream out, String type, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write('V');
        out.write(type.length());
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {0, 0, 0, (byte) bytes.length});
        out.writeBytes(bytes);
    }
}
