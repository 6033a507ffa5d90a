package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.ANALYZER;
import static dev.governed.jdbc.internal.sql.Analyses.analyse;
import static dev.governed.jdbc.internal.sql.Analyses.only;
import static dev.governed.jdbc.internal.sql.Analyses.tables;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PostgreSQL spellings JSqlParser cannot read, analysed through the parse input the spelling classes
 * give it (OperatorSpellings, ClauseSpellings, FromItemSpellings, GroupingSets, ConflictTargets,
 * AssignmentTargets, MergeSpellings, TypedLiterals); then attacks that try to use those rewrites to
 * hide a table, a write or a function call.
 */
class PostgresSpellingsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT row(1, 2)::t1 *< row(1, 3)::t1 FROM r                                         | SELECT  | r       |
            SELECT a FROM r WHERE (a, b) *<> (c, d) AND (a, b) *>= (c, d) AND (a, b) *= (c, d)   | SELECT  | r       |
            SELECT ROW('ABC','DEF') ~<=~ ROW('DEF','ABC'), x ~>~ y FROM r                         | SELECT  | r       |
            SELECT doc #- '{a}' FROM docs                                                         | SELECT  | docs    |
            SELECT a, b FROM onek ORDER BY a USING >, b USING < NULLS FIRST                       | SELECT  | onek    |
            SELECT p.name FROM person* p ORDER BY p.age USING >                                   | SELECT  | person  |
            SELECT * FROM app.person* JOIN emp* e ON true                                         | SELECT  | app.person emp |
            SELECT * FROM ROWS FROM (unnest(ARRAY[1]), generate_series(1, 2)) WITH ORDINALITY AS z(a, b, o) | SELECT | |
            SELECT * FROM j1 JOIN j2 USING (i) AS x WHERE x.i = 1                                 | SELECT  | j1 j2   |
            SELECT sum(c) FROM g GROUP BY a, b, GROUPING SETS (a, GROUPING SETS ((a, b), ()))     | SELECT  | g       |
            SELECT sum(c) FROM g GROUP BY ROLLUP (a), GROUPING SETS (c, d) HAVING sum(c) > 1      | SELECT  | g       |
            SELECT max(a COLLATE "C") FILTER (WHERE (b COLLATE pg_catalog."POSIX") > '0') FROM r  | SELECT  | r       |
            TABLE app.roles ORDER BY role_name COLLATE "C"                                        | SELECT  | app.roles |
            WITH z AS NOT MATERIALIZED (SELECT a FROM r) SELECT * FROM z                          | SELECT  | r       |
            SELECT sum(a) OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM r WINDOW w AS (ORDER BY b) | SELECT | r |
            SELECT (r).*, (row(1, 2)).* FROM (SELECT row(a, b) AS r FROM s) ss                    | SELECT  | s       |
            VALUES (1, 2) UNION ALL SELECT 3, 4 UNION ALL TABLE int8_tbl                          | SELECT  | int8_tbl |
            SELECT jsonb '{"a":1}' ? 'a', jsonb '{}' ?& ARRAY['a'] FROM r                        | SELECT  | r       |
            SELECT CAST(name 'x' AS char(10)), CAST(name 'y' AS text)                            | SELECT  |         |
            SELECT nth_value(x := 2, v := a) OVER (PARTITION BY b), my_fn(p := 1) FROM r          | EXECUTE | r       |
            SELECT conname AS constraint, obj_description(oid, 'pg_constraint') AS comment FROM pg_constraint | SELECT | pg_constraint |
            """)
    void readsKeepTheirTables(String sql, SqlOperation operation, String read, String written) {
        AnalysedStatement statement = only(sql);
        assertThat(statement.operation()).isEqualTo(operation);
        assertThat(statement.tablesRead()).isEqualTo(names(read));
        assertThat(statement.tablesWritten()).isEqualTo(names(written));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            INSERT INTO fruit VALUES (1, 'a') ON CONFLICT (key, lower(name)) DO UPDATE SET name = excluded.name | INSERT | fruit
            INSERT INTO fruit VALUES (1) ON CONFLICT (coalesce(a, 0)) WHERE b > 0 DO NOTHING      | INSERT | fruit
            INSERT INTO t (f4[1].if2[1], f4[1].if2[2], b[1:2][1:2]) VALUES ('a', 'b', '{}')       | INSERT | t
            UPDATE t SET f1[5].q2 = 43, b[1:1][1:2] = '{1}' WHERE a = 1                            | UPDATE | t
            MERGE INTO t USING s1 INNER JOIN s2 ON s1.k = s2.k ON t.k = s1.k WHEN NOT MATCHED THEN INSERT DEFAULT VALUES | MERGE | t
            MERGE INTO t USING s ON t.k = s.k WHEN MATCHED AND s.x > 1 THEN DO NOTHING WHEN NOT MATCHED THEN DO NOTHING | MERGE | t
            """)
    void writesStayWrites(String sql, SqlOperation operation, String written) {
        AnalysedStatement statement = only(sql);
        assertThat(statement.operation()).isEqualTo(operation);
        assertThat(statement.tablesWritten()).isEqualTo(names(written));
    }

    @Test
    void everyColumnAndFunctionOfARewrittenConstructIsStillSeen() {
        AnalysedStatement conflict = only("INSERT INTO fruit VALUES (1) ON CONFLICT (key, lower(name)) DO NOTHING");
        assertThat(conflict.builtIns()).contains("lower");
        assertThat(columns(conflict)).contains("name");
        AnalysedStatement merge = only("MERGE INTO t USING s1 JOIN s2 ON s1.k = s2.k ON t.k = s1.k WHEN MATCHED THEN DELETE");
        assertThat(merge.tablesRead()).containsAll(tables("s1", "s2"));
        AnalysedStatement grouped = only("SELECT count(*) FROM g GROUP BY a, GROUPING SETS (b, GROUPING SETS (c))");
        assertThat(grouped.columns().get(Clause.GROUP_BY)).extracting(ColumnRef::column).contains("a", "b", "c");
        AnalysedStatement rows = only("SELECT * FROM v, ROWS FROM (f(v.r), g(2)) WITH ORDINALITY AS z");
        assertThat(rows.operation()).as("f and g are not built-ins").isEqualTo(SqlOperation.EXECUTE);
        assertThat(columns(rows)).contains("r");
        AnalysedStatement joined = only("SELECT x.i FROM j1 JOIN j2 USING (i) AS x");
        assertThat(joined.columns().get(Clause.SELECT)).containsExactly(new ColumnRef("x", "i"));
    }

    @Test
    void theTextAuditedAndCachedIsTheCallersNotTheParseInput() {
        assertThat(ANALYZER.normalised("SELECT * FROM person* p ORDER BY a USING >")).contains("person*", "USING >");
        assertThat(ANALYZER.fingerprint("SELECT * FROM person* p")).isNotEqualTo(ANALYZER.fingerprint("SELECT * FROM person p"));
    }

    // --- attacks: a rewrite must never hide a table, a write or a function call ---

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT a * b FROM t                                          | t
            SELECT a*-b, a *b, count(*) FROM t                           | t
            SELECT x IS DISTINCT FROM a * b FROM t                       | t
            SELECT x IS NOT DISTINCT FROM a*b FROM t                     | t
            SELECT '*<' AS x, 'FROM person* p' FROM t                    | t
            SELECT a /* *< ~<~ USING > */ FROM t                         | t
            SELECT a FROM t JOIN s USING (a)                             | t s
            SELECT a FROM t UNION TABLE secrets                          | t secrets
            SELECT ((SELECT ssn FROM secrets)).* FROM t                  | t secrets
            SELECT * FROM ROWS FROM (unnest((SELECT array_agg(ssn) FROM secrets))) AS z | secrets
            SELECT sum(c) FROM t GROUP BY a, GROUPING SETS ((SELECT max(ssn) FROM secrets)) | t secrets
            SELECT max(x COLLATE "C") FROM t WHERE y IN (SELECT ssn FROM secrets) | t secrets
            """)
    void rewritesKeepEveryTable(String sql, String read) {
        assertThat(only(sql).tablesRead()).isEqualTo(names(read));
    }

    @Test
    void aMultiplicationAfterAnExpressionFromIsNeverAnInheritanceStar() {
        assertThat(columns(only("SELECT x IS DISTINCT FROM a * b FROM t"))).contains("a", "b");
        assertThat(columns(only("SELECT SUBSTRING(s FROM a * b) FROM t"))).contains("a", "b", "s");
        assertThat(columns(only("SELECT EXTRACT(YEAR FROM d * p) FROM t"))).contains("d", "p");
    }

    @Test
    void aColumnNamedCollateIsNotDropped() {
        // H2 reads collate as a name there: "x collate" labels x, and FROM t must stay.
        assertThat(only("SELECT x collate FROM t").tablesRead()).isEqualTo(tables("t"));
        assertThat(only("SELECT x COLLATE C2 FROM t").tablesRead()).isEqualTo(tables("t"));
    }

    @Test
    void functionsInRewrittenPlacesStillMakeTheStatementAnExecute() {
        assertThat(only("INSERT INTO t VALUES (1) ON CONFLICT (my_key(a)) DO NOTHING").operation())
                .isEqualTo(SqlOperation.EXECUTE);
        assertThat(only("MERGE INTO t USING s ON t.k = s.k WHEN MATCHED AND my_check(s.x) THEN DO NOTHING").operation())
                .isEqualTo(SqlOperation.EXECUTE);
        assertThat(only("SELECT a FROM t ORDER BY my_key(a) USING <").operation()).isEqualTo(SqlOperation.EXECUTE);
        assertThat(only("SELECT sum(a) FROM t GROUP BY a, GROUPING SETS (my_group(b))").operation())
                .isEqualTo(SqlOperation.EXECUTE);
    }

    @Test
    void aSubscriptThatReadsSomethingIsNeverDropped() {
        for (String sql : List.of("UPDATE t SET a[(SELECT max(k) FROM secrets)].f = 1",
                "INSERT INTO t (a[(SELECT max(k) FROM secrets)].f) VALUES (1)", "UPDATE t SET a[k].f = 1")) {
            assertThat(ANALYZER.analyze(sql).isAnalysable()).as("left as written, so unreadable: %s", sql).isFalse();
        }
        assertThat(only("INSERT INTO t (a[1].f) SELECT ssn FROM secrets").tablesRead()).isEqualTo(tables("secrets"));
    }

    @Test
    void writesInsideRewrittenConstructsAreStillWrites() {
        List<SqlOperation> operations = analyse(
                "WITH d AS NOT MATERIALIZED (DELETE FROM t RETURNING *) SELECT * FROM d ORDER BY a USING >")
                .statements().stream().map(AnalysedStatement::operation).toList();
        assertThat(operations).contains(SqlOperation.DELETE);
        AnalysedStatement nothing = only("MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN DO NOTHING");
        assertThat(nothing.operation()).as("a MERGE writes its target whatever its actions").isEqualTo(SqlOperation.MERGE);
        assertThat(nothing.tablesWritten()).isEqualTo(tables("t"));
    }

    @Test
    void anOperatorTouchingAQuestionMarkIsLeftAlone() {
        // *<? is one operator in PostgreSQL; in the key a ? may also be a literal: neither reading is guessed.
        assertThat(ANALYZER.analyze("SELECT a FROM t WHERE b *<? c").isAnalysable()).isFalse();
    }

    @Test
    void aTypedLiteralReadingNeverWinsOverAColumn() {
        AnalysedStatement column = only("SELECT jsonb ? 'k' FROM docs");
        assertThat(columns(column)).contains("jsonb");
        AnalysedStatement literal = only("DELETE FROM t WHERE text 'x' = 'x'");
        assertThat(literal.hasWhere()).as("no column restricts the rows").isFalse();
    }

    private static Set<String> columns(AnalysedStatement statement) {
        Set<String> names = new HashSet<>();
        statement.columns().values().forEach(each -> each.forEach(ref -> names.add(ref.column())));
        return names;
    }

    private static Set<TableName> names(String spaced) {
        return spaced == null || spaced.isBlank() ? Set.of() : tables(spaced.trim().split("\\s+"));
    }
}
