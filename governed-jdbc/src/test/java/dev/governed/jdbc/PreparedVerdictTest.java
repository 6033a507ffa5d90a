package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.core.Governed;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prepared statement, and an entry of a statement batch, remembers its last verdict for the caller and policy
 * snapshot it was taken for: executed by another caller, or by a caller whose masks differ, it is decided and
 * masked afresh.
 */
class PreparedVerdictTest {

    private static final String POLICY = """
            version: 4
            defaults: { effect: deny }
            rules:
              - id: read
                when: { groups: [support-agents, dba] }
                sql: { operations: [select], tables: [public.customers] }
                effect: allow
              - id: dba-writes
                when: { groups: [dba] }
                sql: { operations: [update], tables: [public.customers] }
                effect: allow
              - id: dba-secrets
                when: { groups: [dba] }
                sql: { operations: [select], tables: [public.secrets] }
                effect: allow
            masks:
              - columns: [public.customers.email]
                strategy: redact
                exempt: { groups: [dba] }
            """;

    private final GovernedFixture fixture = new GovernedFixture();

    @TempDir
    Path folder;

    @AfterEach
    void close() {
        fixture.close();
    }

    private Connection connect(String token) throws Exception {
        Path policy = folder.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
        String rawUrl = GovernedFixture.newH2Database();
        Properties properties = fixture.properties(token);
        properties.setProperty("governed.policy", policy.toString());
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
    }

    @Test
    void anotherCallerOfTheSameStatementIsDecidedForItself() throws Exception {
        String dba = fixture.dba();
        String support = fixture.supportAgent();
        try (Connection connection = connect(dba);
                PreparedStatement prepared = connection.prepareStatement("SELECT secret FROM secrets WHERE id = ?")) {
            prepared.setInt(1, 1);
            assertThat(readFirst(prepared)).isEqualTo("launch codes");
            assertThat(readFirst(prepared)).isEqualTo("launch codes");
            assertThatThrownBy(() -> Governed.runAs(support, () -> readFirst(prepared)))
                    .isInstanceOf(PolicyDeniedException.class).hasMessageContaining("policy version 4");
            assertThat(readFirst(prepared)).as("the dba again").isEqualTo("launch codes");
        }
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).extracting(each -> each.at("/actor/subject").asText() + " "
                        + each.at("/decision/effect").asText())
                .containsExactly("alice allow", "alice allow", "agent:support deny", "alice allow");
    }

    @Test
    void aCallerWithMasksIsMaskedAfterAnExemptCallerRanTheStatement() throws Exception {
        String dba = fixture.dba();
        String support = fixture.supportAgent();
        try (Connection connection = connect(dba);
                PreparedStatement prepared = connection.prepareStatement("SELECT email FROM customers WHERE id = ?")) {
            prepared.setInt(1, 1);
            assertThat(readFirst(prepared)).isEqualTo("ada@example.com");
            assertThat(readFirst(prepared)).isEqualTo("ada@example.com");
            assertThat(Governed.runAs(support, () -> readFirst(prepared))).isEqualTo("****");
            assertThat(readFirst(prepared)).as("the dba again").isEqualTo("ada@example.com");
        }
    }

    @Test
    void aStatementBatchAddedByOneCallerIsDecidedForTheCallerWhoRunsIt() throws Exception {
        String dba = fixture.dba();
        String support = fixture.supportAgent();
        try (Connection connection = connect(dba); Statement statement = connection.createStatement()) {
            statement.addBatch("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
            assertThatThrownBy(() -> Governed.runAs(support, statement::executeBatch))
                    .isInstanceOf(PolicyDeniedException.class).hasMessageContaining("policy version 4");
            statement.addBatch("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
            assertThat(statement.executeBatch()).as("the dba who added it").containsExactly(1);
        }
        assertThat(fixture.auditEvents()).extracting(each -> each.at("/actor/subject").asText() + " "
                        + each.at("/decision/effect").asText())
                .containsExactly("agent:support deny", "alice allow");
    }

    private static String readFirst(PreparedStatement prepared) throws SQLException {
        try (ResultSet result = prepared.executeQuery()) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }
}
