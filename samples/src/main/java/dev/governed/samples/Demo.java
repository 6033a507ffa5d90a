package dev.governed.samples;

import dev.governed.core.Governed;
import dev.governed.jdbc.GovernedDriver;
import dev.governed.testsupport.TestIdentityProvider;
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
 * The README's demo: an AI agent's JDBC calls through Governed on an in-memory H2
 * database. It shows what policy allows, what it blocks (with the evasions an agent
 * might try), a forged token refused, and the audit trail that recorded it all.
 */
public final class Demo {

    private static final String DATABASE = "jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1";

    private Demo() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("governed-demo");
        Path audit = work.resolve("audit.jsonl");
        try (TestIdentityProvider idp = new TestIdentityProvider("https://idp.demo.governed.dev", "demo")) {
            createDatabase();
            Properties properties = new Properties();
            properties.setProperty("user", "sa");
            properties.setProperty("password", "");
            properties.setProperty("governed.policy", "classpath:demo-policy.yaml");
            properties.setProperty("governed.jwks", idp.writeJwks(work).toString());
            properties.setProperty("governed.issuer", idp.issuer());
            properties.setProperty("governed.audience", idp.audience());
            properties.setProperty("governed.audit", "jsonl:" + audit);
            String agent = idp.token().subject("agent:support-bot").groups("support-agents").actor("alice").sign();

            say("Governed demo: an AI support agent on jdbc:governed:h2:mem:demo");
            try (Connection connection = DriverManager.getConnection("jdbc:governed:h2:mem:demo", properties);
                    Statement statement = connection.createStatement()) {
                Governed.runAs(agent, () -> {
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
                    return null;
                });
                String forged = idp.attack().forgedWithKnownKeyId();
                Governed.runAs(forged, () -> attempt("use a forged token", statement, "SELECT * FROM orders"));
            }
            try (Connection raw = DriverManager.getConnection(DATABASE, "sa", "");
                    ResultSet count = raw.createStatement().executeQuery("SELECT COUNT(*) FROM orders")) {
                count.next();
                say("");
                say("The orders table is intact: " + count.getInt(1) + " rows.");
            }
        }
        GovernedDriver.flushAudit();
        showAudit(audit);
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
            say(String.format("  ALLOWED  %-40s %s", what, rows ? count + " rows" : statement.getUpdateCount() + " updated"));
        } catch (SQLException e) {
            say(String.format("  BLOCKED  %-40s [%s] %s", what, e.getSQLState(), e.getMessage()));
        }
        return null;
    }

    private static void showAudit(Path audit) throws Exception {
        List<String> lines = Files.exists(audit) ? Files.readAllLines(audit) : List.of();
        if (lines.isEmpty()) {
            throw new IllegalStateException("the audit trail " + audit + " is empty");
        }
        say("");
        say("Audit trail (" + audit + "): " + lines.size() + " lines, one event per statement. The first:");
        say("  " + lines.get(0));
    }

    private static void createDatabase() throws SQLException {
        try (Connection raw = DriverManager.getConnection(DATABASE, "sa", "");
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

    private static void say(String line) {
        System.out.println(line);
    }
}
