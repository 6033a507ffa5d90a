package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.core.Governed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 8693 delegation end to end on H2: the agent in {@code act} is the audited subject, the token's
 * {@code sub} whom it acts for; policies decide on both; deep or malformed chains never reach the database.
 */
class DelegationH2Test {

    private static final String POLICY = """
            version: 1
            rules:
              - id: billing-agent-for-alice
                when: { actors: ["agent:billing"], onBehalfOf: [alice] }
                sql: { operations: [select], tables: [public.orders] }
                effect: allow
              - id: support-direct-only
                when: { groups: [support-agents], onBehalfOf: absent }
                sql: { operations: [select], tables: [public.customers] }
                effect: allow
            """;

    @TempDir
    Path dir;

    private GovernedFixture fixture;
    private String rawUrl;
    private Properties properties;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new GovernedFixture();
        rawUrl = GovernedFixture.newH2Database();
        Path policy = Files.writeString(dir.resolve("delegation.yaml"), POLICY);
        properties = fixture.properties();
        properties.setProperty("governed.policy", policy.toString());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void agentActingForAliceIsTheAuditedSubjectWithTheWholeChain() throws Exception {
        String token = fixture.idp.token().subject("alice").groups("support-agents")
                .delegation("agent:billing", "orchestrator").sign();

        assertThat(count(token, "SELECT COUNT(*) FROM orders")).isEqualTo(3);

        JsonNode actor = single().get("actor");
        assertThat(actor.get("subject").asText()).isEqualTo("agent:billing");
        assertThat(actor.get("onBehalfOf").asText()).isEqualTo("alice");
        assertThat(actor.get("delegation").toString()).isEqualTo("[\"agent:billing\",\"orchestrator\"]");
        assertThat(actor.get("groups").toString()).isEqualTo("[\"support-agents\"]");
    }

    @Test
    void plainTokenIsItsOwnSubjectWithoutDelegation() throws Exception {
        String token = fixture.idp.token().subject("agent:support").groups("support-agents").sign();

        assertThat(count(token, "SELECT COUNT(*) FROM customers")).isEqualTo(2);

        JsonNode actor = single().get("actor");
        assertThat(actor.get("subject").asText()).isEqualTo("agent:support");
        assertThat(actor.get("onBehalfOf").isNull()).isTrue();
        assertThat(actor.has("delegation")).isFalse();
    }

    @Test
    void sameAgentActingForSomeoneElseIsDenied() {
        String token = fixture.idp.token().subject("bob").delegation("agent:billing").sign();

        assertThatThrownBy(() -> count(token, "SELECT COUNT(*) FROM orders"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
                .hasMessageContaining("agent:billing on behalf of bob");
        assertThat(single().at("/actor/onBehalfOf").asText()).isEqualTo("bob");
    }

    @Test
    void otherAgentActingForAliceIsDenied() {
        String token = fixture.idp.token().subject("alice").delegation("agent:rogue").sign();

        assertThatThrownBy(() -> count(token, "SELECT COUNT(*) FROM orders"))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
    }

    @Test
    void onBehalfOfAbsentRefusesADelegatedTokenThatAPlainOneWouldPass() {
        String delegated = fixture.idp.token().subject("agent:support").groups("support-agents")
                .delegation("agent:helper").sign();

        assertThatThrownBy(() -> count(delegated, "SELECT COUNT(*) FROM customers"))
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
    }

    @Test
    void chainDeeperThanFiveIsRefusedWith28000() {
        String token = fixture.idp.token().subject("alice")
                .delegation("agent:billing", "a2", "a3", "a4", "a5", "a6").sign();

        assertRefused(token, "deeper than the limit of 5 actors");
        assertThat(single().at("/decision/rule").asText()).isEqualTo("authentication");
    }

    @Test
    void depthLimitIsAGovernedSetting() throws Exception {
        properties.setProperty("governed.delegation.maxDepth", "1");

        assertThat(count(fixture.idp.token().subject("alice").delegation("agent:billing").sign(),
                "SELECT COUNT(*) FROM orders")).isEqualTo(3);
        assertRefused(fixture.idp.token().subject("alice").delegation("agent:billing", "orchestrator").sign(),
                "deeper than the limit of 1 actors");
    }

    @Test
    void malformedActIsRefusedWith28000() {
        assertRefused(fixture.idp.token().subject("alice").claim("act", "agent:billing").sign(),
                "token claim act must be a JSON object");
        assertRefused(fixture.idp.token().subject("alice").claim("act", Map.of("sub", "agent:billing",
                "act", Map.of("sub", List.of("x")))).sign(), "token claim act.act has a JSON array sub");
        assertRefused(fixture.idp.token().subject("alice").delegation("agent:a", "agent:b", "agent:a").sign(),
                "appears twice in the delegation chain");
    }

    private void assertRefused(String token, String message) {
        assertThatThrownBy(() -> count(token, "SELECT COUNT(*) FROM orders"))
                .isInstanceOf(TokenRejectedException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"))
                .hasMessageContaining(message);
    }

    private long count(String token, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                Statement statement = connection.createStatement()) {
            return Governed.runAs(token, () -> {
                try (ResultSet rows = statement.executeQuery(sql)) {
                    rows.next();
                    return rows.getLong(1);
                }
            });
        }
    }

    private JsonNode single() {
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).hasSize(1);
        return events.get(0);
    }
}
