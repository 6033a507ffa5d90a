package dev.governed.samples;

import dev.governed.jdbc.GovernedDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;

/**
 * A custom audit sink in use: {@code governed.audit=console} finds {@link ConsoleSinkProvider} through
 * {@code META-INF/services/dev.governed.audit.sink.AuditSinkProvider}. Run it with
 * {@code mvn -B -q -DskipTests -pl samples -am package exec:java -Dexec.mainClass=dev.governed.samples.CustomSinkExample}.
 */
public final class CustomSinkExample {
    private CustomSinkExample() {}

    public static void main(String[] args) throws Exception {
        LocalIssuer idp = new LocalIssuer(SampleFolder.of("custom-sink"));
        UrlSwap.createDatabase();
        Properties settings = new Properties();
        settings.setProperty("user", "sa");
        settings.setProperty("governed.policy", "classpath:orders-policy.yaml");
        settings.setProperty("governed.issuer", LocalIssuer.ISSUER);
        settings.setProperty("governed.jwks", idp.jwks());
        settings.setProperty("governed.audience", LocalIssuer.AUDIENCE);
        settings.setProperty("governed.audit", "console?prefix=AUDIT>");
        settings.setProperty("governed.token", idp.token("agent:support", "support-agents"));
        try (Connection connection = DriverManager.getConnection("jdbc:governed:h2:mem:samples;DB_CLOSE_DELAY=-1", settings);
                Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT COUNT(*) FROM orders").close();
        }
        GovernedDriver.flushAudit();
    }
}
