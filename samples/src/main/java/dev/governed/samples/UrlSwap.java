package dev.governed.samples;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.governed.jdbc.GovernedDriver;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The drop-in: the application's JDBC URL gains {@code governed:} and its connection properties name the
 * policy, the token issuer and the audit sink. Everything else stays as it was. Run it with
 * {@code mvn -B -q -DskipTests -pl samples -am package exec:java -Dexec.mainClass=dev.governed.samples.UrlSwap}.
 */
public final class UrlSwap {
    static final String DATABASE = "jdbc:h2:mem:samples;DB_CLOSE_DELAY=-1";

    private UrlSwap() {}

    public static void main(String[] args) throws Exception {
        run(SampleFolder.of("url-swap"), System.out);
    }

    /** Runs the sample with its files in {@code folder}: jwks.json, audit.jsonl and the checkpoint keys. */
    static void run(Path folder, PrintStream out) throws Exception {
        LocalIssuer idp = new LocalIssuer(folder);
        Path audit = folder.resolve("audit.jsonl");
        createDatabase();

        Properties settings = new Properties();
        settings.setProperty("user", "sa");
        settings.setProperty("governed.policy", "classpath:orders-policy.yaml");
        settings.setProperty("governed.issuer", LocalIssuer.ISSUER);
        settings.setProperty("governed.jwks", idp.jwks());
        settings.setProperty("governed.audience", LocalIssuer.AUDIENCE);
        settings.setProperty("governed.audit", "jsonl:" + audit);
        settings.setProperty("governed.audit.key", signingKey(folder).toString());
        settings.setProperty("governed.audit.checkpoint.every", "1"); // the trail verifies strictly at once; default 1000 events / 10 s
        settings.setProperty("governed.token", idp.token("agent:support", "support-agents"));

        // the one change to the application: jdbc:h2:… becomes jdbc:governed:h2:…
        try (Connection connection = DriverManager.getConnection("jdbc:governed:" + DATABASE.substring("jdbc:".length()), settings);
                Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT name, email, ssn FROM customers ORDER BY id")) {
                while (rows.next()) {
                    out.println("read: " + rows.getString("name") + ", " + rows.getString("email") + ", " + rows.getString("ssn"));
                }
            }
            try {
                statement.executeUpdate("DELETE FROM customers");
            } catch (SQLException e) {
                out.println("refused [" + e.getSQLState() + "]: " + e.getMessage());
            }
        }
        GovernedDriver.flushAudit();
        out.println("audit trail: " + audit + " (verify: governed audit verify " + audit + " --keys "
                + folder.resolve("audit-public.jwk") + ")");
    }

    /** An Ed25519 key that signs the audit chain's checkpoints; auditors get the public half. */
    static Path signingKey(Path folder) throws Exception {
        OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("samples-audit").generate();
        Files.writeString(folder.resolve("audit-public.jwk"), key.toPublicJWK().toJSONString());
        return Files.writeString(folder.resolve("audit-signing.jwk"), key.toJSONString());
    }

    static void createDatabase() throws SQLException {
        try (Connection raw = DriverManager.getConnection(DATABASE, "sa", ""); Statement statement = raw.createStatement()) {
            statement.execute("DROP ALL OBJECTS");
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(80), ssn VARCHAR(11))");
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, status VARCHAR(20))");
            statement.execute("INSERT INTO customers VALUES (1, 'Ada Lovelace', 'ada@example.com', '123-45-6789'),"
                    + " (2, 'Grace Hopper', 'grace@example.com', '987-65-4321')");
            statement.execute("INSERT INTO orders VALUES (1, 1, 'open'), (2, 2, 'open')");
        }
    }
}
