package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only an ORDER BY of the statement itself fixes its row order; one in a subquery, window, literal or comment does not. */
class RowOrderTest {

    @Test
    void aTopLevelOrderByOrdersTheRows() {
        assertThat(RowOrder.ordered("SELECT id FROM t ORDER BY id")).isTrue();
        assertThat(RowOrder.ordered("select id from t order\n  by id desc limit 3")).isTrue();
        assertThat(RowOrder.ordered("SELECT a FROM t UNION SELECT a FROM u ORDER BY 1")).isTrue();
        assertThat(RowOrder.ordered("SELECT x FROM (SELECT x FROM t ORDER BY x) s ORDER BY x")).isTrue();
        assertThat(RowOrder.ordered("SELECT id FROM t ORDER /* why */ BY id")).isTrue();
    }

    @Test
    void anOrderByInsideParenthesesLiteralsOrCommentsDoesNot() {
        assertThat(RowOrder.ordered("SELECT id FROM t")).isFalse();
        assertThat(RowOrder.ordered("SELECT x FROM (SELECT x FROM t ORDER BY x) s")).isFalse();
        assertThat(RowOrder.ordered("SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM t")).isFalse();
        assertThat(RowOrder.ordered("SELECT STRING_AGG(name, ',' ORDER BY name) FROM t")).isFalse();
        assertThat(RowOrder.ordered("WITH c AS (SELECT id FROM t ORDER BY id) SELECT id FROM c")).isFalse();
        assertThat(RowOrder.ordered("SELECT 'ORDER BY x' FROM t")).isFalse();
        assertThat(RowOrder.ordered("SELECT \"order\" FROM t WHERE by = 1")).isFalse();
        assertThat(RowOrder.ordered("SELECT id FROM t -- ORDER BY id")).isFalse();
        assertThat(RowOrder.ordered("SELECT id FROM t /* ORDER /* nested */ BY id */")).isFalse();
        assertThat(RowOrder.ordered("SELECT $q$ ) ORDER BY ( $q$ FROM t")).isFalse();
        assertThat(RowOrder.ordered("SELECT id FROM t WHERE note = 'it''s ORDER BY'")).isFalse();
        assertThat(RowOrder.ordered("SELECT order_by FROM t")).isFalse();
    }
}
