package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Statement literals (often personal data) can be kept out of the audit trail. */
class AuditedStatementTextTest {

    private static String auditedStatement(boolean redact) throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            properties.setProperty("governed.redactLiterals", Boolean.toString(redact));
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT id FROM customers WHERE email = 'ada@example.com' AND id = 1").close();
            }
            return fixture.auditEvents().get(0).at("/action/statement").asText();
        }
    }

    @Test
    void literalsAreRedactedWhenConfigured() throws Exception {
        String statement = auditedStatement(true);
        assertThat(statement).doesNotContain("ada@example.com").contains("email = ?").contains("id = ?");
    }

    @Test
    void statementsAreAuditedAsWrittenByDefault() throws Exception {
        assertThat(auditedStatement(false)).contains("'ada@example.com'");
    }
}
