package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.TableName;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs texts built to make a tokenizer lose track of a statement on a real H2 database:
 * whenever the analysis is clean and does not mention the hidden CREATE, H2 must not have run it.
 */
class LexerAgreesWithH2Test {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "SELECT 1 /* ; CREATE TABLE pwned(x INT) */",
        "SELECT 1 /* /* */ ; CREATE TABLE pwned(x INT); /* */",
        "SELECT 1 /* /* */ */ ; CREATE TABLE pwned(x INT)",
        "SELECT 1 -- x\n; CREATE TABLE pwned(x INT)",
        "SELECT 1 -- x\r; CREATE TABLE pwned(x INT)",
        "SELECT 1 // x\n; CREATE TABLE pwned(x INT)",
        "SELECT 1 // '\n; CREATE TABLE pwned(x INT); --'",
        "SELECT '; CREATE TABLE pwned(x INT)'",
        "SELECT 'a'' ; CREATE TABLE pwned(x INT); --'",
        "SELECT 'a\\' ; CREATE TABLE pwned(x INT); --'",
        "SELECT $$ ; CREATE TABLE pwned(x INT); $$",
        "SELECT $a$ ; CREATE TABLE pwned(x INT); $a$",
        "SELECT 1 AS \"; CREATE TABLE pwned(x INT); --\"",
        "SELECT 1 AS `; CREATE TABLE pwned(x INT); --`",
        "SELECT 1 AS \"a\"\"; CREATE TABLE pwned(x INT); --\"",
        "SELECT 1\u00A0; CREATE TABLE pwned(x INT)",
        "SELECT 1\u00A0$$ ' $$ ; CREATE TABLE pwned(x INT); --'",
        "SELECT X'41' ; CREATE TABLE pwned(x INT)",
        "SELECT N'a' ; CREATE TABLE pwned(x INT)",
        "SELECT 1; CREATE TABLE pwned(x INT)",
        "SELECT 1 -- ; CREATE TABLE pwned(x INT)"
    })
    void aCleanAnalysisMissesNothingH2Runs(String sql) throws SQLException {
        StatementAnalysis analysis = SqlAnalyzer.builder().build().analyze(sql);
        boolean seen = analysis.statements().stream()
                .anyMatch(each -> each.tablesWritten().contains(TableName.of(null, "pwned")));
        if (runOnH2(sql)) {
            assertThat(!analysis.isAnalysable() || seen)
                    .as("H2 ran the hidden CREATE, so the analysis must either see it or refuse the text: %s",
                            analysis.isAnalysable() ? analysis.statements() : analysis.unanalysableReason())
                    .isTrue();
        }
    }

    @Test
    void theHarnessNoticesWhenH2RunsTheCreate() throws SQLException {
        assertThat(runOnH2("SELECT 1; CREATE TABLE pwned(x INT)")).isTrue();
        assertThat(runOnH2("SELECT 1 // '\n; CREATE TABLE pwned(x INT); --'")).as("H2's // comment").isTrue();
        assertThat(runOnH2("SELECT '; CREATE TABLE pwned(x INT)'")).isFalse();
    }

    /** Whether running {@code sql} on a fresh H2 database created the table PWNED. */
    private static boolean runOnH2(String sql) throws SQLException {
        boolean created;
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:" + UUID.randomUUID())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException rejected) {
                // H2 refusing the text is fine; what matters is whether the hidden CREATE ran.
            }
            try (ResultSet tables = connection.getMetaData().getTables(null, null, "PWNED", null)) {
                created = tables.next();
            }
        }
        return created;
    }
}
