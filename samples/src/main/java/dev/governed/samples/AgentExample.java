package dev.governed.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governed.core.Governed;
import dev.governed.jdbc.GovernedDataSource;
import dev.governed.testsupport.TestIdentityProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The library as an application uses it: one HikariCP pool, governed, serving two
 * agents, each running as itself with {@code Governed.runAs}. Run it with
 * {@code mvn -q -DskipTests -pl samples -am package exec:java -Dexec.mainClass=dev.governed.samples.AgentExample}.
 * (The test identity provider stands in for your IdP.)
 */
public final class AgentExample {
    private AgentExample() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("governed-example");
        try (TestIdentityProvider idp = new TestIdentityProvider()) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:h2:mem:example;DB_CLOSE_DELAY=-1");
            config.setUsername("sa");
            HikariDataSource pool = new HikariDataSource(config);
            try (Connection raw = pool.getConnection(); Statement statement = raw.createStatement()) {
                statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20))");
                statement.execute("INSERT INTO orders VALUES (1, 'open'), (2, 'open')");
            }
            try (GovernedDataSource governed = GovernedDataSource.wrap(pool)
                    .policy("classpath:agent-policy.yaml")
                    .jwks(idp.writeJwks(work).toString()).issuer(idp.issuer()).audience(idp.audience())
                    .audit("jsonl:" + work.resolve("audit.jsonl"))
                    .build()) {
                String support = idp.token().subject("agent:support").groups("support-agents").sign();
                String billing = idp.token().subject("agent:billing").groups("billing-agents").sign();
                Governed.runAs(support, () -> closeOrder(governed, "agent:support"));
                Governed.runAs(billing, () -> closeOrder(governed, "agent:billing"));
            }
            System.out.println("audit trail: " + work.resolve("audit.jsonl"));
        }
    }

    private static Void closeOrder(GovernedDataSource dataSource, String who) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE orders SET status = 'closed' WHERE id = 1");
            System.out.println(who + " closed order 1");
        } catch (SQLException e) {
            System.out.println(who + " was refused [" + e.getSQLState() + "]: " + e.getMessage());
        }
        return null;
    }
}
