package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The red-team attacks on PostgreSQL, plus its own: server files, dynamic SQL, DO, COPY, cursors. */
class RedTeamPostgresTest extends RedTeamTest {

    private static final PostgresFixture POSTGRES = PostgresFixture.shared();
    private static int databases;

    @Override
    String newDatabaseUrl() {
        String name = "redteam_" + (++databases);
        POSTGRES.newDatabase(name);
        return POSTGRES.jdbcUrl(name);
    }

    @Override
    Properties targetProperties() {
        Properties result = new Properties();
        result.setProperty("user", POSTGRES.user());
        result.setProperty("password", POSTGRES.password());
        return result;
    }

    @Override
    String setSchemaSql(String schema) {
        return "SET search_path TO " + schema;
    }

    @Override
    Connection analystOnSearchPath(String first, String second) throws SQLException {
        Connection connection = analyst();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO " + first + ", " + second);
        }
        return connection;
    }

    /** SET LOCAL ends at COMMIT, taking the session back to the schema set before. */
    @Test
    void setLocalUndoneByCommitIsFollowed() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            statement.execute("SET search_path TO private");
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL search_path TO public");
            connection.commit();
            connection.setAutoCommit(true);
            attempt(() -> statement.executeUpdate("DELETE FROM orders WHERE id = 10"));
        }
        assertPrivateOrdersIntact();
    }

    @Override
    String schemaName(String schema) {
        return schema;
    }

    @Override
    String tableName(String table) {
        return table;
    }

    @Override
    String dialectState(Statement raw) throws SQLException {
        return "large objects:" + rows(raw, "SELECT oid FROM pg_largeobject_metadata ORDER BY 1") + '\n';
    }

    @Override
    void prepare(Connection raw) throws SQLException {
        try (Statement statement = raw.createStatement()) {
            // Confidential data kept in a large object, outside any table a policy names.
            statement.execute("SELECT lo_from_bytea(4242, 'large object secret'::bytea)");
            // A one-column table no rule allows, and a table whose name holds a dot.
            statement.execute("CREATE TABLE vault (secret TEXT)");
            statement.execute("INSERT INTO vault VALUES ('vault secret')");
            statement.execute("CREATE TABLE \"public.orders\" (id INT, secret TEXT)");
            statement.execute("INSERT INTO \"public.orders\" VALUES (1, 'not the orders table')");
        }
    }

    @Override
    String integerArrayType() {
        return "int4";
    }

    @Override
    List<Class<?>> vendorClasses() {
        return List.of(org.postgresql.PGConnection.class, org.postgresql.core.BaseConnection.class,
                org.postgresql.jdbc.PgConnection.class, org.postgresql.PGStatement.class,
                org.postgresql.core.BaseStatement.class, org.postgresql.PGRefCursorResultSet.class,
                org.postgresql.PGResultSetMetaData.class,
                org.postgresql.jdbc.PgResultSet.class, org.postgresql.jdbc.PgDatabaseMetaData.class);
    }

    /**
     * On a pooled connection shared by callers, a temporary table left by one (here a dba) shadows
     * public.orders for the next: PostgreSQL searches pg_temp first.
     */
    @Test
    void temporaryTableLeftByAnotherCallerDoesNotPassForPublicOrders() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            dev.governed.core.Governed.runAs(fixture.dba(), () ->
                    statement.execute("CREATE TEMP TABLE orders AS SELECT * FROM private.orders"));
            assertRefused(() -> statement.executeQuery("SELECT status FROM orders").close());
            assertRefused(() -> statement.executeUpdate("DELETE FROM orders WHERE id = 10"));
        }
        assertDatabaseUnchanged();
    }

    /**
     * PostgreSQL looks an unqualified name up in pg_catalog before the search path: pg_authid is
     * pg_catalog.pg_authid, not public.pg_authid, whatever a public.* rule says.
     */
    @Test
    void catalogTableIsNotTakenForAPublicOne() throws Exception {
        try (Connection connection = analyst()) {
            assertTextRefused(connection, "SELECT rolname, rolpassword FROM pg_authid");
            assertTextRefused(connection, "SELECT * FROM pg_shadow");
            assertTextRefused(connection, "SELECT * FROM pg_settings");
        }
        assertDatabaseUnchanged();
    }

    /** A large object is data outside any table a policy names: lo_get is refused, and so is getBlob. */
    @Test
    void largeObjectIsNotReadThroughGetBlob() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try (ResultSet result = statement.executeQuery("SELECT 4242::oid AS document FROM orders WHERE id = 10")) {
                assertThat(result.next()).isTrue();
                assertRefused(() -> result.getBlob(1).getBytes(1, 100));
                assertRefused(() -> result.getClob("document").getSubString(1, 100));
            }
            connection.rollback();
        }
        assertDatabaseUnchanged();
    }

    /** The same through the masking result set, when the result also holds a masked column. */
    @Test
    void largeObjectIsNotReadThroughGetBlobOfAMaskedResult() throws Exception {
        try (Connection connection = supportMasked(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try (ResultSet result = statement.executeQuery(
                    "SELECT ssn, 4242::oid AS document FROM customers WHERE id = 1")) {
                assertThat(result.next()).isTrue();
                assertRefused(() -> result.getBlob(2).getBytes(1, 100));
                assertRefused(() -> result.getClob("document").getSubString(1, 100));
            }
            connection.rollback();
        }
        assertDatabaseUnchanged();
    }

    /** A refcursor comes back as a governed result set. */
    @Test
    void refcursorComesBackGoverned() throws Exception {
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("CREATE FUNCTION open_orders() RETURNS refcursor LANGUAGE plpgsql AS"
                    + " $$ DECLARE c refcursor := 'c'; BEGIN OPEN c FOR SELECT id FROM orders; RETURN c; END $$");
        }
        baseline = snapshot();
        try (Connection connection = governed(fixture.dba()); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            try (ResultSet result = statement.executeQuery("SELECT open_orders()")) {
                assertThat(result.next()).isTrue();
                Object cursor = result.getObject(1);
                assertThat(cursor).isInstanceOf(ResultSet.class);
                assertOnlyGovernedResultSet((ResultSet) cursor);
            }
            connection.rollback();
        }
        assertDatabaseUnchanged();
    }

    /**
     * A function the database already has may write anything; SELECT f() names no table, so a
     * rule scoped to tables must not allow it by default.
     */
    @Test
    void selectOfAFunctionWithSideEffectsIsRefused() throws Exception {
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("CREATE FUNCTION purge_secrets() RETURNS int LANGUAGE sql AS"
                    + " 'DELETE FROM secrets RETURNING 1'");
        }
        baseline = snapshot();
        try (Connection connection = support()) {
            assertTextRefused(connection, "SELECT purge_secrets()");
            assertTextRefused(connection, "SELECT * FROM orders WHERE id = purge_secrets()");
        }
        assertDatabaseUnchanged();
    }

    /** H2 runs every attack through prepareStatement too; here a sample keeps the suite fast. */
    @Override
    Stream<String> preparedAttacks() {
        return commonAttacks().limit(12);
    }

    @Override
    Stream<String> dialectAttacks() {
        return Stream.of(
                // Inheritance and parenthesised names.
                "SELECT * FROM ONLY secrets",
                "SELECT * FROM ONLY (secrets)",
                "SELECT * FROM secrets*",
                "TABLE ONLY secrets",
                "DELETE FROM ONLY orders",
                "DELETE FROM ONLY (secrets) WHERE id = 1",
                "SELECT * FROM LATERAL (SELECT * FROM secrets) s",
                // SELECT INTO creates a table.
                "SELECT * INTO stolen FROM orders",
                "SELECT * INTO TEMP stolen FROM orders",
                "SELECT * INTO stolen FROM secrets",
                "CREATE TEMP TABLE orders AS SELECT * FROM secrets",
                // PostgreSQL write forms.
                "UPDATE orders SET status = s.secret FROM secrets s WHERE orders.id = 10",
                "DELETE FROM orders USING secrets WHERE orders.id = secrets.id",
                "INSERT INTO orders VALUES (10, 1, 1.00, 'x') ON CONFLICT (id) DO UPDATE"
                        + " SET status = (SELECT secret FROM secrets)",
                "DELETE FROM orders WHERE id = 10 RETURNING (SELECT secret FROM secrets)",
                "WITH d AS (DELETE FROM secrets RETURNING *) SELECT * FROM orders",
                "WITH d AS (UPDATE secrets SET secret = 'x' RETURNING 1) SELECT 1",
                "WITH d AS (INSERT INTO secrets VALUES (5, 'x') RETURNING 1) SELECT 1",
                "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
                "EXPLAIN (ANALYZE, FORMAT JSON) DELETE FROM orders",
                "EXPLAIN (ANALYZE 1) DELETE FROM secrets WHERE id = 1",
                "EXPLAIN ANALYZE WITH d AS (DELETE FROM secrets RETURNING 1) SELECT 1",
                "EXPLAIN ANALYSE SELECT * FROM secrets",
                // Code.
                "DO $$ BEGIN DELETE FROM secrets; END $$",
                "DO LANGUAGE plpgsql $$ BEGIN DELETE FROM secrets; END $$",
                "PREPARE p AS DELETE FROM secrets",
                "PREPARE p AS SELECT * FROM secrets",
                "PREPARE p AS SELECT * FROM orders; EXECUTE p",
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
                "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'DELETE FROM secrets RETURNING 1'",
                "CREATE EXTENSION dblink",
                "LOAD 'plpgsql'",
                "ALTER SYSTEM SET work_mem = '1MB'",
                "SET ROLE postgres",
                "SET SESSION AUTHORIZATION postgres",
                "SET standard_conforming_strings = off",
                // COPY.
                "COPY secrets TO STDOUT",
                "COPY (SELECT * FROM secrets) TO STDOUT",
                "COPY orders FROM PROGRAM 'true'",
                "COPY orders TO '/tmp/governed-redteam-copy'",
                "COPY (SELECT * FROM orders) TO PROGRAM 'true'",
                // Server files, large objects, SQL held in strings.
                "SELECT pg_read_file('PG_VERSION')",
                "SELECT pg_catalog.pg_read_file('PG_VERSION')",
                "SELECT \"pg_read_file\"('PG_VERSION')",
                "SELECT PG_READ_FILE('PG_VERSION')",
                "SELECT pg_read_file /* c */ ('PG_VERSION')",
                "SELECT pg_read_binary_file('PG_VERSION')",
                "SELECT * FROM pg_ls_dir('.')",
                "SELECT * FROM ROWS FROM (pg_ls_dir('.'))",
                "SELECT lo_import('/etc/hostname')",
                "SELECT lo_get(4242)",
                "SELECT lo_from_bytea(0, 'x')",
                "SELECT query_to_xml('select * from secrets', true, true, '')",
                "SELECT * FROM query_to_xml('select * from secrets', true, true, '')",
                "SELECT table_to_xml('secrets', true, true, '')",
                "SELECT ts_stat('select to_tsvector(secret) from secrets')",
                "SELECT set_config('search_path', 'private', false)",
                "SELECT pg_catalog.set_config('search_path', 'private', false)",
                "SELECT set_config('search_path', 'private', false); DELETE FROM orders WHERE id = 10",
                "SELECT * FROM pg_catalog.pg_authid",
                "SELECT * FROM pg_stats WHERE tablename = 'secrets'",
                // search_path inside one text.
                "SET search_path TO private; DELETE FROM orders WHERE id = 10",
                "SET LOCAL search_path TO private; DELETE FROM orders WHERE id = 10",
                "SET search_path TO private, public; SELECT * FROM orders",
                "SET SCHEMA 'private'; DELETE FROM orders WHERE id = 10",
                // Cursors.
                "DECLARE c CURSOR WITH HOLD FOR SELECT * FROM secrets",
                "FETCH ALL FROM c",
                // Expressions the analysis may not walk: array slices, ARRAY(TABLE ...).
                "SELECT array_length((array_fill(0, ARRAY[1000]))[1:(SELECT ascii(substr(secret, 1, 1))"
                        + " FROM secrets)], 1)",
                "SELECT id FROM orders WHERE id = 10 AND (ARRAY[1])[1:(SELECT 1 FROM secrets)] IS NOT NULL",
                "SELECT ARRAY(TABLE vault)",
                "SELECT * FROM unnest(ARRAY(TABLE vault))",
                "SELECT * FROM orders WHERE id = 10 AND 'vault secret' = ANY (TABLE vault)",
                "SELECT * FROM orders WHERE id = 10 AND 'x' <> ALL (TABLE vault)",
                "SELECT * FROM orders WHERE id = 10 AND (ARRAY[1])[(SELECT 1 FROM orders LIMIT 1):(SELECT 1 FROM vault)]"
                        + " IS NOT NULL",
                // A quoted name with a dot in it is one name, not schema and table.
                "SELECT * FROM \"public.orders\"",
                // Lexing: Unicode escapes, dollar quotes, escapes.
                "SELECT * FROM U&\"secr\\0065ts\"",
                "SELECT * FROM U&\"secrets\"",
                "SELECT * FROM orders WHERE status = E'\\'' OR EXISTS (SELECT 1 FROM secrets)",
                "SELECT $a$ $$ ; DELETE FROM secrets; $a$",
                "SELECT $$a$$; DELETE FROM secrets",
                "{call pg_read_file('PG_VERSION')}",
                "{? = call pg_read_file('PG_VERSION')}",
                "{call set_config('search_path', 'private', false)}",
                "LOCK TABLE secrets",
                "VACUUM secrets",
                "ANALYZE secrets",
                "CLUSTER secrets",
                "REINDEX TABLE secrets",
                "CHECKPOINT",
                "NOTIFY x, 'y'",
                "LISTEN x");
    }
}
