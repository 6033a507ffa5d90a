package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Window frames JSqlParser cannot read are analysed with the same tables, columns and calls. */
class WindowFramesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "SELECT sum(amount) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM orders",
        "SELECT sum(amount) OVER (ORDER BY id DESC NULLS LAST GROUPS UNBOUNDED PRECEDING) FROM orders",
        "SELECT sum(amount) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE NO OTHERS) FROM orders",
        "SELECT sum(amount) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING EXCLUDE CURRENT ROW) FROM orders",
        "SELECT sum(amount) OVER (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) FROM orders",
        "SELECT sum(amount) OVER (ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE TIES) FROM orders",
        "SELECT sum(amount) OVER w FROM orders WINDOW w AS (ORDER BY id GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW)"
    })
    void aFrameJSqlParserCannotReadIsAnalysedAsTheQueryItIs(String sql) {
        AnalysedStatement analysis = only(sql);
        assertThat(analysis.operation()).isEqualTo(SqlOperation.SELECT);
        assertThat(tables(analysis)).isEqualTo("orders");
        assertThat(analysis.columns().get(Clause.SELECT)).extracting(ColumnRef::column).contains("amount");
    }

    /** The frame offset is an expression: a user function there is still a call that may write. */
    @Test
    void aCallInTheFrameOffsetStillCounts() {
        assertThat(only("SELECT sum(amount) OVER (ORDER BY id GROUPS BETWEEN touch() PRECEDING AND CURRENT ROW"
                + " EXCLUDE TIES) FROM orders").operation()).isEqualTo(SqlOperation.EXECUTE);
    }

    /** A column named groups stays a column, so its masks still apply. */
    @Test
    void aColumnNamedGroupsIsNotAFrame() {
        AnalysedStatement analysis = only("SELECT rank() OVER (ORDER BY groups) FROM teams");
        assertThat(analysis.columns().values().stream().flatMap(each -> each.stream()).map(ColumnRef::column)
                .collect(Collectors.toSet())).contains("groups").doesNotContain("rows");
        assertThat(WindowFrames.plain(SqlNormaliser.tokens("SELECT sum(x) OVER (PARTITION BY groups) FROM t")))
                .extracting(SqlLexer.Token::text).contains("groups");
    }

    /** Outside a window's own parentheses the words are left alone. */
    @Test
    void nothingOutsideAWindowIsRewritten() {
        List<SqlLexer.Token> tokens = SqlNormaliser.tokens(
                "SELECT groups FROM t WHERE groups BETWEEN 1 AND 2 AND (SELECT 1 FROM u WHERE x = 1) > 0");
        assertThat(WindowFrames.plain(tokens)).isEqualTo(tokens);
    }

    private static String tables(AnalysedStatement analysis) {
        return analysis.tablesRead().stream().map(Object::toString).sorted().collect(Collectors.joining(" "));
    }
}
