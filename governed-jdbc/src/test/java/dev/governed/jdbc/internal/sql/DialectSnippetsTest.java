package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.only;
import static dev.governed.jdbc.internal.sql.Analyses.tables;
import static dev.governed.jdbc.internal.sql.Analyses.unanalysableReason;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PostgreSQL and H2 spellings the agents actually send. */
class DialectSnippetsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT id::text, created::date FROM app.orders WHERE note ILIKE '%rush%'              | SELECT | app.orders
            SELECT * FROM orders WHERE status NOT ILIKE 'x%' LIMIT 10 OFFSET 20                   | SELECT | orders
            SELECT * FROM orders ORDER BY id OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY               | SELECT | orders
            SELECT * FROM orders FETCH FIRST 1 ROW ONLY                                           | SELECT | orders
            SELECT data->>'name', data #> '{a,b}' FROM docs WHERE data ? 'k'                      | SELECT | docs
            SELECT * FROM orders WHERE created > now() - INTERVAL '7 days'                        | SELECT | orders
            SELECT * FROM orders WHERE ts > now() - '1 day'::interval                             | SELECT | orders
            SELECT date_trunc('month', ts), count(*) FROM orders GROUP BY 1 ORDER BY 1            | SELECT | orders
            SELECT * FROM ONLY orders                                                             | SELECT | orders
            SELECT DISTINCT ON (a) a, b FROM orders ORDER BY a, b                                 | SELECT | orders
            SELECT ARRAY(SELECT ssn FROM secrets)                                                 | SELECT | secrets
            SELECT * FROM "Public"."Orders" WHERE "Id" = $1                                       | SELECT | public.orders
            SELECT * FROM INFORMATION_SCHEMA.TABLES                                               | SELECT | information_schema.tables
            SELECT TOP 5 * FROM PUBLIC.ORDERS                                                     | SELECT | public.orders
            SELECT * FROM SYSTEM_RANGE(1, 10)                                                     | SELECT |
            SELECT * FROM orders LIMIT 10 OFFSET 5 ROWS                                           | SELECT | orders
            SELECT CAST(total AS DECIMAL(10, 2)) FROM orders                                      | SELECT | orders
            """)
    void readsAreAttributedToTheirTables(String sql, SqlOperation operation, String read) {
        AnalysedStatement statement = only(sql);
        assertThat(statement.operation()).isEqualTo(operation);
        assertThat(statement.tablesRead()).isEqualTo(tables(read == null ? new String[0] : read.trim().split("\\s+")));
    }

    @Test
    void postgresUpsertAndReturning() {
        AnalysedStatement upsert = only("""
                INSERT INTO app.orders (id, total) VALUES (1, 9.5)
                ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total RETURNING id, total""");
        assertThat(upsert.operation()).isEqualTo(SqlOperation.INSERT);
        assertThat(upsert.tablesWritten()).isEqualTo(tables("app.orders"));
        assertThat(upsert.tablesRead()).as("RETURNING").isEqualTo(tables("app.orders"));
        assertThat(only("INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING").tablesRead()).isEmpty();
    }

    @Test
    void ddlWithTypeParametersAndDefaults() {
        AnalysedStatement create = only("CREATE TABLE t (status text DEFAULT 'new', n int DEFAULT 0, c varchar(20) NOT NULL)");
        assertThat(create.operation()).isEqualTo(SqlOperation.CREATE);
        assertThat(create.tablesWritten()).isEqualTo(tables("t"));
        assertThat(only("CREATE TABLE s.t (id int PRIMARY KEY, c numeric(10, 2))").tablesWritten()).isEqualTo(tables("s.t"));
        assertThat(only("ALTER TABLE t ALTER COLUMN c SET DEFAULT 'x'").operation()).isEqualTo(SqlOperation.ALTER);
    }

    @Test
    void h2MergeWithKeyIsAnUpsertWritingTheTarget() {
        AnalysedStatement merge = only("MERGE INTO app.t (id, v) KEY (id) VALUES (1, 'x')");
        assertThat(merge.operation()).isEqualTo(SqlOperation.MERGE);
        assertThat(merge.tablesWritten()).isEqualTo(tables("app.t"));
        assertThat(only("MERGE INTO t KEY (id) VALUES (1, 'x')").operation()).isEqualTo(SqlOperation.MERGE);
        AnalysedStatement fromSelect = only("MERGE INTO t (id, v) KEY (id) SELECT id, v FROM src");
        assertThat(fromSelect.tablesRead()).isEqualTo(tables("src"));
        assertThat(Analyses.operations("MERGE INTO t KEY (id) VALUES (pg_read_file('x'))"))
                .contains(SqlOperation.EXECUTE);
    }

    @Test
    void h2BacktickAndUpperCaseIdentifiersNormaliseLikeOthers() {
        assertThat(only("SELECT `Name` FROM `PUBLIC`.`ORDERS`").tablesRead()).isEqualTo(tables("public.orders"));
        assertThat(only("SELECT NAME FROM PUBLIC.ORDERS").tablesRead()).isEqualTo(tables("public.orders"));
    }

    @Test
    void unicodeEscapedIdentifiersCannotDisguiseATable() {
        assertThat(unanalysableReason("SELECT * FROM U&\"secr\\0065ts\"")).contains("Unicode-escaped");
        assertThat(unanalysableReason("COPY U&\"secr\\0065ts\" TO STDOUT")).contains("Unicode-escaped");
    }

    @Test
    void changingTheSearchPathThenUsingUnqualifiedTablesInOneTextIsRefused() {
        assertThat(unanalysableReason("SET search_path = secret; SELECT * FROM t")).contains("qualify");
        assertThat(unanalysableReason("SET SCHEMA secret; DELETE FROM t WHERE id = 1")).contains("qualify");
        assertThat(unanalysableReason("RESET ALL; SELECT * FROM t")).contains("qualify");
        assertThat(unanalysableReason("SELECT set_config('search_path', 'secret', false); SELECT * FROM t"))
                .contains("qualify");
        assertThat(Analyses.operations("SET search_path = app; SELECT * FROM app.t"))
                .containsExactly(SqlOperation.SET, SqlOperation.SELECT);
        assertThat(Analyses.operations("SELECT * FROM t; SET search_path = app"))
                .containsExactly(SqlOperation.SELECT, SqlOperation.SET);
    }

    @Test
    void largeObjectFunctionsReachDataOutsideTables() {
        assertThat(only("SELECT lo_get(1234)").operation()).isEqualTo(SqlOperation.EXECUTE);
    }
}
