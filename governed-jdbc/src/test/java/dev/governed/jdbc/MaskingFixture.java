package dev.governed.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The masking tests' setup: the masking policy, a people table whose secrets are masked, and
 * the fragments of those secrets that must never come back in the clear.
 */
final class MaskingFixture implements AutoCloseable {

    static final String POLICY = "classpath:policies/masking.yaml";
    static final String HASH_KEY = "masking-test-key";

    /** Pieces of clear secrets: a result containing one of them leaked (masked forms never do). */
    static final List<String> SECRET_FRAGMENTS = List.of("123-45", "45-67", "987-65", "65-43", "123456789",
            "987654321", "ada@", "grace@", "ada.l", "vip customer", "owes money", "4111111", "5500000", "06-02",
            "12-09", "1984-06", "1990-12");

    final GovernedFixture base = new GovernedFixture();
    final String rawUrl;
    final Properties target;

    MaskingFixture(String rawUrl, Properties target) throws SQLException {
        this.rawUrl = rawUrl;
        this.target = target;
        try (Connection raw = DriverManager.getConnection(rawUrl, target)) {
            createSchema(raw);
        }
    }

    static void createSchema(Connection raw) throws SQLException {
        try (Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100),"
                    + " ssn VARCHAR(11), birth_date DATE, notes VARCHAR(200), card VARCHAR(20))");
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, person_id INT, amount DECIMAL(10,2),"
                    + " status VARCHAR(20))");
            statement.execute("CREATE TABLE audit_copy (id INT, val VARCHAR(200))");
            statement.execute("INSERT INTO people VALUES"
                    + " (1, 'Ada', 'ada@example.com', '123-45-6789', DATE '1984-06-02', 'VIP customer', '4111111111111111'),"
                    + " (2, 'Grace', 'grace@example.com', '987-65-4321', DATE '1990-12-09', 'owes money', '5500000000000004')");
            statement.execute("INSERT INTO orders VALUES (10, 1, 99.50, 'open'), (11, 1, 12.00, 'open'),"
                    + " (12, 2, 45.00, 'shipped')");
        }
    }

    String support() {
        return base.idp.token().subject("agent:support").groups("support-agents").sign();
    }

    String compliance() {
        return base.idp.token().subject("carol").groups("compliance").sign();
    }

    Connection governed(String token) throws SQLException {
        return governed(token, new Properties());
    }

    /** A governed connection with extra settings, e.g. another {@code governed.resource}. */
    Connection governed(String token, Properties extra) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(target);
        properties.setProperty("governed.policy", POLICY);
        properties.setProperty("governed.jwks", base.jwks.toString());
        properties.setProperty("governed.issuer", base.idp.issuer());
        properties.setProperty("governed.audience", base.idp.audience());
        properties.setProperty("governed.audit", "jsonl:" + base.audit);
        properties.setProperty("governed.mask.hashKey", HASH_KEY);
        properties.setProperty("governed.token", token);
        properties.putAll(extra);
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
    }

    Connection raw() throws SQLException {
        return DriverManager.getConnection(rawUrl, target);
    }

    /** The first secret fragment {@code text} contains, or null. */
    /** UUIDs (event, stream, session ids) can contain "65-43" by chance; no secret looks like one. */
    private static final java.util.regex.Pattern UUID = java.util.regex.Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    static String leakIn(String text) {
        if (text == null) {
            return null;
        }
        String lower = UUID.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("<uuid>");
        for (String each : SECRET_FRAGMENTS) {
            if (lower.contains(each)) {
                return each;
            }
        }
        return null;
    }

    @Override
    public void close() {
        base.close();
    }
}
