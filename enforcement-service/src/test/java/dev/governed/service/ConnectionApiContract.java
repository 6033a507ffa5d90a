package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConnectionApiContract {
    static final String PASSWORD = "s3cret-Pa55word!";
    ServiceFixture fixture;

    /** Starts the service under test on its database. */
    abstract ServiceFixture startFixture();

    @BeforeAll
    void start() {
        fixture = startFixture();
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.readTree(response.body(), "response");
    }

    /** A profile that releases its stored credentials (these tests' targets do not exist, so nothing could mint on them). */
    static String profile(String url, String password, String groups) {
        return "{\"url\":\"" + url + "\",\"credentials\":\"static\",\"user\":\"app\",\"password\":" + (password == null ? "null" : "\"" + password + "\"")
                + ",\"allowed\":{\"subjects\":[\"agent:billing\"],\"groups\":[" + groups + "]}}";
    }

    /** A direct connection to the service's database, to look at what is stored. */
    abstract Connection database() throws java.sql.SQLException;

    @Test
    void allowedAgentResolvesCredentialsThatAreEncryptedAtRest() throws Exception {
        HttpResponse<String> created = fixture.putJson("/v1/connections/orders", fixture.admin(),
                profile("jdbc:postgresql://db:5432/orders", PASSWORD, "\"order-agents\""));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(PASSWORD);
        assertThat(json(created).get("hasPassword").asBoolean()).isTrue();
        try (Connection connection = database();
             ResultSet rows = connection.createStatement().executeQuery("SELECT secret FROM connection_profiles WHERE name = 'orders'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).startsWith("v1:").doesNotContain(PASSWORD);
        }
        HttpResponse<String> bySubject = fixture.get("/v1/connections/orders", fixture.agent("agent:billing"));
        assertThat(bySubject.statusCode()).isEqualTo(200);
        assertThat(json(bySubject).get("password").asText()).isEqualTo(PASSWORD);
        assertThat(json(bySubject).get("url").asText()).isEqualTo("jdbc:postgresql://db:5432/orders");
        assertThat(bySubject.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(json(bySubject).get("credentials").asText()).isEqualTo("static");
        assertThat(json(bySubject).get("expiresAt").isNull()).as("static credentials do not expire").isTrue();
        assertThat(json(fixture.get("/v1/connections/orders", fixture.agent("agent:x", "order-agents"))).get("password").asText()).isEqualTo(PASSWORD);
    }

    @Test
    void otherCallersNeverSeeThePassword() {
        fixture.putJson("/v1/connections/payroll", fixture.admin(), profile("jdbc:postgresql://db:5432/payroll", PASSWORD, "\"payroll\""));
        HttpResponse<String> stranger = fixture.get("/v1/connections/payroll", fixture.agent("agent:support", "support-agents"));
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(stranger.body()).doesNotContain(PASSWORD);
        HttpResponse<String> admin = fixture.get("/v1/connections/payroll", fixture.admin());
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).doesNotContain(PASSWORD).doesNotContain("\"password\"");
        assertThat(fixture.get("/v1/connections", fixture.admin()).body()).doesNotContain(PASSWORD).contains("payroll");
        assertThat(fixture.putJson("/v1/connections/payroll", fixture.approver("dba"), profile("jdbc:h2:mem:x", null, "\"x\"")).statusCode())
                .isEqualTo(403);
    }

    @Test
    void ciphertextMovedToAnotherProfileDoesNotDecrypt() throws Exception {
        fixture.putJson("/v1/connections/source", fixture.admin(), profile("jdbc:postgresql://db/source", PASSWORD, "\"a\""));
        fixture.putJson("/v1/connections/target", fixture.admin(), profile("jdbc:postgresql://db/target", "other", "\"a\""));
        try (Connection connection = database();
             PreparedStatement copy = connection.prepareStatement(
                     "UPDATE connection_profiles SET secret = (SELECT secret FROM connection_profiles WHERE name = 'source') WHERE name = 'target'")) {
            copy.executeUpdate();
        }
        HttpResponse<String> response = fixture.get("/v1/connections/target", fixture.agent("agent:billing"));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).doesNotContain(PASSWORD).contains("cannot be decrypted");
    }

    @Test
    void badProfilesAreRefused() {
        String admin = fixture.admin();
        assertThat(fixture.putJson("/v1/connections/bad", admin, profile("postgresql://db/x", null, "\"a\"")).statusCode()).isEqualTo(400);
        assertThat(fixture.putJson("/v1/connections/bad", admin, profile("jdbc:governed:h2:mem:x", null, "\"a\"")).statusCode()).isEqualTo(400);
        assertThat(fixture.putJson("/v1/connections/bad", admin, "{\"url\":\"jdbc:h2:mem:x\",\"allowed\":{}}").statusCode()).isEqualTo(400);
        assertThat(fixture.putJson("/v1/connections/bad", admin, "{\"url\":\"jdbc:h2:mem:x\",\"pwd\":\"x\"}").body()).contains("unknown field 'pwd'");
        assertThat(fixture.putJson("/v1/connections/b%20ad", admin, profile("jdbc:h2:mem:x", null, "\"a\"")).statusCode()).isEqualTo(400);
        assertThat(fixture.get("/v1/connections/bad", admin).statusCode()).isEqualTo(404);
    }

    @Test
    void aProfileThatCannotMintMustSayStatic() {
        String admin = fixture.admin();
        HttpResponse<String> h2 = fixture.putJson("/v1/connections/h2", admin,
                "{\"url\":\"jdbc:h2:mem:x\",\"user\":\"sa\",\"password\":\"pw\",\"allowed\":{\"groups\":[\"a\"]}}");
        assertThat(h2.statusCode()).isEqualTo(400);
        assertThat(h2.body()).contains("cannot mint").contains("H2").contains("\\\"credentials\\\": \\\"static\\\"");
        HttpResponse<String> unreachable = fixture.putJson("/v1/connections/pg", admin,
                "{\"url\":\"jdbc:postgresql://127.0.0.1:1/x\",\"user\":\"u\",\"password\":\"pw\",\"allowed\":{\"groups\":[\"a\"]}}");
        assertThat(unreachable.statusCode()).isEqualTo(400);
        assertThat(unreachable.body()).contains("could not connect as 'u'");
        HttpResponse<String> noPassword = fixture.putJson("/v1/connections/pg", admin,
                "{\"url\":\"jdbc:postgresql://127.0.0.1:1/x\",\"allowed\":{\"groups\":[\"a\"]}}");
        assertThat(noPassword.body()).contains("fields 'user' and 'password'");
        assertThat(fixture.putJson("/v1/connections/pg", admin, "{\"url\":\"jdbc:h2:mem:x\",\"credentials\":\"borrowed\","
                + "\"allowed\":{\"groups\":[\"a\"]}}").body()).contains("field 'credentials' must be");
        assertThat(fixture.putJson("/v1/connections/pg", admin, "{\"url\":\"jdbc:h2:mem:x\",\"credentials\":\"static\",\"ttl\":\"5m\","
                + "\"allowed\":{\"groups\":[\"a\"]}}").body()).contains("field 'ttl' applies to minted logins only");
        assertThat(fixture.putJson("/v1/connections/pg", admin, "{\"url\":\"jdbc:postgresql://127.0.0.1:1/x\",\"user\":\"u\","
                + "\"password\":\"p\",\"ttl\":\"13h\",\"allowed\":{\"groups\":[\"a\"]}}").body()).contains("between 1 minute and 12 hours");
        assertThat(fixture.putJson("/v1/connections/pg", admin, "{\"url\":\"jdbc:postgresql://127.0.0.1:1/x\",\"user\":\"u\","
                + "\"password\":\"p\",\"ttl\":\"soon\",\"allowed\":{\"groups\":[\"a\"]}}").body()).contains("must be a duration such as");
        HttpResponse<String> explicit = fixture.putJson("/v1/connections/h2", admin,
                "{\"url\":\"jdbc:h2:mem:x\",\"credentials\":\"static\",\"allowed\":{\"groups\":[\"a\"]}}");
        assertThat(explicit.statusCode()).isEqualTo(201);
        assertThat(json(explicit).get("credentials").asText()).isEqualTo("static");
    }

    @Test
    void credentialReleasesAreAudited() {
        fixture.putJson("/v1/connections/audited", fixture.admin(), profile("jdbc:postgresql://db/audited", PASSWORD, "\"a\""));
        fixture.get("/v1/connections/audited", fixture.agent("agent:billing"));
        JsonNode events = json(fixture.get("/v1/audit/events?kind=admin&limit=1000", fixture.auditor())).get("events");
        assertThat(events.toString()).contains("connection.resolve").contains("connection:audited").doesNotContain(PASSWORD);
    }

    @Test
    void withoutASecretKeyPasswordsAreNotStored(@TempDir Path otherDir) {
        try (ServiceFixture keyless = ServiceFixture.start(fixture.idp, false, b -> b.dataDir(otherDir).secretKey(null))) {
            HttpResponse<String> response = keyless.putJson("/v1/connections/x", keyless.admin(), profile("jdbc:h2:mem:x", PASSWORD, "\"a\""));
            assertThat(response.statusCode()).isEqualTo(409);
            assertThat(response.body()).contains("secretKey");
            assertThat(keyless.get("/v1/connections/x", keyless.admin()).statusCode()).isEqualTo(404);
        }
    }
}
