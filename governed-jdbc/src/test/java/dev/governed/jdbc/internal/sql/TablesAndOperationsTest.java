package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.analyse;
import static dev.governed.jdbc.internal.sql.Analyses.only;
import static dev.governed.jdbc.internal.sql.Analyses.operations;
import static dev.governed.jdbc.internal.sql.Analyses.tables;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TablesAndOperationsTest {

    /** sql | operation | tables read | tables written (space-separated) */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT * FROM orders WHERE id = 42                                         | SELECT   | orders              |
            SELECT o.id FROM public.orders o JOIN customers c ON c.id = o.cid          | SELECT   | public.orders customers |
            SELECT * FROM cat.sales.items                                              | SELECT   | sales.items         |
            SELECT * FROM "Orders" JOIN Sales."Line_Items" l ON l.o = "Orders".id      | SELECT   | orders sales.line_items |
            select * from ORDERS                                                       | SELECT   | orders              |
            SELECT `a` FROM `Tbl`                                                      | SELECT   | tbl                 |
            SELECT * FROM a WHERE x IN (SELECT y FROM b)                               | SELECT   | a b                 |
            SELECT (SELECT max(v) FROM s.t2) AS m FROM t1                              | SELECT   | s.t2 t1             |
            SELECT * FROM (SELECT ssn FROM c) s                                        | SELECT   | c                   |
            SELECT * FROM t1, LATERAL (SELECT * FROM t3 WHERE t3.k = t1.k) x           | SELECT   | t1 t3               |
            SELECT * FROM a UNION SELECT * FROM b INTERSECT SELECT * FROM c EXCEPT SELECT * FROM d | SELECT | a b c d  |
            SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)           | SELECT   | t u                 |
            SELECT CASE WHEN a > 1 THEN (SELECT b FROM u LIMIT 1) ELSE c END FROM t    | SELECT   | t u                 |
            SELECT * FROM t1 WHERE NOT EXISTS (SELECT 1 FROM t2) ORDER BY (SELECT max(z) FROM t5) | SELECT | t1 t2 t5  |
            SELECT * FROM t1 NATURAL JOIN t2 LEFT JOIN t3 USING (id) CROSS JOIN t4     | SELECT   | t1 t2 t3 t4         |
            SELECT * FROM (t1 JOIN t2 ON t1.a = t2.a)                                  | SELECT   | t1 t2               |
            SELECT count(*) FILTER (WHERE x > 1) OVER (PARTITION BY y) FROM t          | SELECT   | t                   |
            SELECT * FROM t WHERE a = 1 AND b IN (SELECT c FROM d WHERE e IN (SELECT f FROM g)) | SELECT | t d g       |
            SELECT * FROM generate_series(1, 10) g                                     | SELECT   |                     |
            SELECT * FROM orders o FOR UPDATE OF o                                     | LOCK     | orders              | orders
            SELECT * FROM orders FOR KEY SHARE                                         | LOCK     | orders              | orders
            SELECT nextval('s')                                                        | NEXTVAL  |                     |
            SELECT NEXT VALUE FOR s                                                    | NEXTVAL  |                     |
            SELECT public.upper(x) FROM t                                              | EXECUTE  | t                   |
            VALUES (1, 2)                                                              | SELECT   |                     |
            TABLE secrets                                                              | SELECT   | secrets             |
            WITH x AS (SELECT * FROM y) SELECT * FROM x                                | SELECT   | y                   |
            WITH x AS MATERIALIZED (SELECT * FROM y) SELECT * FROM x JOIN z ON true    | SELECT   | y z                 |
            WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r | SELECT |  |
            WITH RECURSIVE r AS (SELECT id FROM tree UNION ALL SELECT t.id FROM tree t JOIN r ON t.p = r.id) SELECT * FROM r | SELECT | tree |
            WITH a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM b        | SELECT   | b                   |
            SELECT * FROM (WITH d AS (SELECT 1) SELECT * FROM d) x, d                  | SELECT   | d                   |
            WITH secrets AS (SELECT * FROM secrets) SELECT * FROM secrets              | SELECT   | secrets             |
            SELECT * FROM s.x WHERE s.x.id = 1 AND x IN (WITH x AS (SELECT 1) SELECT * FROM x) | SELECT | s.x         |
            SELECT name::text FROM users WHERE name ILIKE '%bob%' LIMIT 10 OFFSET 5    | SELECT   | users               |
            SELECT * FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY                         | SELECT   | t                   |
            SELECT * FROM t WHERE d > now() - INTERVAL '7 days'                        | SELECT   | t                   |
            SELECT * FROM t WHERE d >= DATE '2024-01-01' AND ts < TIMESTAMP '2024-02-01 00:00:00' | SELECT | t        |
            SELECT x->>'k', y #> '{a}' FROM t WHERE id = ANY(ARRAY[1,2])               | SELECT   | t                   |
            SELECT TOP 5 * FROM t                                                      | SELECT   | t                   |
            SELECT * FROM t WHERE id = ? LIMIT ?                                       | SELECT   | t                   |
            INSERT INTO archive SELECT * FROM orders WHERE created < DATE '2020-01-01' | INSERT   | orders              | archive
            INSERT INTO t (a, b) VALUES (1, 'x')                                       | INSERT   |                     | t
            INSERT INTO s.t (a) SELECT a FROM s.u ON CONFLICT DO NOTHING               | INSERT   | s.u                 | s.t
            INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b RETURNING id | INSERT | t | t
            INSERT INTO t DEFAULT VALUES                                               | INSERT   |                     | t
            UPDATE orders SET status = 'x' WHERE id = 7                                | UPDATE   |                     | orders
            UPDATE orders SET status = 'x' FROM customers c WHERE c.id = orders.cid    | UPDATE   | customers           | orders
            UPDATE t SET a = (SELECT max(a) FROM u) WHERE t.id = 1                     | UPDATE   | u                   | t
            UPDATE t SET a = (SELECT max(a) FROM t) WHERE t.id = 1                     | UPDATE   | t                   | t
            DELETE FROM orders USING customers c WHERE c.id = orders.cid               | DELETE   | customers           | orders
            DELETE FROM t WHERE id IN (SELECT id FROM u)                               | DELETE   | u                   | t
            MERGE INTO target t USING source s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v) | MERGE | source | target
            SELECT * INTO newt FROM t                                                  | CREATE   | t                   | newt
            CREATE TABLE x AS SELECT * FROM y                                          | CREATE   | y                   | x
            CREATE TEMP TABLE tt AS SELECT * FROM secrets                              | CREATE   | secrets             | tt
            CREATE TABLE s.x (id int primary key, y_id int, FOREIGN KEY (y_id) REFERENCES y (id)) | CREATE | y           | s.x
            CREATE VIEW v AS SELECT * FROM orders                                      | CREATE   | orders              | v
            CREATE INDEX i ON orders(z)                                                | CREATE   |                     | orders
            CREATE SCHEMA s                                                            | CREATE   |                     |
            CREATE SEQUENCE seq                                                        | CREATE   |                     |
            ALTER TABLE orders ADD COLUMN z int                                        | ALTER    |                     | orders
            ALTER TABLE app.scratch RENAME TO orders                                   | ALTER    |                     | app.scratch app.orders
            ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY (x) REFERENCES b (id)          | ALTER    | b                   | a
            DROP TABLE orders                                                          | DROP     |                     | orders
            DROP TABLE a, s.b CASCADE                                                  | DROP     |                     | a s.b
            DROP TABLE IF EXISTS s.a                                                   | DROP     |                     | s.a
            DROP VIEW v                                                                | DROP     |                     | v
            DROP INDEX i                                                               | DROP     |                     |
            TRUNCATE a, b                                                              | TRUNCATE |                     | a b
            TRUNCATE TABLE s.a                                                         | TRUNCATE |                     | s.a
            GRANT SELECT ON public.orders, customers TO bob                            | GRANT    |                     | public.orders customers
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO bob                         | GRANT    |                     |
            GRANT admin TO bob                                                         | GRANT    |                     |
            REVOKE ALL ON TABLE orders FROM bob                                        | REVOKE   |                     | orders
            COMMENT ON TABLE t IS 'x'                                                  | COMMENT  |                     | t
            LOCK TABLE t IN ACCESS EXCLUSIVE MODE                                      | LOCK     |                     | t
            VACUUM FULL t                                                              | VACUUM   |                     | t
            ANALYZE t                                                                  | ANALYZE  | t                   |
            COPY t TO STDOUT                                                           | COPY     | t                   |
            COPY t (a, b) FROM STDIN WITH (FORMAT csv)                                 | COPY     |                     | t
            COPY (SELECT * FROM secrets) TO STDOUT                                     | COPY     | secrets             |
            """)
    void operationAndTables(String sql, SqlOperation operation, String read, String written) {
        AnalysedStatement statement = only(sql);
        assertThat(statement.operation()).isEqualTo(operation);
        assertThat(statement.tablesRead()).as("read").isEqualTo(tables(split(read)));
        assertThat(statement.tablesWritten()).as("written").isEqualTo(tables(split(written)));
    }

    private static String[] split(String names) {
        return names == null || names.isBlank() ? new String[0] : names.trim().split("\\s+");
    }

    @Test
    void everyStatementOfAMultiStatementTextIsAnalysed() {
        List<AnalysedStatement> statements = analyse("SELECT 1; DROP TABLE t").statements();
        assertThat(statements).extracting(AnalysedStatement::operation).containsExactly(SqlOperation.SELECT, SqlOperation.DROP);
        assertThat(statements.get(1).tablesWritten()).isEqualTo(tables("t"));
    }

    @Test
    void aCommentCannotHideAStatementNorInventOne() {
        assertThat(operations("SELECT 1 /* ; DROP TABLE t */")).containsExactly(SqlOperation.SELECT);
        assertThat(operations("SELECT 1 /* nested /* ; */ DROP TABLE t; */")).containsExactly(SqlOperation.SELECT);
        assertThat(operations("SELECT 1 -- x\n; DROP TABLE t")).containsExactly(SqlOperation.SELECT, SqlOperation.DROP);
        assertThat(operations("SELECT 1 -- x\r; DROP TABLE t")).containsExactly(SqlOperation.SELECT, SqlOperation.DROP);
        assertThat(operations("SELECT '; DROP TABLE t' AS x")).containsExactly(SqlOperation.SELECT);
        assertThat(operations("SELECT \"; DROP TABLE t\" FROM x")).containsExactly(SqlOperation.SELECT);
        assertThat(operations("SELECT $$ ; DROP TABLE t; $$")).containsExactly(SqlOperation.SELECT);
    }

    @Test
    void transactionWrappedWritesAreEachAnalysed() {
        assertThat(operations("BEGIN; DELETE FROM t WHERE id = 1; COMMIT"))
                .containsExactly(SqlOperation.BEGIN, SqlOperation.DELETE, SqlOperation.COMMIT);
    }

    @Test
    void dataModifyingCteSurfacesAsItsWrite() {
        List<AnalysedStatement> statements = analyse("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d").statements();
        assertThat(statements).extracting(AnalysedStatement::operation).containsExactly(SqlOperation.DELETE, SqlOperation.SELECT);
        assertThat(statements.get(0).tablesWritten()).isEqualTo(tables("t"));
        assertThat(statements.get(0).hasWhere()).isFalse();
        assertThat(statements.get(1).tablesRead()).as("d is the CTE, not a table").isEmpty();
    }

    @Test
    void dataModifyingCteFeedingAnInsertReportsBothWrites() {
        List<AnalysedStatement> statements =
                analyse("WITH u AS (UPDATE t SET a = 1 WHERE id = 2 RETURNING *) INSERT INTO log SELECT * FROM u").statements();
        assertThat(statements).extracting(AnalysedStatement::operation).containsExactly(SqlOperation.UPDATE, SqlOperation.INSERT);
        assertThat(statements.get(0).tablesWritten()).isEqualTo(tables("t"));
        assertThat(statements.get(1).tablesWritten()).isEqualTo(tables("log"));
        assertThat(statements.get(1).tablesRead()).isEmpty();
    }

    @Test
    void cteNamesAreScopedSoTheyCannotShadowARealTableOutsideTheirScope() {
        assertThat(only("SELECT * FROM (WITH d AS (SELECT 1) SELECT * FROM d) x, d").tablesRead()).isEqualTo(tables("d"));
        assertThat(only("WITH secrets AS (SELECT * FROM secrets) SELECT * FROM secrets").tablesRead())
                .isEqualTo(tables("secrets"));
        assertThat(only("WITH x AS (SELECT 1) SELECT * FROM public.x, x").tablesRead())
                .as("a schema-qualified name is never a CTE").isEqualTo(tables("public.x"));
        assertThat(only("WITH \"Secrets\" AS (SELECT 1) SELECT * FROM secrets").tablesRead())
                .as("PostgreSQL reads the real table: a quoted CTE name does not match an unquoted reference")
                .isEqualTo(tables("secrets"));
        assertThat(only("WITH secrets AS (SELECT 1) SELECT * FROM \"SECRETS\"").tablesRead())
                .as("PostgreSQL reads the real table \"SECRETS\"").isEqualTo(tables("secrets"));
        assertThat(only("WITH Recent AS (SELECT * FROM orders) SELECT * FROM RECENT").tablesRead())
                .as("unquoted names match in any case").isEqualTo(tables("orders"));
        assertThat(only("WITH \"Recent\" AS (SELECT * FROM orders) SELECT * FROM \"Recent\"").tablesRead())
                .isEqualTo(tables("orders"));
    }

    @Test
    void updateAndDeleteReportWhetherTheyRestrictRows() {
        assertThat(only("UPDATE t SET a = 1 WHERE id = 2").hasWhere()).isTrue();
        assertThat(only("DELETE FROM t WHERE id IN (SELECT id FROM u)").hasWhere()).isTrue();
        assertThat(only("UPDATE t SET a = 1").hasWhere()).isFalse();
        assertThat(only("DELETE FROM t").hasWhere()).isFalse();
        assertThat(only("DELETE FROM t WHERE 1 = 1").hasWhere()).as("a WHERE naming no column").isFalse();
        assertThat(only("UPDATE t SET a = 1 WHERE true").hasWhere()).isFalse();
        assertThat(only("SELECT * FROM t").hasWhere()).as("not applicable").isTrue();
    }

    @Test
    void returningCountsAsAReadOfTheTarget() {
        AnalysedStatement statement = only("DELETE FROM orders WHERE id = 1 RETURNING *");
        assertThat(statement.tablesRead()).isEqualTo(tables("orders"));
        assertThat(statement.tablesWritten()).isEqualTo(tables("orders"));
    }

    @Test
    void unqualifiedTablesResolveAgainstTheCurrentSchema() {
        AnalysedStatement statement = only("INSERT INTO log SELECT * FROM other.src JOIN src ON true");
        assertThat(statement.resolve("app").tablesRead()).isEqualTo(tables("other.src", "app.src"));
        assertThat(statement.resolve("app").tablesWritten()).isEqualTo(tables("app.log"));
    }

    @Test
    void explainIsJudgedAsTheStatementItExplains() {
        AnalysedStatement analyze = only("EXPLAIN ANALYZE DELETE FROM t");
        assertThat(analyze.operation()).isEqualTo(SqlOperation.DELETE);
        assertThat(analyze.tablesWritten()).isEqualTo(tables("t"));
        assertThat(only("EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM t").tablesRead()).isEqualTo(tables("t"));
        assertThat(only("EXPLAIN SELECT * FROM t").operation()).isEqualTo(SqlOperation.SELECT);
        assertThat(only("EXPLAIN VERBOSE UPDATE t SET a = 1").operation()).isEqualTo(SqlOperation.UPDATE);
        assertThat(only("EXPLAIN PLAN FOR SELECT * FROM t").tablesRead()).isEqualTo(tables("t"));
        assertThat(only("PREPARE p (int) AS DELETE FROM t WHERE id = $1").operation()).isEqualTo(SqlOperation.DELETE);
    }

    @Test
    void copyOfAWritingQueryKeepsTheWrite() {
        assertThat(operations("COPY (DELETE FROM t RETURNING *) TO STDOUT"))
                .containsExactly(SqlOperation.DELETE, SqlOperation.COPY);
    }
}
