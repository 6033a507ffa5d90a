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
        return auditedStatement(redact, "SELECT id FROM customers WHERE email = 'ada@example.com' AND id = 1");
    }

    private static String auditedStatement(boolean redact, String sql) throws Exception {
        return auditedStatement(redact, sql, null);
    }

    private static String auditedStatement(boolean redact, String sql, String policy) throws Exception {
        try (GovernedFixture fixture = new GovernedFixture()) {
            String rawUrl = GovernedFixture.newH2Database();
            Properties properties = fixture.properties(fixture.supportAgent());
            properties.setProperty("governed.redactLiterals", Boolean.toString(redact));
            if (policy != null) {
                properties.setProperty("governed.policy", policy);
            }
            try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
                    Statement statement = connection.createStatement()) {
                try {
                    statement.executeQuery(sql).close();
                } catch (java.sql.SQLException deniedOrFailed) {
                    // audited either way
                }
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

    /** A literal compared with a column masked for the caller may be the value the mask hides: never recorded. */
    @Test
    void literalsOfAStatementTouchingAMaskedColumnAreAlwaysRedacted() throws Exception {
        String policy = "classpath:policies/masking.yaml";
        assertThat(auditedStatement(false, "SELECT id FROM customers WHERE email = 'ada@example.com' AND id = 1", policy))
                .doesNotContain("ada@example.com").contains("email = ?");
        assertThat(auditedStatement(false, "SELECT email = 'ada@example.com' FROM customers", policy))
                .doesNotContain("ada@example.com");
        // a value written into a masked column, as a literal, is the same secret as a bound parameter there
        assertThat(auditedStatement(false, "INSERT INTO customers VALUES (3, 'Eve', 'eve@example.com', '111-22-3333')",
                policy)).doesNotContain("eve@example.com");
        assertThat(auditedStatement(false, "UPDATE customers SET email = 'new@example.com' WHERE id = 1", policy))
                .doesNotContain("new@example.com");
        // refused by policy before its masks are planned: the same
        assertThat(auditedStatement(false, "SELECT id FROM customers WHERE lookup_fn(email) = 'ada@example.com'",
                policy)).doesNotContain("ada@example.com");
        // a statement that touches no masked column keeps its literals
        assertThat(auditedStatement(false, "SELECT id FROM customers WHERE name = 'Ada' AND id = 1", policy))
                .contains("'Ada'");
    }
}
