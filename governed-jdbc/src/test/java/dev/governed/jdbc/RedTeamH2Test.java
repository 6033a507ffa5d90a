package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The red-team attacks on H2, plus H2's own: file functions, scripts, aliases, delta tables, escapes. */
class RedTeamH2Test extends RedTeamTest {

    private static final Path PROBE = Path.of(System.getProperty("java.io.tmpdir"),
            "governed-redteam-" + UUID.randomUUID());

    @Override
    String newDatabaseUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    Properties targetProperties() {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "");
        return result;
    }

    @Override
    String setSchemaSql(String schema) {
        return "SET SCHEMA " + schema;
    }

    /** Governed refuses SET SCHEMA_SEARCH_PATH, but the application's URL may carry it. */
    @Override
    Connection analystOnSearchPath(String first, String second) throws SQLException {
        String token = fixture.idp.token().subject("agent:analyst").groups("analysts").sign();
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl) + ";SCHEMA_SEARCH_PATH="
                + first.toUpperCase(java.util.Locale.ROOT) + "," + second.toUpperCase(java.util.Locale.ROOT),
                governedProperties(token));
    }

    @Override
    String schemaName(String schema) {
        return schema.toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    String tableName(String table) {
        return table.toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    String integerArrayType() {
        return "INTEGER";
    }

    @Override
    List<Class<?>> vendorClasses() {
        return List.of(org.h2.jdbc.JdbcConnection.class, org.h2.jdbc.JdbcStatement.class,
                org.h2.jdbc.JdbcPreparedStatement.class, org.h2.jdbc.JdbcCallableStatement.class,
                org.h2.jdbc.JdbcResultSet.class, org.h2.jdbc.JdbcDatabaseMetaData.class,
                org.h2.engine.Session.class);
    }

    @Override
    Stream<String> dialectAttacks() {
        String file = PROBE.toString().replace('\\', '/');
        return Stream.of(
                // H2 has no E'' strings: E'\' ends at the second quote, and what follows runs.
                "SELECT E'\\' ; DROP TABLE orders; --'",
                "SELECT E'\\' ; DELETE FROM secrets; --'",
                "SELECT * FROM orders WHERE status = e'\\' OR EXISTS (SELECT 1 FROM secrets) --'",
                // Files, scripts and code.
                "SCRIPT",
                "script simple nopasswords",
                "SCRIPT TO '" + file + "'",
                "RUNSCRIPT FROM '" + file + "'",
                "BACKUP TO '" + file + "'",
                "CALL CSVWRITE('" + file + "', 'SELECT * FROM secrets')",
                "SELECT CSVWRITE('" + file + "', 'SELECT * FROM secrets')",
                "SELECT * FROM CSVREAD('" + file + "')",
                "SELECT FILE_READ('" + file + "')",
                "SELECT \"FILE_READ\"('" + file + "')",
                "SELECT PUBLIC.FILE_READ('" + file + "') FROM orders",
                "CALL FILE_WRITE('x', '" + file + "')",
                "CREATE ALIAS EXEC AS 'String e(String c) throws Exception { return c; }'",
                "CREATE ALIAS GETPROP FOR 'java.lang.System.getProperty'",
                "CALL LINK_SCHEMA('L', '', 'jdbc:h2:mem:redteam', 'sa', '', 'PUBLIC')",
                "CREATE LINKED TABLE l('', 'jdbc:h2:mem:redteam', 'sa', '', 'T')",
                "CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW CALL 'org.example.Trigger'",
                "SHUTDOWN",
                "DROP ALL OBJECTS",
                "SET MODE PostgreSQL",
                "SET NON_KEYWORDS SELECT",
                // Data-change delta tables: a write inside a SELECT.
                "SELECT * FROM FINAL TABLE (DELETE FROM secrets WHERE id = 1)",
                "SELECT * FROM OLD TABLE (DELETE FROM orders)",
                "SELECT * FROM NEW TABLE (INSERT INTO secrets VALUES (3, 'x'))",
                "SELECT * FROM OLD TABLE (UPDATE orders SET status = 'x')",
                "SELECT * FROM orders WHERE id IN (SELECT id FROM OLD TABLE (DELETE FROM secrets WHERE id = 1))",
                // H2's own MERGE and other spellings.
                "MERGE INTO secrets KEY (id) VALUES (1, 'pwned')",
                "MERGE INTO orders KEY (id) SELECT id, id, 0, secret FROM secrets",
                "MERGE INTO orders KEY (id) VALUES (10, 1, 0, 'x'); DELETE FROM secrets",
                "SET @s = (SELECT secret FROM secrets)",
                "CALL (SELECT secret FROM secrets)",
                "SELECT * FROM TABLE(x VARCHAR = (SELECT secret FROM secrets))",
                "SELECT * FROM SYSTEM_RANGE(1, 1) WHERE (SELECT COUNT(*) FROM secrets) > 0",
                "SELECT `secret` FROM `SECRETS`",
                "SELECT * FROM INFORMATION_SCHEMA.USERS",
                "EXPLAIN ANALYZE DELETE FROM secrets",
                "DELETE FROM orders LIMIT 1",
                "DELETE TOP 1 FROM orders",
                "UPDATE orders SET status = 'x' LIMIT 1",
                "SELECT * FROM orders // ; DELETE FROM secrets",
                "SELECT 1 FROM DUAL; DELETE FROM secrets",
                "{call FILE_READ('" + file + "')}",
                "{? = call FILE_READ('" + file + "')}");
    }

    /** Tokens forged with the signer's key chosen by the token itself, or otherwise not valid now, for us. */
    static Stream<org.junit.jupiter.params.provider.Arguments> forgedTokens() throws Exception {
        return Stream.of(
                named("jku header pointing at the attacker's keys", idp -> withHeader(
                        h -> h.jwkURL(java.net.URI.create("http://127.0.0.1:9/jwks.json")), "attacker-1")),
                named("x5u header pointing at the attacker's certificate", idp -> withHeader(
                        h -> h.x509CertURL(java.net.URI.create("http://127.0.0.1:9/cert.pem")), "attacker-2")),
                named("embedded jwk header", idp -> idp.attack().embeddedKey()),
                named("kid path traversal", idp -> withHeader(h -> h, "../../../../../dev/null")),
                named("kid SQL injection", idp -> withHeader(h -> h, "x' OR '1'='1")),
                named("kid of a published key, attacker's signature", idp -> withHeader(h -> h,
                        idp.keyId(dev.governed.testsupport.TestIdentityProvider.Algorithm.RS256))),
                named("nbf an hour ahead", idp -> idp.token().subject("agent:support").groups("support-agents")
                        .notBefore(java.time.Instant.now().plusSeconds(3600)).sign()),
                named("iat an hour ahead", idp -> idp.token().subject("agent:support").groups("support-agents")
                        .issuedAt(java.time.Instant.now().plusSeconds(3600)).sign()),
                named("another audience", idp -> idp.token().subject("agent:support").groups("support-agents")
                        .audience("another-service").sign()),
                named("issuer in another case", idp -> idp.token().subject("agent:support").groups("support-agents")
                        .issuer(idp.issuer().toUpperCase(java.util.Locale.ROOT)).sign()),
                named("no exp", idp -> idp.attack().missingExpiry()),
                named("alg None", idp -> idp.attack().unsignedWithAlgorithm("None")),
                named("alg nOnE", idp -> idp.attack().unsignedWithAlgorithm("nOnE")),
                named("five parts, as an encrypted token", idp -> "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d"),
                named("a megabyte of token", idp -> "e".repeat(1 << 20)));
    }

    private static org.junit.jupiter.params.provider.Arguments named(
            String name, java.util.function.Function<dev.governed.testsupport.TestIdentityProvider, String> token) {
        return org.junit.jupiter.params.provider.Arguments.of(name, token);
    }

    /** A token for support-agents signed by a key of the attacker, with the header the attack needs. */
    private static String withHeader(java.util.function.UnaryOperator<com.nimbusds.jose.JWSHeader.Builder> header,
            String kid) {
        try {
            com.nimbusds.jose.jwk.RSAKey attacker = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID(kid)
                    .generate();
            com.nimbusds.jose.JWSHeader.Builder builder = new com.nimbusds.jose.JWSHeader.Builder(
                    com.nimbusds.jose.JWSAlgorithm.RS256).keyID(kid);
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(header.apply(builder).build(),
                    new com.nimbusds.jwt.JWTClaimsSet.Builder().subject("agent:evil").issuer(
                            dev.governed.testsupport.TestIdentityProvider.DEFAULT_ISSUER)
                            .audience(dev.governed.testsupport.TestIdentityProvider.DEFAULT_AUDIENCE)
                            .claim("groups", List.of("dba", "support-agents"))
                            .expirationTime(new java.util.Date(System.currentTimeMillis() + 300_000)).build());
            jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(attacker));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("forgedTokens")
    void forgedOrUnfitTokenIsRefused(String name,
            java.util.function.Function<dev.governed.testsupport.TestIdentityProvider, String> attack) throws Exception {
        String token = attack.apply(fixture.idp);
        try (Connection connection = governed(null); java.sql.Statement statement = connection.createStatement()) {
            assertRefused(() -> dev.governed.core.Governed.runAs(token,
                    () -> statement.executeUpdate("DELETE FROM orders WHERE id = 10")));
            assertRefused(() -> dev.governed.core.Governed.runAs(token,
                    () -> statement.executeUpdate("DELETE FROM orders WHERE id = 10")));
        }
        assertDatabaseUnchanged();
    }

    /** No attack above may have written the probe file. */
    @Test
    void noAttackWroteTheProbeFile() {
        assertThat(Files.exists(PROBE)).isFalse();
    }

    /**
     * H2 upper-cases unquoted names with Java's full case mapping: {@code ſecrets} (long s)
     * is SECRETS. A deny rule on public.secrets must still catch it under an allow wildcard.
     */
    @Test
    void caseFoldingDoesNotSlipPastADenyRule() throws Exception {
        try (Connection connection = analyst()) {
            assertTextRefused(connection, "SELECT * FROM \u017Fecrets");
            assertTextRefused(connection, "SELECT * FROM SECRET\u017F");
            assertTextRefused(connection, "SELECT * FROM public.\u017Fecrets");
        }
        assertDatabaseUnchanged();
    }
}
