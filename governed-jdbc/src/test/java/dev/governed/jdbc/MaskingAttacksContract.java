package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The outside red team's masking attack families ({@code masking/attack-corpus.yaml}), run as a
 * support agent under {@code policies/masking-attacks.yaml} on a schema with views, and on
 * PostgreSQL an inheriting child table and a partitioned table. Subclasses supply the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MaskingAttacksContract {

    static final String POLICY = "classpath:policies/masking-attacks.yaml";

    /** Pieces of clear secrets: a text containing one of them leaked (masked forms never do). */
    static final List<String> SECRETS = List.of("123-45", "45-67", "987-65", "65-43", "123456789", "987654321",
            "ada@", "grace@", "vip@", "555-12", "12-34", "444-55", "55-66");

    final GovernedFixture base = new GovernedFixture();
    String rawUrl;
    Connection governed;

    abstract String newDatabaseUrl();

    abstract Properties target();

    /** {@code h2} or {@code postgres}, matched against an entry's {@code only}. */
    abstract String database();

    @BeforeAll
    void createDatabase() throws SQLException {
        rawUrl = newDatabaseUrl();
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100),"
                    + " ssn VARCHAR(11), created TIMESTAMP)");
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2),"
                    + " status VARCHAR(20))");
            statement.execute("INSERT INTO customers VALUES"
                    + " (1, 'Ada', 'ada@example.com', '123-45-6789', TIMESTAMP '2020-01-01 10:00:00'),"
                    + " (2, 'Grace', 'grace@example.com', '987-65-4321', TIMESTAMP '2021-02-03 04:05:06')");
            statement.execute("INSERT INTO orders VALUES (10, 1, 99.50, 'open'), (11, 1, 12.00, 'open'),"
                    + " (12, 2, 45.00, 'shipped')");
            statement.execute("CREATE VIEW customer_tax AS SELECT id, ssn AS tax_id FROM customers");
            statement.execute("CREATE VIEW customer_tax_nested AS SELECT tax_id AS t FROM customer_tax");
            statement.execute("CREATE VIEW customer_labels AS SELECT name || ':' || ssn AS label FROM customers");
            if ("h2".equals(database())) {
                statement.execute("CREATE SYNONYM customer_alias FOR customers");
            }
            if ("postgres".equals(database())) {
                statement.execute("CREATE TABLE vip_customers (level INT) INHERITS (customers)");
                statement.execute("INSERT INTO vip_customers VALUES (3, 'Vip', 'vip@example.com', '555-12-3456',"
                        + " now(), 1)");
                statement.execute("CREATE TABLE ledger (id INT, ssn TEXT) PARTITION BY LIST (id)");
                statement.execute("CREATE TABLE ledger_1 PARTITION OF ledger FOR VALUES IN (1)");
                statement.execute("INSERT INTO ledger VALUES (1, '444-55-6666')");
                statement.execute("ANALYZE");
            }
        }
        governed = governed();
    }

    @AfterAll
    void close() throws SQLException {
        governed.close();
        base.close();
    }

    Connection raw() throws SQLException {
        return DriverManager.getConnection(rawUrl, target());
    }

    Connection governed() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(target());
        properties.setProperty("governed.policy", POLICY);
        properties.setProperty("governed.jwks", base.jwks.toString());
        properties.setProperty("governed.issuer", base.idp.issuer());
        properties.setProperty("governed.audience", base.idp.audience());
        properties.setProperty("governed.audit", "jsonl:" + base.audit);
        properties.setProperty("governed.token", base.supportAgent());
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
    }

    @TestFactory
    Stream<DynamicTest> attacks() throws IOException {
        return entries().stream()
                .filter(each -> !each.has("only") || each.get("only").asText().equals(database()))
                .map(each -> DynamicTest.dynamicTest("family " + each.get("family").asText() + ", "
                                + each.get("expect").asText() + ": " + each.get("name").asText(),
                        () -> run(each.get("sql").asText(), each.get("expect").asText())));
    }

    /**
     * A statement that reads a masked column and fails for a reason of its own, through a prepared statement:
     * the SQLState is kept and the database's text withheld, since a message may quote a value of any column
     * the statement reads (computations that can fail on a masked value are denied before they run).
     */
    @org.junit.jupiter.api.Test
    void preparedStatementErrorsAreScrubbed() throws SQLException {
        String sql = "SELECT ssn, 1 / (id - ?) FROM customers";
        try (java.sql.PreparedStatement statement = governed.prepareStatement(sql)) {
            statement.setInt(1, 1);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    result.getString(1);
                }
                fail("ran without the database error");
            }
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo("22012");
            assertThat(e.getMessage()).contains("withheld");
            assertThat(leakIn(chain(e))).as("clear secret in the error").isNull();
        }
        for (JsonNode event : base.auditEvents()) {
            assertThat(leakIn(event.toString())).as("clear secret in the audit trail").isNull();
        }
    }

    /**
     * Family 12: the lineage is cached per exact text. Cached per literal-free shape, the verdict on {@code [1]} (within
     * the array) was reused for {@code [2]} (past its end, where H2 fails), so the error answered the masked condition.
     */
    @org.junit.jupiter.api.Test
    void literalsOfOneShapeAreJudgedApart() throws SQLException {
        String within = "SELECT ssn LIKE '1%' AND (ARRAY[name])[1] IS NULL FROM customers WHERE id = 1";
        String past = "SELECT ssn LIKE '1%' AND (ARRAY[name])[2] IS NULL FROM customers WHERE id = 1";
        masked(within);
        denied(past);
    }

    /**
     * Family 12: a bind parameter's value is unknown when the statement is judged, so it never counts as a harmless
     * constant: {@code substr(name, 1, ?)} with -1 fails on PostgreSQL exactly when the masked condition before it holds.
     */
    @org.junit.jupiter.api.Test
    void parametersAreUnknownValues() throws SQLException {
        String sql = "SELECT ssn LIKE '1%' AND substr(name, 1, ?) IS NULL FROM customers WHERE id = 1";
        try (java.sql.PreparedStatement statement = governed.prepareStatement(sql)) {
            statement.setInt(1, -1);
            try (ResultSet result = statement.executeQuery()) {
                fail("ran instead of being denied: " + leakIn(result));
            }
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501");
            assertThat(e.getMessage()).startsWith("Governed").contains("mask");
        }
    }

    static List<JsonNode> entries() throws IOException {
        try (InputStream in = MaskingAttacksContract.class.getResourceAsStream("/masking/attack-corpus.yaml")) {
            List<JsonNode> result = new ArrayList<>();
            new YAMLMapper().readTree(in).forEach(result::add);
            return result;
        }
    }

    private void run(String sql, String expect) throws SQLException {
        switch (expect) {
            case "denied" -> denied(sql);
            case "masked" -> masked(sql);
            case "clear" -> clear(sql);
            case "masked-or-denied" -> maskedOrDenied(sql);
            case "scrubbed" -> scrubbed(sql);
            case "redacted-or-denied" -> redactedOrDenied(sql);
            default -> fail("unknown expectation " + expect);
        }
        for (JsonNode event : base.auditEvents()) {
            if (sql.equals(event.path("action").path("statement").asText())) {
                assertThat(leakIn(event.toString())).as("clear secret in the audit event").isNull();
            }
        }
    }

    private void denied(String sql) {
        try (Statement statement = governed.createStatement()) {
            boolean rows = statement.execute(sql);
            String leak = rows ? leakIn(statement.getResultSet()) : null;
            fail("ran instead of being denied" + (leak == null ? "" : ", and leaked " + leak));
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501");
            assertThat(e.getMessage()).startsWith("Governed").containsPattern("(?i)mask|could not be analysed");
        }
    }

    private void masked(String sql) throws SQLException {
        try (Statement statement = governed.createStatement()) {
            if (statement.execute(sql)) {
                try (ResultSet result = statement.getResultSet()) {
                    assertThat(leakIn(result)).as("clear secret in the result").isNull();
                    assertThat(leakIn(warnings(result.getWarnings()))).isNull();
                }
            }
            assertThat(leakIn(warnings(statement.getWarnings()))).isNull();
        }
    }

    /** Masked, denied, or an error of the database that does not quote a secret. */
    private void maskedOrDenied(String sql) {
        try {
            masked(sql);
        } catch (SQLException e) {
            assertThat(leakIn(chain(e))).as("clear secret in the error").isNull();
        }
    }

    /**
     * A value computed from a masked column reveals nothing, whatever its type or length: every cell is
     * wholly masked, NULL included (whether it is NULL may answer a question about the value) (a short derived value such as {@code substr(ssn, 1, 3)} would pass {@link #masked}'s
     * search for pieces of the secrets); or the statement is denied, or fails without quoting a secret.
     */
    private void redactedOrDenied(String sql) {
        try (Statement statement = governed.createStatement()) {
            if (statement.execute(sql)) {
                try (ResultSet result = statement.getResultSet()) {
                    while (result.next()) {
                        for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                            String cell = result.getString(i);
                            assertThat(cell != null && cell.matches("\\*+")).as("column %d holds %s", i, cell).isTrue();
                        }
                    }
                }
            }
        } catch (SQLException e) {
            assertThat(leakIn(chain(e))).as("clear secret in the error").isNull();
        }
    }

    /**
     * The raw driver fails on a masked value and quotes it; through Governed the same failure keeps its
     * SQLState, and neither the exception, its causes and chained exceptions nor the audit event quote it.
     */
    private void scrubbed(String sql) throws SQLException {
        String rawState;
        try (Connection raw = raw(); Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                result.getString(1);
            }
            fail("the raw driver ran " + sql + " without the error this attack needs");
            return;
        } catch (SQLException e) {
            assertThat(leakIn(chain(e))).as("the raw error quotes the value (the attack is real)").isNotNull();
            rawState = e.getSQLState();
        }
        try (Statement statement = governed.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                result.getString(1);
            }
            fail("ran without the database error");
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo(rawState);
            assertThat(leakIn(chain(e))).as("clear secret in the error").isNull();
        }
        boolean audited = false;
        for (JsonNode event : base.auditEvents()) {
            if (sql.equals(event.path("action").path("statement").asText())
                    && "error".equals(event.path("outcome").path("status").asText())) {
                audited = true;
                assertThat(event.path("outcome").path("error").asText()).contains(rawState);
            }
        }
        assertThat(audited).as("the failure is audited").isTrue();
    }

    private void clear(String sql) throws SQLException {
        List<List<String>> expected;
        try (Connection raw = raw(); Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            expected = rows(result);
        }
        try (Statement statement = governed.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(rows(result)).isEqualTo(expected);
        }
    }

    static String chain(SQLException error) {
        StringBuilder result = new StringBuilder();
        for (SQLException each = error; each != null; each = each.getNextException()) {
            for (Throwable cause = each; cause != null; cause = cause.getCause()) {
                result.append(cause).append('\n');
                if (cause.getCause() == cause) {
                    break;
                }
            }
        }
        return result.toString();
    }

    static String warnings(SQLWarning warning) {
        StringBuilder result = new StringBuilder();
        for (SQLWarning each = warning; each != null; each = each.getNextWarning()) {
            result.append(each.getMessage()).append('\n');
        }
        return result.toString();
    }

    static String leakIn(String text) {
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT)
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>");
        for (String each : SECRETS) {
            if (lower.contains(each)) {
                return each;
            }
        }
        return null;
    }

    static String leakIn(ResultSet result) throws SQLException {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
            for (int i = 1; i <= columns; i++) {
                String leak = leakIn(result.getString(i));
                if (leak == null) {
                    Object value = result.getObject(i);
                    leak = leakIn(value == null ? null : String.valueOf(value));
                }
                if (leak != null) {
                    return leak + " in column " + i;
                }
            }
        }
        return null;
    }

    private static List<List<String>> rows(ResultSet result) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= columns; i++) {
                row.add(result.getString(i));
            }
            rows.add(row);
        }
        return rows;
    }
}
