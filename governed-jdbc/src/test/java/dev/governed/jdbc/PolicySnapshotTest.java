package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.core.GovernedSettings;
import dev.governed.core.engine.AuditTrails;
import dev.governed.core.engine.Engine;
import dev.governed.core.engine.PolicySnapshots;
import dev.governed.core.identity.Identity;
import dev.governed.core.mask.MaskConfiguration;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement is decided, put in its read-only mode and masked from one policy snapshot, and a
 * prepared statement is decided again at every execution against the policy in force then.
 */
class PolicySnapshotTest {

    private static final String MASKED = """
            version: 7
            defaults: { effect: deny }
            rules:
              - id: read
                sql: { operations: [select], tables: [public.customers, public.orders] }
                effect: allow
            masks:
              - columns: ["*.email"]
                strategy: redact
            """;
    private static final String UNMASKED = """
            version: 8
            defaults: { effect: deny }
            rules:
              - id: read
                sql: { operations: [select], tables: [public.customers, public.orders] }
                effect: allow
            """;
    private static final String DENIED = """
            version: 9
            defaults: { effect: deny }
            rules:
              - id: customers-only
                sql: { operations: [select], tables: [public.customers] }
                effect: allow
            """;

    private static final String WRITES = """
            version: 10
            defaults: { effect: deny }
            rules:
              - id: update-orders
                sql: { operations: [select, update], tables: [public.orders] }
                effect: allow
            """;

    private final GovernedFixture fixture = new GovernedFixture();

    @TempDir
    Path folder;

    @AfterEach
    void close() {
        fixture.close();
    }

    /**
     * A policy source that hands out the masked and the unmasked version in turn, at every question:
     * a statement that asked twice (decision, then masks) could be allowed by one and masked by the other.
     */
    @Test
    void decisionAndMasksOfAStatementComeFromTheSameSnapshot() throws Exception {
        CompiledPolicy masked = CompiledPolicy.compile(PolicyDocuments.parse(MASKED, "masked"));
        CompiledPolicy unmasked = CompiledPolicy.compile(PolicyDocuments.parse(UNMASKED, "unmasked"));
        AtomicInteger questions = new AtomicInteger();
        PolicySnapshots alternating = new PolicySnapshots() {
            @Override
            public CompiledPolicy policyFor(Identity identity, String token, String resource) {
                return questions.getAndIncrement() % 2 == 0 ? masked : unmasked;
            }

            @Override
            public void close() {}
        };
        String rawUrl = GovernedFixture.newH2Database();
        Properties properties = fixture.properties(fixture.supportAgent());
        GovernedSettings settings = GovernedSettings.from(properties);
        Governance real = GovernanceRegistry.shared().governanceFor(rawUrl, settings);
        Engine engine = Engine.of(real.target.environment(), real.verifier, alternating, AuditTrails.open(settings),
                MaskConfiguration.withKey(null), null);
        Governance governance = new Governance(real.analyzer, real.auditedText, real.verifier, real.provider, engine,
                real.target, false, null, Recording.DEFAULT);
        Connection raw = DriverManager.getConnection(rawUrl, GovernedSettings.withoutGovernedKeys(properties));
        try (Connection connection = GovernedConnections.open(raw, governance, settings);
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < 6; i++) {
                int before = questions.get();
                try (ResultSet result = statement.executeQuery("SELECT email FROM customers WHERE id = 1")) {
                    result.next();
                    boolean maskedVersion = before % 2 == 0;
                    assertThat(result.getString(1)).as("statement %d", i)
                            .isEqualTo(maskedVersion ? "****" : "ada@example.com");
                }
                assertThat(questions.get() - before).as("policy questions for one statement").isEqualTo(1);
            }
        }
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).extracting(each -> each.at("/decision/policyVersion").asLong()).contains(7L, 8L);
        for (JsonNode each : events) {
            if (each.at("/decision/policyVersion").asLong() == 8L) {
                assertThat(each.path("masking")).as("an event of the unmasked version lists no mask").isEmpty();
            }
        }
    }

    /** A support agent's connection to {@code rawUrl} under the policy file {@code policy}. */
    private Connection supportAgent(String rawUrl, Path policy) throws Exception {
        Properties properties = fixture.properties(fixture.supportAgent());
        properties.setProperty("governed.policy", policy.toString());
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
    }

    /** Prepared once, decided at each execution: a policy change reaches a statement that is already prepared. */
    @Test
    void aPreparedStatementIsDecidedAgainAfterAPolicyChange() throws Exception {
        Path policy = folder.resolve("policy.yaml");
        Files.writeString(policy, UNMASKED);
        String rawUrl = GovernedFixture.newH2Database();
        try (Connection connection = supportAgent(rawUrl, policy);
                PreparedStatement prepared = connection.prepareStatement("SELECT status FROM orders WHERE id = ?")) {
            prepared.setInt(1, 10);
            try (ResultSet result = prepared.executeQuery()) {
                assertThat(result.next()).isTrue();
            }
            Files.writeString(policy, DENIED);
            Files.setLastModifiedTime(policy, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            Throwable denied = null;
            long deadline = System.nanoTime() + 10_000_000_000L; // the file is checked about once a second
            while (denied == null && System.nanoTime() < deadline) {
                denied = catchThrowable(() -> prepared.executeQuery().close());
                if (denied == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(denied).as("the prepared statement still ran under the old policy").isInstanceOf(SQLException.class);
            assertThat(((SQLException) denied).getSQLState()).isEqualTo("42501");
            assertThat(denied).hasMessageContaining("policy version 9");
        }
    }

    /** Screened when added, kept when run under the same snapshot: a policy change in between is decided again. */
    @Test
    void aStatementBatchAddedBeforeAPolicyChangeIsDecidedAgainWhenItRuns() throws Exception {
        Path policy = folder.resolve("policy.yaml");
        Files.writeString(policy, WRITES);
        String rawUrl = GovernedFixture.newH2Database();
        try (Connection connection = supportAgent(rawUrl, policy);
                Statement statement = connection.createStatement()) {
            statement.addBatch("UPDATE orders SET status = 'kept' WHERE id = 10");
            assertThat(statement.executeBatch()).containsExactly(1);
            statement.addBatch("UPDATE orders SET status = 'changed' WHERE id = 10");
            Files.writeString(policy, DENIED);
            Files.setLastModifiedTime(policy, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            Thread.sleep(2_500); // the file is checked about once a second
            assertThatThrownBy(statement::executeBatch).as("the batch ran under the policy it was added under")
                    .isInstanceOf(SQLException.class).hasMessageContaining("policy version 9");
        }
        try (Connection raw = DriverManager.getConnection(rawUrl, "sa", "");
                ResultSet status = raw.createStatement().executeQuery("SELECT status FROM orders WHERE id = 10")) {
            assertThat(status.next()).isTrue();
            assertThat(status.getString(1)).isEqualTo("kept");
        }
    }
}
