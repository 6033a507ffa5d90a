package dev.governed.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.governed.core.Governed;
import dev.governed.jdbc.GovernedDataSource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The library as a multi-agent application uses it: one HikariCP pool, governed, serving several agents, each
 * running as itself with {@code Governed.runAs}. Run it with
 * {@code mvn -B -q -DskipTests -pl samples -am package exec:java -Dexec.mainClass=dev.governed.samples.AgentExample}.
 */
public final class AgentExample {
    private AgentExample() {}

    public static void main(String[] args) throws Exception {
        run(SampleFolder.of("agents"), System.out);
    }

    static void run(Path folder, PrintStream out) throws Exception {
        LocalIssuer idp = new LocalIssuer(folder);
        UrlSwap.createDatabase();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(UrlSwap.DATABASE);
        config.setUsername("sa");
        try (HikariDataSource pool = new HikariDataSource(config);
                GovernedDataSource governed = GovernedDataSource.wrap(pool)
                        .policy("classpath:orders-policy.yaml")
                        .jwks(idp.jwks()).issuer(LocalIssuer.ISSUER).audience(LocalIssuer.AUDIENCE)
                        .audit("jsonl:" + folder.resolve("audit.jsonl"))
                        .build()) {
            String support = idp.token("agent:support", "support-agents");
            String billing = idp.token("agent:billing", "billing-agents");
            // the same pooled connections, each statement decided for the agent it runs as
            Governed.runAs(support, () -> closeOrder(governed, "agent:support", out));
            Governed.runAs(billing, () -> closeOrder(governed, "agent:billing", out));
            Governed.runAs(billing, () -> closeEveryOrder(governed, "agent:billing", out));
        }
        out.println("audit trail: " + folder.resolve("audit.jsonl"));
    }

    private static Void closeOrder(GovernedDataSource dataSource, String who, PrintStream out) {
        return update(dataSource, who, "UPDATE orders SET status = 'closed' WHERE id = 1", "closed order 1", out);
    }

    private static Void closeEveryOrder(GovernedDataSource dataSource, String who, PrintStream out) {
        return update(dataSource, who, "UPDATE orders SET status = 'closed'", "closed every order", out);
    }

    private static Void update(GovernedDataSource dataSource, String who, String sql, String what, PrintStream out) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
            out.println(who + " " + what);
        } catch (SQLException e) {
            out.println(who + " was refused [" + e.getSQLState() + "]: " + e.getMessage());
        }
        return null;
    }
}
