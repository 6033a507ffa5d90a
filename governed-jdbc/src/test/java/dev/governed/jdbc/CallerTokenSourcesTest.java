package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.governed.core.Governed;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where a connection's caller token comes from: a rotating file, a token provider, or the scoped token. */
class CallerTokenSourcesTest {

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

    private boolean canReadSecrets(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT secret FROM secrets")) {
            return result.next();
        } catch (PolicyDeniedException denied) {
            return false;
        }
    }

    @Test
    void aRotatedTokenFileIsPickedUpWithoutReconnecting() throws Exception {
        Path tokenFile = fixture.directory.resolve("token");
        Files.writeString(tokenFile, fixture.supportAgent());
        Properties properties = fixture.properties();
        properties.setProperty("governed.token.file", tokenFile.toString());
        try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                Statement statement = connection.createStatement()) {
            assertThat(canReadSecrets(statement)).isFalse();
            Path next = fixture.directory.resolve("token.next");
            Files.writeString(next, fixture.dba() + "\n");
            Files.move(next, tokenFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            long rotated = System.nanoTime();
            while (!canReadSecrets(statement)) {
                assertThat(System.nanoTime() - rotated).isLessThan(3_000_000_000L);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aScopedTokenWinsOverTheConfiguredOne() throws Exception {
        try (Connection connection = DriverManager.getConnection(
                        GovernedFixture.governedUrl(rawUrl), fixture.properties(fixture.supportAgent()));
                Statement statement = connection.createStatement()) {
            assertThat(canReadSecrets(statement)).isFalse();
            assertThat(Governed.runAs(fixture.dba(), () -> canReadSecrets(statement))).isTrue();
            assertThat(canReadSecrets(statement)).as("the configured caller again after runAs").isFalse();
        }
    }

    @Test
    void anOAuthClientCredentialsProviderSuppliesAndReusesTheAgentsToken() throws Exception {
        AtomicInteger grants = new AtomicInteger();
        AtomicReference<String> authorization = new AtomicReference<>();
        String issued = fixture.dba();
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/oauth/token", exchange -> {
            grants.incrementAndGet();
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"access_token\":\"" + issued + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        idp.start();
        try {
            Properties properties = fixture.properties();
            properties.setProperty("governed.token.provider", "oauth-client-credentials");
            properties.setProperty("governed.oauth.tokenUrl",
                    "http://127.0.0.1:" + idp.getAddress().getPort() + "/oauth/token");
            properties.setProperty("governed.oauth.clientId", "billing-agent");
            properties.setProperty("governed.oauth.clientSecret", "s3cret");
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    Statement statement = connection.createStatement()) {
                for (int i = 0; i < 5; i++) {
                    assertThat(canReadSecrets(statement)).isTrue();
                }
            }
            assertThat(grants.get()).isEqualTo(1);
            assertThat(new String(Base64.getDecoder().decode(authorization.get().substring("Basic ".length())),
                    StandardCharsets.UTF_8)).isEqualTo("billing-agent:s3cret");
        } finally {
            idp.stop(0);
        }
    }

    @Test
    void anUnknownTokenProviderFailsTheConnectionNamingTheKnownOnes() {
        Properties properties = fixture.properties();
        properties.setProperty("governed.token.provider", "carrier-pigeon");
        assertThatThrownBy(() -> DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("carrier-pigeon")
                .hasMessageContaining("oauth-client-credentials");
    }
}
