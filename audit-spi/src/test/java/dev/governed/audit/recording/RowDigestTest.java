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
    void theUnorderedDigestIgnoresRowOrderButCountsRepeatsAndTheOrderedOneDoesNot() throws Exception {
        String ab = digests("VALUES (1, 'a'), (2, 'b')");
        String ba = digests("VALUES (2, 'b'), (1, 'a')");
        String aab = digests("VALUES (1, 'a'), (1, 'a'), (2, 'b')");
        String abb = digests("VALUES (1, 'a'), (2, 'b'), (2, 'b')");

        assertThat(unordered(ab)).isEqualTo(unordered(ba));
        assertThat(ordered(ab)).isNotEqualTo(ordered(ba));
        assertThat(unordered(aab)).isNotEqualTo(unordered(abb)).isNotEqualTo(unordered(ab));
        assertThat(ordered(ab)).as("the ordered digest is the same with or without the multiset one")
                .isEqualTo(orderedOnly("VALUES (1, 'a'), (2, 'b')"));
    }

    @Test
    void theUnorderedDigestIsTheDocumentedSumOfRowHashes() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] one = sha.digest(new byte[] {'R', 0, 0, 0, 1, 'N'});
        java.math.BigInteger sum = new java.math.BigInteger(1, one).shiftLeft(1).mod(java.math.BigInteger.ONE.shiftLeft(256));
        byte[] sumBytes = new byte[32];
        byte[] raw = sum.toByteArray();
        System.arraycopy(raw, Math.max(0, raw.length - 32), sumBytes, Math.max(0, 32 - raw.length), Math.min(32, raw.length));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write('U');
        expected.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 2});
        expected.writeBytes(sumBytes);

        assertThat(unordered(digests("VALUES (NULL), (NULL)"))).isEqualTo(HexFormat.of().formatHex(sha.digest(expected.toByteArray())));
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

    /** The ordered and the unordered digest of {@code query}'s rows, joined by a space. */
    private static String digests(String query) throws Exception {
        RowDigest digest = new RowDigest(true);
        read(query, digest);
        return digest.finish() + " " + digest.finishUnordered();
    }

    private static String orderedOnly(String query) throws Exception {
        RowDigest digest = new RowDigest();
        read(query, digest);
        return digest.finish();
    }

    private static void read(String query, RowDigest digest) throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:", "sa", "");
                Statement statement = h2.createStatement();
                ResultSet rows = statement.executeQuery(query)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                digest.add(rows, columns, null);
            }
        }
    }

    private static String ordered(String digests) {
        return digests.split(" ")[0];
    }

    private static String unordered(String digests) {
        return digests.split(" ")[1];
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
