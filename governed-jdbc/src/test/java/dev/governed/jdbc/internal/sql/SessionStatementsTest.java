package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.ANALYZER;
import static dev.governed.jdbc.internal.sql.Analyses.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionStatementsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            BEGIN                                                         | BEGIN
            begin work                                                    | BEGIN
            BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ             | BEGIN
            BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE       | BEGIN
            START TRANSACTION                                             | BEGIN
            START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY     | BEGIN
            START TRANSACTION READ WRITE, NOT DEFERRABLE                  | BEGIN
            COMMIT                                                        | COMMIT
            COMMIT WORK                                                   | COMMIT
            COMMIT AND NO CHAIN                                           | COMMIT
            END                                                           | COMMIT
            END TRANSACTION                                               | COMMIT
            ROLLBACK                                                      | ROLLBACK
            ROLLBACK AND CHAIN                                            | ROLLBACK
            ABORT                                                         | ROLLBACK
            ROLLBACK TO SAVEPOINT sp1                                     | ROLLBACK
            ROLLBACK TO sp1                                               | ROLLBACK
            ROLLBACK WORK TO SAVEPOINT "Sp 1"                             | ROLLBACK
            SAVEPOINT sp1                                                 | SAVEPOINT
            RELEASE sp1                                                   | RELEASE
            RELEASE SAVEPOINT sp1                                         | RELEASE
            SET search_path TO public, other                              | SET
            SET search_path = "$user", public                             | SET
            SET LOCAL statement_timeout = 5000                            | SET
            SET SESSION statement_timeout TO '5s'                         | SET
            SET application_name = 'agent'                                | SET
            SET myapp.tenant = 'acme'                                     | SET
            SET TIME ZONE 'UTC'                                           | SET
            SET TIME ZONE LOCAL                                           | SET
            SET SCHEMA 'app'                                              | SET
            SET SCHEMA app                                                | SET
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED                | SET
            SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY          | SET
            SET CONSTRAINTS ALL DEFERRED                                  | SET
            SET statement_timeout = DEFAULT                               | SET
            RESET statement_timeout                                       | RESET
            RESET ALL                                                     | RESET
            DISCARD ALL                                                   | RESET
            SHOW search_path                                              | SHOW
            SHOW ALL                                                      | SHOW
            SHOW TIME ZONE                                                | SHOW
            SHOW TRANSACTION ISOLATION LEVEL                              | SHOW
            SHOW TABLES                                                   | SHOW
            """)
    void sessionStatementsAreRecognisedWithoutJsqlParser(String sql, SqlOperation operation) {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        StatementAnalysis analysis = analyzer.analyze(sql);
        assertThat(analysis.statements()).as("%s: %s", sql, analysis.unanalysableReason()).hasSize(1);
        AnalysedStatement statement = analysis.statements().get(0);
        assertThat(statement.operation()).isEqualTo(operation);
        assertThat(statement.tablesRead()).isEmpty();
        assertThat(statement.tablesWritten()).isEmpty();
        assertThat(analyzer.parseCount()).as("no parse").isZero();
    }

    @Test
    void aSessionStatementDoesNotVouchForWhatFollowsIt() {
        assertThat(Analyses.operations("BEGIN; DROP TABLE t")).containsExactly(SqlOperation.BEGIN, SqlOperation.DROP);
        assertThat(Analyses.operations("COMMIT; DELETE FROM t")).containsExactly(SqlOperation.COMMIT, SqlOperation.DELETE);
        assertThat(Analyses.operations("SET statement_timeout = 5; DROP TABLE t"))
                .containsExactly(SqlOperation.SET, SqlOperation.DROP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "BEGIN ISOLATION LEVEL CHAOS",
        "COMMIT PREPARED 'x'",
        "SAVEPOINT a b",
        "RELEASE",
        "SET x = (SELECT secret FROM t)",
        "SET EXCLUSIVE 1",
        "SHOW COLUMNS FROM secrets WHERE 1 = 1",
        "RESET x y",
        "EXPLAIN",
        "DEALLOCATE ALL"
    })
    void anythingTheRecogniserDoesNotFullyKnowIsNeverGuessedHarmless(String sql) {
        StatementAnalysis analysis = ANALYZER.analyze(sql);
        if (analysis.isAnalysable()) {
            // Only acceptable if JSqlParser really understood it as something policy can judge.
            assertThat(analysis.statements()).noneMatch(each -> each.operation() == SqlOperation.SET
                    || each.operation() == SqlOperation.BEGIN || each.operation() == SqlOperation.SHOW);
        } else {
            assertThat(analysis.unanalysableReason()).isNotBlank();
        }
    }

    @Test
    void explainAnalyzeIsJudgedAsTheStatementItRuns() {
        AnalysedStatement statement = only("EXPLAIN ANALYZE UPDATE orders SET a = 1");
        assertThat(statement.operation()).isEqualTo(SqlOperation.UPDATE);
        assertThat(statement.hasWhere()).isFalse();
    }
}
