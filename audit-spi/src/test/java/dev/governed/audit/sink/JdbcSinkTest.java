package dev.governed.audit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.TestKeys;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real H2 database. */
class JdbcSinkTest {

    private String url;
    private Connection keepAlive;

    @BeforeEach
    void openDatabase() throws SQLException {
        url = "jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        keepAlive = DriverManager.getConnection(url);
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        try (Statement drop = keepAlive.createStatement()) {
            drop.execute("SHUTDOWN");
        }
        keepAlive.close();
    }

    @Test
    void entriesBecomeRowsThatVerifyInPositionOrder() throws Exception {
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks(url + "?table=audit_log")
                .signer(CheckpointSigner.fromJwk(TestKeys.ED25519)).checkpointEvery(4).closeOnShutdown(false).build()) {
            for (int i = 0; i < 10; i++) {
                dispatcher.record(AuditFixtures.event("agent:" + i));
            }
        }

        List<String> lines = lines("audit_log");
        assertThat(lines).hasSize(13);
        VerificationResult result = AuditVerifier.trusting(new JWKSet(TestKeys.ED25519.toPublicJWK()))
                .verify("audit_log", new StringReader(String.join("\n", lines)));
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(10);
        try (Statement query = keepAlive.createStatement();
                ResultSet rows = query.executeQuery("SELECT kind, COUNT(*) FROM audit_log GROUP BY kind ORDER BY kind")) {
            rows.next();
            assertThat(rows.getString(1) + "=" + rows.getLong(2)).isEqualTo("checkpoint=3");
            rows.next();
            assertThat(rows.getString(1) + "=" + rows.getLong(2)).isEqualTo("event=10");
        }
    }

    @Test
    void redeliveredEntriesAreStoredOnce() throws Exception {
        AuditEntry first = new AuditEntry.Event(AuditFixtures.event("a"), "{\"n\":1}");
        AuditEntry second = new AuditEntry.Event(AuditFixtures.event("b"), "{\"n\":2}");
        try (JdbcSink sink = new JdbcSink(url, new Properties(), "governed_audit")) {
            sink.write(List.of(first));
            sink.write(List.of(first, second));
        }

        assertThat(lines("governed_audit")).containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void brokenConnectionIsReplacedOnTheNextBatch() throws Exception {
        try (JdbcSink sink = new JdbcSink(url, new Properties(), "governed_audit")) {
            sink.write(List.of(new AuditEntry.Event(AuditFixtures.event("a"), "{\"n\":1}")));
            try (Statement kill = keepAlive.createStatement()) {
                kill.execute("SHUTDOWN");
            }
            keepAlive = DriverManager.getConnection(url);

            sink.write(List.of(new AuditEntry.Event(AuditFixtures.event("b"), "{\"n\":2}")));
        }

        assertThat(lines("governed_audit")).containsExactly("{\"n\":2}");
    }

    @Test
    void unusableTargetsAreClearErrors() {
        assertThatThrownBy(() -> AuditSinks.open("jdbc:governed:h2:mem:x"))
                .isInstanceOf(AuditException.class).hasMessageContaining("cannot write through jdbc:governed:");
        assertThatThrownBy(() -> AuditSinks.open("jdbc:" + url.substring(5) + "?table=audit;drop"))
                .hasMessageContaining("is not a plain [schema.]name");
        assertThatThrownBy(() -> AuditSinks.open("jdbc:nosuchdb://host/db"))
                .hasMessageContaining("cannot connect the jdbc audit sink to jdbc:nosuchdb://host/db")
                .hasMessageContaining("driver is on the classpath");
        assertThatThrownBy(() -> AuditSinks.open("jdbc:" + url.substring(5) + "?passwordFile=/nonexistent/pw"))
                .hasMessageContaining("cannot read the audit database password file /nonexistent/pw");
    }

    private List<String> lines(String table) throws SQLException, IOException {
        List<String> result = new ArrayList<>();
        try (Statement query = keepAlive.createStatement();
                ResultSet rows = query.executeQuery("SELECT line FROM " + table + " ORDER BY position")) {
            while (rows.next()) {
                result.add(rows.getString(1));
            }
        }
        return result;
    }
}
