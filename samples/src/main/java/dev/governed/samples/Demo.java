package dev.governed.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.core.Governed;
import dev.governed.jdbc.GovernedDriver;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * The README's demo: an AI support agent's JDBC calls through Governed, on an
 * in-memory H2 database and an in-process enforcement service. The agent connects
 * by connection name, never holding the database password; the service supplies
 * the policy bound to the agent's token. It shows what policy allows, what it
 * blocks (with the evasions an agent might try), a forged token refused, and the
 * tamper-evident audit trail that recorded it all.
 */
public final class Demo {

    private static final String DATABASE = "jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1";
    private static final String DATABASE_PASSWORD = "only-the-service-knows";

    private Demo() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("governed-demo");
        Path audit = work.resolve("audit.jsonl");
        Path signingKey = work.resolve("audit-signing-key.jwk");
        Path verificationKey = work.resolve("audit-public-key.jwk");
        writeCheckpointKeys(signingKey, verificationKey);
        createDatabase();
        try (DemoService service = new DemoService(work.resolve("service"))) {
            service.pushPolicy(resource("demo-policy.yaml"));
            service.addConnection("demo", DATABASE, "sa", DATABASE_PASSWORD, "support-agents");
            String agent = service.idp.token().subject("agent:support-bot").groups("support-agents")
                    .actor("alice").sign();

            Properties properties = new Properties(); // note: no database user or password
            properties.setProperty("governed.token", agent);
            properties.setProperty("governed.jwks", service.idp.jwksUri().toString());
            properties.setProperty("governed.issuer", service.idp.issuer());
            properties.setProperty("governed.audience", service.idp.audience());
            properties.setProperty("governed.audit", "jsonl:" + audit);
            properties.setProperty("governed.audit.key", signingKey.toString()); // signs chain checkpoints
            properties.setProperty("governed.audit.checkpoint.every", "3");
            String url = "jdbc:governed://127.0.0.1:" + service.service.port() + "/demo";

            say("Governed demo: an AI support agent on " + url);
            say("(policy and database credentials come from the enforcement service at " + service.uri() + ")");
            say("");
            try (Connection connection = DriverManager.getConnection(url, properties);
                    Statement statement = connection.createStatement()) {
                attempt("read open orders", statement,
                        "SELECT o.id, c.name, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id"
                                + " WHERE o.status = 'open'");
                attempt("mark one order shipped", statement, "UPDATE orders SET status = 'shipped' WHERE id = 10");
                attempt("drop the orders table", statement, "DROP TABLE orders");
                attempt("hide a DROP behind a SELECT", statement, "SELECT 1; DROP TABLE orders");
                attempt("hide a DROP behind a comment and case", statement, "/* cleanup */ dRoP TaBlE \"ORDERS\"");
                attempt("update every order", statement, "UPDATE orders SET amount = 0");
                attempt("read a table no rule allows", statement, "SELECT * FROM payroll");
                attempt("send text Governed cannot parse", statement, "SELEC * FRM orders");
                String forged = service.idp.attack().forgedWithKnownKeyId();
                Governed.runAs(forged, () -> attempt("use a forged token", statement, "SELECT * FROM orders"));
            }
            try (Connection raw = DriverManager.getConnection(DATABASE, "sa", DATABASE_PASSWORD);
                    ResultSet count = raw.createStatement().executeQuery("SELECT COUNT(*) FROM orders")) {
                count.next();
                say("");
                say("The orders table is intact: " + count.getInt(1) + " rows.");
            }
            GovernedDriver.flushAudit();
            showAudit(audit, verificationKey);
        }
    }

    private static Void attempt(String what, Statement statement, String sql) {
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
            say(String.format("  ALLOWED  %-38s %s", what, rows ? count + " rows" : statement.getUpdateCount() + " updated"));
        } catch (SQLException e) {
            say(String.format("  BLOCKED  %-38s [%s] %s", what, e.getSQLState(), e.getMessage()));
        }
        return null;
    }

    /** An Ed25519 key pair for signing the audit chain's checkpoints; auditors get the public half. */
    private static void writeCheckpointKeys(Path signingKey, Path verificationKey) throws Exception {
        OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("demo-audit-1").generate();
        Files.writeString(signingKey, key.toJSONString());
        Files.writeString(verificationKey, key.toPublicJWK().toJSONString());
    }

    private static void showAudit(Path audit, Path verificationKey) throws Exception {
        List<String> lines = Files.exists(audit) ? Files.readAllLines(audit) : List.of();
        if (lines.isEmpty()) {
            throw new IllegalStateException("the audit trail " + audit + " is empty");
        }
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        say("");
        say("Audit trail " + audit + ":");
        say("  " + AuditVerifier.trusting(verificationKey).verify(audit).summary());
        say("  first event: " + first.at("/actor/subject").asText() + " (on behalf of "
                + first.at("/actor/onBehalfOf").asText() + ") " + first.at("/action/operation").asText() + " "
                + first.at("/action/tables") + " -> " + first.at("/decision/effect").asText() + " by rule "
                + first.at("/decision/rule").asText() + ", chain seq " + first.at("/chain/seq").asLong());
        say("  verify it yourself: java -jar enforcement-service/target/governed.jar audit verify " + audit
                + " --keys " + verificationKey);
    }

    private static void createDatabase() throws SQLException {
        try (Connection raw = DriverManager.getConnection(DATABASE, "sa", DATABASE_PASSWORD);
                Statement statement = raw.createStatement()) {
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

    private static String resource(String name) throws Exception {
        try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
