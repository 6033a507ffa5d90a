package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColumnsPerClauseTest {

    private static ColumnRef col(String qualifier, String column) {
        return new ColumnRef(qualifier, column);
    }

    @Test
    void eachClauseOfASelectReportsItsColumns() {
        Map<Clause, Set<ColumnRef>> columns = only("""
                SELECT o.id, c."Name" FROM orders o JOIN customers c ON c.id = o.customer_id
                WHERE o.total > 10 GROUP BY o.id, c."Name" HAVING max(o.total) > 1 ORDER BY o.created""").columns();
        assertThat(columns.get(Clause.SELECT)).containsExactlyInAnyOrder(col("o", "id"), col("c", "name"));
        assertThat(columns.get(Clause.JOIN)).containsExactlyInAnyOrder(col("c", "id"), col("o", "customer_id"));
        assertThat(columns.get(Clause.WHERE)).containsExactly(col("o", "total"));
        assertThat(columns.get(Clause.GROUP_BY)).containsExactlyInAnyOrder(col("o", "id"), col("c", "name"));
        assertThat(columns.get(Clause.HAVING)).containsExactly(col("o", "total"));
        assertThat(columns.get(Clause.ORDER_BY)).containsExactly(col("o", "created"));
    }

    @Test
    void starsAreReportedWithTheirQualifier() {
        assertThat(only("SELECT * FROM t").columns().get(Clause.SELECT)).containsExactly(col(null, "*"));
        assertThat(only("SELECT s.* FROM secrets s").columns().get(Clause.SELECT)).containsExactly(col("s", "*"));
    }

    @Test
    void countStarReadsNoColumnButWholeRowFunctionsDo() {
        assertThat(only("SELECT count(*) FROM secrets").columns()).doesNotContainKey(Clause.SELECT);
        assertThat(only("SELECT count(*) FROM t HAVING count(*) > 1").columns()).isEmpty();
        assertThat(only("SELECT row_to_json(s.*) FROM secrets s").columns().get(Clause.SELECT))
                .containsExactly(col("s", "*"));
        assertThat(only("SELECT count(s.*) FROM secrets s").columns().get(Clause.SELECT)).containsExactly(col("s", "*"));
    }

    @Test
    void columnsInsideFunctionsAndExpressionsAreReported() {
        assertThat(only("SELECT lower(ssn), a || b, CASE WHEN x THEN y END FROM t").columns().get(Clause.SELECT))
                .containsExactlyInAnyOrder(col(null, "ssn"), col(null, "a"), col(null, "b"), col(null, "x"), col(null, "y"));
    }

    @Test
    void aSubqueryInAClauseCountsUnderThatClause() {
        Map<Clause, Set<ColumnRef>> columns =
                only("SELECT a, (SELECT max(ssn) FROM s) FROM t WHERE b IN (SELECT c FROM u WHERE d = 1)").columns();
        assertThat(columns.get(Clause.SELECT)).containsExactlyInAnyOrder(col(null, "a"), col(null, "ssn"));
        assertThat(columns.get(Clause.WHERE)).containsExactlyInAnyOrder(col(null, "b"), col(null, "c"), col(null, "d"));
    }

    @Test
    void derivedTablesAndCtesFlowTheirSelectListToTheOutput() {
        assertThat(only("SELECT * FROM (SELECT ssn FROM c) s").columns().get(Clause.SELECT)).contains(col(null, "ssn"));
        assertThat(only("WITH s AS (SELECT ssn FROM c) SELECT * FROM s").columns().get(Clause.SELECT))
                .contains(col(null, "ssn"));
        assertThat(only("SELECT a FROM t UNION SELECT ssn FROM c").columns().get(Clause.SELECT))
                .containsExactlyInAnyOrder(col(null, "a"), col(null, "ssn"));
    }

    @Test
    void updateReportsSetWhereAndReturning() {
        Map<Clause, Set<ColumnRef>> columns = only("UPDATE t SET a = b + 1 WHERE id = 2 RETURNING ssn").columns();
        assertThat(columns.get(Clause.SET)).containsExactlyInAnyOrder(col(null, "a"), col(null, "b"));
        assertThat(columns.get(Clause.WHERE)).containsExactly(col(null, "id"));
        assertThat(columns.get(Clause.RETURNING)).containsExactly(col(null, "ssn"));
    }

    @Test
    void insertReportsTargetColumnsAndConflictUpdates() {
        Map<Clause, Set<ColumnRef>> columns =
                only("INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b RETURNING id").columns();
        assertThat(columns.get(Clause.SET)).containsExactlyInAnyOrder(col(null, "a"), col(null, "b"), col("excluded", "b"));
        assertThat(columns.get(Clause.RETURNING)).containsExactly(col(null, "id"));
    }

    @Test
    void quotedColumnNamesAreUnquotedAndLowerCased() {
        assertThat(only("SELECT \"SSN\", Email FROM \"People\" p").columns().get(Clause.SELECT))
                .containsExactlyInAnyOrder(col(null, "ssn"), col(null, "email"));
        assertThat(only("SELECT s.t.c FROM s.t").columns().get(Clause.SELECT)).containsExactly(col("s.t", "c"));
    }
}
