package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs every leak attempt of {@code masking/leak-corpus.yaml} as a support agent: each must come
 * back masked (never a clear secret through getString or getObject) or be denied, and queries
 * without masked columns must equal the raw driver's results. Subclasses supply the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MaskingCorpusContract {

    MaskingFixture fixture;
    Connection governed;

    /** A fresh database's URL; {@link #target()} reaches it. */
    abstract String newDatabaseUrl();

    abstract Properties target();

    /** {@code h2} or {@code postgres}, matched against an entry's {@code only}. */
    abstract String database();

    @BeforeAll
    void createDatabase() throws SQLException {
        fixture = new MaskingFixture(newDatabaseUrl(), target());
        governed = fixture.governed(fixture.support());
    }

    @AfterAll
    void close() throws SQLException {
        governed.close();
        fixture.close();
    }

    @TestFactory
    Stream<DynamicTest> leakCorpus() throws IOException {
        return entries().stream()
                .filter(each -> !each.has("only") || each.get("only").asText().equals(database()))
                .map(each -> DynamicTest.dynamicTest(each.get("expect").asText() + ": " + each.get("name").asText(),
                        () -> run(each.get("sql").asText(), each.get("expect").asText())));
    }

    static List<JsonNode> entries() throws IOException {
        try (InputStream in = MaskingCorpusContract.class.getResourceAsStream("/masking/leak-corpus.yaml")) {
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
            case "masked-or-error" -> maskedOrError(sql);
            default -> fail("unknown expectation " + expect);
        }
    }

    private void denied(String sql) {
        try (Statement statement = governed.createStatement()) {
            boolean rows = statement.execute(sql);
            String leak = rows ? leakIn(statement.getResultSet()) : null;
            fail("ran instead of being denied" + (leak == null ? "" : ", and leaked " + leak));
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42501");
            // refused by masking, or by the analyser before masking was reached; never by another rule
            assertThat(e.getMessage()).startsWith("Governed").containsPattern("(?i)mask|could not be analysed");
        }
    }

    private void masked(String sql) throws SQLException {
        try (Statement statement = governed.createStatement()) {
            if (statement.execute(sql)) {
                try (ResultSet result = statement.getResultSet()) {
                    assertThat(leakIn(result)).as("clear secret in the result").isNull();
                }
            }
        }
    }

    /** The database may fail on the value: then its error must not quote it (in the exception or the audit). */
    private void maskedOrError(String sql) {
        try {
            masked(sql);
        } catch (SQLException e) {
            for (Throwable each = e; each != null; each = each.getCause()) {
                assertThat(MaskingFixture.leakIn(each.getMessage())).as("clear secret in " + each).isNull();
            }
        }
        for (JsonNode event : fixture.base.auditEvents()) {
            if (sql.equals(event.path("action").path("statement").asText())) {
                assertThat(MaskingFixture.leakIn(event.path("outcome").toString())).as("clear secret in audit").isNull();
            }
        }
    }

    private void clear(String sql) throws SQLException {
        List<List<String>> expected;
        try (Connection raw = fixture.raw(); Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            expected = rows(result);
        }
        try (Statement statement = governed.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            assertThat(result).isInstanceOf(GovernedResultSet.class);
            assertThat(rows(result)).isEqualTo(expected);
        }
    }

    /** Reads every cell with getString and getObject; the first secret fragment seen, or null. */
    static String leakIn(ResultSet result) throws SQLException {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
            for (int i = 1; i <= columns; i++) {
                String leak = MaskingFixture.leakIn(result.getString(i));
                if (leak == null) {
                    Object value = result.getObject(i);
                    leak = MaskingFixture.leakIn(value == null ? null : String.valueOf(value));
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
