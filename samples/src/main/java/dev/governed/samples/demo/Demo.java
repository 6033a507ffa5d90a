package dev.governed.samples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import dev.governed.core.Governed;
import dev.governed.http.GovernedHttpClient;
import dev.governed.http.RequestDeniedException;
import dev.governed.jdbc.ApprovalPendingException;
import dev.governed.jdbc.GovernedDriver;
import dev.governed.service.GovernedService;
import dev.governed.service.ServiceConfig;
import dev.governed.service.cli.DevIdentity;
import dev.governed.service.cli.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * The demo: an AI support agent's JDBC calls through Governed, on an in-memory H2
 * database and an in-process enforcement service. The agent connects by connection
 * name and never holds the database password; the service supplies the policy bound
 * to the agent's token. It shows what policy allows, what it blocks (with the
 * evasions an agent might try), an UPDATE held until a second identity approves it
 * and then run exactly once, a tampered token refused, the same agent calling an
 * HTTP API through the decorator, and the signed, hash-chained audit trail that
 * recorded it all, verified.
 */
final class Demo {

    private static final String DATABASE = "jdbc:h2:mem:governed-demo;DB_CLOSE_DELAY=-1";
    private static final String DATABASE_PASSWORD = "only-the-service-knows";

    /** What the demo writes in its folder; a new run removes exactly these, nothing else the folder may hold. */
    private static final List<String> FILES = List.of("audit.jsonl", "audit-signing-key.jwk", "audit-public-key.jwk", "idp", "service",
            "crm-api.key");

    private final PrintWriter out;
    private final Path work;
    private final HttpClient http = HttpClient.newHttpClient();
    /** The approval the last attempt was held for, or null. */
    private String pendingApproval;

    Demo(PrintWriter out, Path work) {
        this.out = out;
        this.work = work;
    }

    /** Where the demo keeps its files unless told otherwise: one per-user folder, reused by every run. */
    static Path defaultFolder() {
        return Path.of(System.getProperty("user.home"), ".governed", "demo");
    }

    /** Runs the demo; true when the database stayed intact and the audit trail verifies. */
    boolean run() throws Exception {
        PrivateFiles.directory(work);
        for (String each : FILES) {
            deleteRecursively(work.resolve(each));
        }
        Path audit = work.resolve("audit.jsonl");
        Path signingKey = work.resolve("audit-signing-key.jwk");
        Path verificationKey = work.resolve("audit-public-key.jwk");
        writeCheckpointKeys(signingKey, verificationKey);
        createDatabase();
        DevIdentity idp = DevIdentity.open(work.resolve("idp"));
        byte[] secretKey = new byte[32];
        new SecureRandom().nextBytes(secretKey);
        try (GovernedService service = GovernedService.start(ServiceConfig.builder()
                .port(0).dataDir(work.resolve("service"))
                .issuer(DevIdentity.ISSUER).jwks(idp.jwksLocation()).audience(DevIdentity.AUDIENCE)
                .secretKey(secretKey).build())) {
            String admin = idp.mint("alice-admin", List.of("governed-admins"), Duration.ofMinutes(10));
            send(service.baseUri(), "POST", "/v1/policies?activate=true", "application/yaml", resource("demo-policy.yaml"),
                    admin);
            // H2 cannot mint per-agent logins (docs/credentials.md), so the demo's profile releases its stored credentials.
            send(service.baseUri(), "PUT", "/v1/connections/demo", "application/json", """
                    {"url": "%s", "user": "sa", "password": "%s", "credentials": "static", "allowed": {"groups": ["support-agents"]}}"""
                    .formatted(DATABASE, DATABASE_PASSWORD), admin);
            String agent = idp.mint("agent:support-bot", List.of("support-agents"), Duration.ofMinutes(10));

            Properties properties = new Properties(); // note: no database user or password
            properties.setProperty("governed.token", agent);
            properties.setProperty("governed.jwks", idp.jwksLocation());
            properties.setProperty("governed.issuer", DevIdentity.ISSUER);
            properties.setProperty("governed.audience", DevIdentity.AUDIENCE);
            properties.setProperty("governed.audit", "jsonl:" + audit);
            properties.setProperty("governed.audit.key", signingKey.toString()); // signs chain checkpoints
            // a signed checkpoint after every event, so the trail verifies strictly while the demo runs (the default
            // cadence is 1000 events or 10 s, plus a final checkpoint when the JVM exits)
            properties.setProperty("governed.audit.checkpoint.every", "1");
            String url = "jdbc:governed://127.0.0.1:" + service.port() + "/demo";

            say("Governed demo: an AI support agent on " + url);
            say("(policy and database credentials come from the enforcement service at " + service.baseUri() + ")");
            say("(the demo runs on H2, which cannot mint per-agent logins, so its profile is \"static\": on PostgreSQL each agent"
                    + " gets its own short-lived login with policy-derived grants; see docs/credentials.md)");
            say("");
            try (Connection connection = DriverManager.getConnection(url, properties);
                    Statement statement = connection.createStatement()) {
                attempt("read open orders", statement,
                        "SELECT o.id, c.name, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id"
                                + " WHERE o.status = 'open'");
                show("look up a customer (ssn and email masked)", statement,
                        "SELECT name, email, ssn FROM customers WHERE id = 1");
                show("unmask through an alias and a function", statement,
                        "SELECT c.name, upper(c.email) AS contact, s.id_number FROM customers c"
                                + " JOIN (SELECT id, ssn AS id_number FROM customers) s ON s.id = c.id WHERE c.id = 2");
                attempt("mark one order shipped", statement, "UPDATE orders SET status = 'shipped' WHERE id = 10");
                approval(service.baseUri(), idp, agent, statement);
                attempt("drop the orders table", statement, "DROP TABLE orders");
                attempt("hide a DROP behind a SELECT", statement, "SELECT 1; DROP TABLE orders");
                attempt("hide a DROP behind a comment and case", statement, "/* cleanup */ dRoP TaBlE \"ORDERS\"");
                attempt("update every order", statement, "UPDATE orders SET amount = 0");
                attempt("read a table no rule allows", statement, "SELECT * FROM payroll");
                attempt("send text Governed cannot parse", statement, "SELEC * FRM orders");
                Governed.runAs(promoted(agent), () -> attempt("promote itself to dba in its token", statement,
                        "SELECT * FROM payroll"));
            }
            callTheCrm(properties, service.baseUri(), agent);
            boolean intact = ordersIntact();
            GovernedDriver.flushAudit();
            return showAudit(audit, verificationKey) && intact;
        }
    }

    /**
     * The same agent calls an HTTP API through the decorator, under the same policy and onto the same audit chain:
     * Governed adds the API key (the agent never holds it), masks the JSON answer as it streams, and refuses a path
     * trick and an agent's own credential before a byte reaches the API.
     */
    private void callTheCrm(Properties jdbcSettings, URI service, String agent) throws Exception {
        try (CrmApi crm = new CrmApi()) {
            Path key = work.resolve("crm-api.key");
            PrivateFiles.write(key, CrmApi.API_KEY);
            Properties settings = new Properties();
            settings.putAll(jdbcSettings);
            settings.setProperty("governed.policy", service.toString());
            settings.setProperty("governed.http.resources", "crm-api=" + crm.base());
            settings.setProperty("governed.http.credentials.crm-api", "bearer:file:" + key);
            GovernedHttpClient http = (GovernedHttpClient) GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings);
            try {
                say("");
                say("The same agent calls the CRM's HTTP API (" + crm.base() + ") through the HTTP decorator:");
                Governed.runAs(agent, () -> {
                    request("read a customer (ssn and emails masked)", http, crm.base() + "/customers/1", null);
                    request("reach the admin API via /customers/%2e%2e", http, crm.base() + "/customers/%2e%2e/admin/users", null);
                    request("send its own API key", http, crm.base() + "/customers/1", "Bearer stolen-key");
                    return null;
                });
                say("  the CRM received only: " + crm.received());
            } finally {
                http.close();
            }
        }
    }

    private void request(String what, HttpClient http, String url, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            say(String.format("  ALLOWED  %-42s %d %s", what, response.statusCode(), response.body()));
        } catch (RequestDeniedException e) {
            say(String.format("  BLOCKED  %-42s [%s] %s", what, e.rule(), e.getMessage()));
        } catch (IOException e) {
            say(String.format("  BLOCKED  %-42s %s", what, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An UPDATE the policy sends to a DBA: held with an approval id, refused to the agent itself, approved by a
     * second identity over the service's REST API, then the identical retry runs once and the next is held again.
     */
    private void approval(URI service, DevIdentity idp, String agent, Statement statement) throws IOException, InterruptedException {
        String sql = "UPDATE customers SET email = 'grace.hopper@example.com' WHERE id = 2";
        attempt("change a customer's e-mail (DBA approves)", statement, sql);
        String id = pendingApproval;
        if (id == null) {
            return;
        }
        decide("the agent approves its own request", service, id, agent);
        String dba = idp.mint("dana-dba", List.of("governed-approvers", "dba"), Duration.ofMinutes(10));
        decide("a DBA, dana-dba, approves it (REST API)", service, id, dba);
        attempt("retry the identical UPDATE", statement, sql);
        attempt("retry again: the approval is used up", statement, sql);
    }

    private void decide(String what, URI service, String id, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = call(service, "POST", "/v1/approvals/" + id + "/approve", "application/json",
                "{\"reason\": \"ticket SUP-42: the customer asked for it\"}", token);
        if (response.statusCode() == 200) {
            JsonNode approved = new ObjectMapper().readTree(response.body());
            say(String.format("  ALLOWED  %-42s %s by %s, mode %s", what, approved.path("status").asText(),
                    approved.path("decidedBy").asText(), approved.path("mode").asText()));
        } else {
            say(String.format("  BLOCKED  %-42s [HTTP %d] %s", what, response.statusCode(),
                    new ObjectMapper().readTree(response.body()).path("message").asText(response.body())));
        }
    }

    /** The agent's token with "dba" written into its groups: the signature no longer matches. */
    private static String promoted(String token) {
        String[] parts = token.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"support-agents\"", "\"support-agents\",\"dba\"");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private Void attempt(String what, Statement statement, String sql) {
        pendingApproval = null;
        try {
            boolean rows = statement.execute(sql);
            int count = 0;
            if (rows) {
                try (ResultSet result = statement.getResultSet()) {
                    while (result.next()) {
                        count++;
                    }
                }
            }
            say(String.format("  ALLOWED  %-42s %s", what, rows ? count + " rows" : statement.getUpdateCount() + " updated"));
        } catch (ApprovalPendingException e) {
            pendingApproval = e.getApprovalId();
            say(String.format("  BLOCKED  %-42s [%s] held for approval %s", what, e.getSQLState(), e.getApprovalId()));
            say(String.format("  %-51s reviewer page: %s", "", e.getReviewerUrl()));
        } catch (SQLException e) {
            say(String.format("  BLOCKED  %-42s [%s] %s", what, e.getSQLState(), e.getMessage()));
        }
        return null;
    }

    /** Like {@link #attempt}, printing the first row as the agent receives it. */
    private Void show(String what, Statement statement, String sql) {
        try (ResultSet result = statement.executeQuery(sql)) {
            StringBuilder row = new StringBuilder();
            if (result.next()) {
                for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                    row.append(i > 1 ? ", " : "").append(result.getString(i));
                }
            }
            say(String.format("  ALLOWED  %-42s %s", what, row));
        } catch (SQLException e) {
            say(String.format("  BLOCKED  %-42s [%s] %s", what, e.getSQLState(), e.getMessage()));
        }
        return null;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path each : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    private boolean ordersIntact() throws SQLException {
        try (Connection raw = DriverManager.getConnection(DATABASE, "sa", DATABASE_PASSWORD);
                ResultSet count = raw.createStatement().executeQuery("SELECT COUNT(*) FROM orders")) {
            count.next();
            say("");
            say("The orders table is intact: " + count.getInt(1) + " rows.");
            return count.getInt(1) == 3;
        }
    }

    /** An Ed25519 key pair for signing the audit chain's checkpoints; auditors get the public half. */
    private static void writeCheckpointKeys(Path signingKey, Path verificationKey) throws Exception {
        OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("demo-audit-1").generate();
        PrivateFiles.write(signingKey, key.toJSONString());
        Files.writeString(verificationKey, key.toPublicJWK().toJSONString());
    }

    private boolean showAudit(Path audit, Path verificationKey) throws Exception {
        List<String> lines = Files.exists(audit) ? Files.readAllLines(audit) : List.of();
        if (lines.isEmpty()) {
            say("The audit trail " + audit + " is empty.");
            return false;
        }
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        VerificationResult verified = AuditVerifier.trusting(verificationKey).verify(audit);
        say("");
        say("Audit trail " + audit + ":");
        say("  " + verified.summary());
        say("  first event: " + first.at("/actor/subject").asText() + " " + first.at("/action/operation").asText()
                + " " + first.at("/action/tables") + " -> " + first.at("/decision/effect").asText() + " by rule "
                + first.at("/decision/rule").asText() + ", chain seq " + first.at("/chain/seq").asLong());
        say("  verify it yourself (signatures required): governed audit verify " + audit + " --keys " + verificationKey);
        say("");
        say("The demo's files are in " + work + " (the audit trail, its keys, the service's H2 database and dev issuer);");
        say("the next run replaces them, and `rm -r " + work + "` removes them. `governed` is bin/governed in the checkout.");
        say("Your own database: in your application, turn jdbc:postgresql://… into jdbc:governed:postgresql://… and add the");
        say("settings of docs/configuration.md (samples/README.md has runnable examples); or start `governed serve --dev`");
        say("and register the database as a connection profile, so agents never hold its password (docs/credentials.md).");
        return verified.intact() && verified.warnings().isEmpty(); // strict: every event under a signed checkpoint
    }

    private void createDatabase() throws SQLException {
        try (Connection raw = DriverManager.getConnection(DATABASE, "sa", DATABASE_PASSWORD);
                Statement statement = raw.createStatement()) {
            statement.execute("DROP ALL OBJECTS");
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(80),"
                    + " ssn VARCHAR(11))");
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2),"
                    + " status VARCHAR(20))");
            statement.execute("CREATE TABLE payroll (id INT PRIMARY KEY, salary DECIMAL(10,2))");
            statement.execute("INSERT INTO customers VALUES (1, 'Ada Lovelace', 'ada@example.com', '123-45-6789'),"
                    + " (2, 'Grace Hopper', 'grace@example.com', '987-65-4321')");
            statement.execute("INSERT INTO orders VALUES (10, 1, 99.50, 'open'), (11, 2, 12.00, 'open'),"
                    + " (12, 2, 45.00, 'shipped')");
        }
    }

    private void send(URI service, String method, String path, String contentType, String body, String token)
            throws IOException, InterruptedException {
        HttpResponse<String> response = call(service, method, path, contentType, body, token);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private HttpResponse<String> call(URI service, String method, String path, String contentType, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(service.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
