package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.core.Governed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad token is refused with SQLState 28000 before anything reaches the database. */
class TokenRejectionTest {

    private GovernedFixture fixture;
    private String rawUrl;

    @BeforeEach
    void setUp() throws SQLException {
        fixture = new GovernedFixture();
        rawUrl = GovernedFixture.newH2Database();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                Arguments.of("expired", (Function<GovernedFixture, String>) f -> f.idp.attack().expired()),
                Arguments.of("wrong issuer", (Function<GovernedFixture, String>) f -> f.idp.attack().wrongIssuer()),
                Arguments.of("wrong audience",
                        (Function<GovernedFixture, String>) f -> f.idp.attack().wrongAudience()),
                Arguments.of("alg none", (Function<GovernedFixture, String>) f -> f.idp.attack().unsigned()),
                Arguments.of("HS256 with the RSA public key",
                        (Function<GovernedFixture, String>) f -> f.idp.attack().hmacWithRsaPublicKey()),
                Arguments.of("unknown kid", (Function<GovernedFixture, String>) f -> f.idp.attack().unknownKey()),
                Arguments.of("forged with a known kid",
                        (Function<GovernedFixture, String>) f -> f.idp.attack().forgedWithKnownKeyId()),
                Arguments.of("tampered payload", (Function<GovernedFixture, String>) f -> f.idp.attack().tampered()),
                Arguments.of("not a JWT", (Function<GovernedFixture, String>) f -> "not-a-token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void badTokenIsRefusedPerStatement(String name, Function<GovernedFixture, String> attack) throws Exception {
        String token = attack.apply(fixture);
        try (Connection connection = DriverManager.getConnection(
                        GovernedFixture.governedUrl(rawUrl), fixture.properties());
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> Governed.runAs(token, () -> statement.executeUpdate(
                            "DELETE FROM orders WHERE id = 10")))
                    .isInstanceOf(TokenRejectedException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
        }
        assertThat(countOrders()).isEqualTo(3);
        List<JsonNode> events = fixture.auditEvents();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).at("/decision/rule").asText()).isEqualTo("authentication");
        assertThat(events.get(0).at("/outcome/status").asText()).isEqualTo("denied");
        assertThat(events.get(0).at("/action/statement").asText())
                .as("refused before any policy said which columns are masked: recorded without its literals")
                .isEqualTo("DELETE FROM orders WHERE id = ?");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void badConfiguredTokenIsRefusedAtConnect(String name, Function<GovernedFixture, String> attack) {
        assertThatThrownBy(() -> DriverManager.getConnection(
                        GovernedFixture.governedUrl(rawUrl), fixture.properties(attack.apply(fixture))))
                .isInstanceOf(TokenRejectedException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"));
    }

    @Test
    void noTokenAtAllIsRefusedWithWhatToDo() throws Exception {
        try (Connection connection = DriverManager.getConnection(
                        GovernedFixture.governedUrl(rawUrl), fixture.properties());
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT id FROM orders"))
                    .isInstanceOf(TokenRejectedException.class)
                    .hasMessageContaining("governed.token")
                    .hasMessageContaining("Governed.runAs");
        }
    }

    @Test
    void tokenThatExpiresWhileCachedIsRefusedOnTheNextStatement() throws Exception {
        String shortLived = fixture.idp.token().subject("agent:support").groups("support-agents")
                .expiresAt(java.time.Instant.now().plusSeconds(2)).sign();
        try (Connection connection = DriverManager.getConnection(
                        GovernedFixture.governedUrl(rawUrl), fixture.properties());
                Statement statement = connection.createStatement()) {
            Governed.runAs(shortLived, () -> {
                statement.executeQuery("SELECT id FROM orders").close();
                return null;
            });
            Thread.sleep(2_100);
            assertThatThrownBy(() -> Governed.runAs(shortLived, () -> statement.executeQuery("SELECT id FROM orders")))
                    .isInstanceOf(TokenRejectedException.class)
                    .hasMessageContaining("expired");
        }
    }

    private long countOrders() throws SQLException {
        try (Connection raw = GovernedFixture.raw(rawUrl);
                var result = raw.createStatement().executeQuery("SELECT COUNT(*) FROM orders")) {
            result.next();
            return result.getLong(1);
        }
    }
}
