package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.governed.core.GovernedSettings;
import dev.governed.core.Governed;
import dev.governed.jdbc.internal.sql.AnalysedStatement;
import dev.governed.jdbc.internal.sql.SqlAnalyzer;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.SqlOperation;
import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The read-only attacks on PostgreSQL, and the database's own line under the analysis: while the
 * caller may not write, the session is read-only, so even a write the analysis calls a read
 * fails with 25006 (shown with an analyser that lies on purpose).
 */
class ReadOnlyDefencePostgresTest extends ReadOnlyDefenceTest {

    private static final PostgresFixture POSTGRES = PostgresFixture.shared();
    private static final SqlAnalyzer ANALYZER = SqlAnalyzer.builder().build();

    @Override
    String newDatabaseUrl() {
        POSTGRES.newDatabase("readonly_defence");
        return POSTGRES.jdbcUrl("readonly_defence");
    }

    @Override
    Properties targetProperties() {
        Properties result = new Properties();
        result.setProperty("user", POSTGRES.user());
        result.setProperty("password", POSTGRES.password());
        return result;
    }

    @Override
    void prepare(Connection raw) throws SQLException {
        try (Statement statement = raw.createStatement()) {
            statement.execute("CREATE FUNCTION touch_orders() RETURNS int LANGUAGE sql AS"
                    + " $$ INSERT INTO audit_trail VALUES ('touched'); SELECT 1 $$");
            // Functions that shadow built-ins by name, and one reached by attribute notation.
            statement.execute("CREATE FUNCTION public.log(text) RETURNS text LANGUAGE sql AS"
                    + " $$ INSERT INTO audit_trail VALUES ('log'); SELECT $1 $$");
            statement.execute("CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE sql AS"
                    + " $$ INSERT INTO audit_trail VALUES ('format'); SELECT $2 $$");
            statement.execute("CREATE FUNCTION public.jsonb_pretty(text) RETURNS text LANGUAGE sql AS"
                    + " $$ INSERT INTO audit_trail VALUES ('jsonb'); SELECT $1 $$");
            statement.execute("CREATE FUNCTION touch(customers) RETURNS int LANGUAGE sql AS"
                    + " $$ INSERT INTO audit_trail VALUES ('touch'); SELECT 1 $$");
            // A view whose definition writes: reading it is a SELECT of public.touching to the analysis.
            statement.execute("CREATE VIEW touching AS SELECT touch_orders() AS t");
        }
    }

    @Override
    String snapshot(Statement raw) throws SQLException {
        return RedTeamTest.rows(raw, "SELECT * FROM audit_trail") + RedTeamTest.rows(raw, "SELECT * FROM orders")
                + RedTeamTest.rows(raw, "SELECT last_value, is_called FROM order_seq");
    }

    @Override
    void resetSequence() throws SQLException {
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("SELECT setval('order_seq', 1, false)");
        }
    }

    @Override
    Stream<String> dialectAttacks() {
        return Stream.of(
                "SELECT nextval('order_seq')",
                "SELECT setval('order_seq', 42)",
                "SELECT * FROM orders WHERE id = nextval('order_seq')",
                "SELECT log('x')",
                "SELECT format('%s', 'x')",
                "SELECT public.format('%s', 'x')",
                "SELECT jsonb_pretty('x')",
                "SELECT c.touch FROM customers c",
                "SELECT customers.touch FROM customers",
                "SELECT touch(c) FROM customers c",
                "SELECT * FROM touching",
                "SELECT * FROM orders FOR SHARE",
                "SELECT * FROM orders FOR NO KEY UPDATE",
                "SELECT * FROM orders FOR KEY SHARE",
                "SELECT txid_current()",
                "SELECT pg_current_xact_id()",
                "SELECT pg_advisory_lock(1)",
                // Data-modifying CTEs, SELECT INTO, procedural blocks, prepared writes, notifications.
                "WITH d AS (DELETE FROM audit_trail RETURNING *) SELECT * FROM d",
                "WITH d AS (INSERT INTO audit_trail VALUES ('x') RETURNING *) SELECT count(*) FROM d",
                "SELECT * INTO orders_copy FROM orders",
                "CREATE TEMP TABLE probe AS SELECT * FROM orders",
                "PREPARE probe_plan AS DELETE FROM audit_trail",
                "DO $$ BEGIN DELETE FROM audit_trail; END $$",
                "NOTIFY probe",
                "SELECT pg_notify('probe', 'x')",
                "ANALYZE orders",
                "VACUUM orders",
                "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE",
                "SELECT * FROM generate_series(1, nextval('order_seq'))",
                "VALUES (nextval('order_seq'))",
                "SELECT * FROM orders, LATERAL (SELECT touch(c) FROM customers c) t",
                "SELECT pg_cancel_backend(0)",
                "SELECT lo_creat(-1)",
                "SET SESSION AUTHORIZATION DEFAULT",
                "SET ROLE NONE",
                // Lifting the read-only session, so a later write would pass.
                "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
                "SET default_transaction_read_only = off",
                "SET default_transaction_read_only TO DEFAULT",
                "RESET default_transaction_read_only",
                "SET transaction_read_only = off",
                "SET LOCAL transaction_read_only TO off",
                "BEGIN READ WRITE",
                "BEGIN ISOLATION LEVEL SERIALIZABLE, READ WRITE",
                "START TRANSACTION READ WRITE",
                "SET TRANSACTION READ WRITE",
                "RESET ALL",
                "DISCARD ALL",
                "SELECT set_config('default_transaction_read_only', 'off', false)",
                // Settings that hide activity from the server's logs and statistics.
                "SET track_activities = off",
                "SET log_min_error_statement = panic",
                "SET log_statement = 'none'",
                "SET log_duration = off",
                "SET track_counts TO off",
                // Redteam (issue #10): EXPLAIN ANALYZE runs what it explains; server-wide functions and
                // commands; functions that run SQL held in a string; every spelling of lifting read-only.
                "EXPLAIN ANALYZE INSERT INTO audit_trail VALUES ('explain')",
                "EXPLAIN ANALYSE INSERT INTO audit_trail VALUES ('explain')",
                "EXPLAIN (ANALYZE true, BUFFERS) UPDATE orders SET status = 'x'",
                "SELECT * FROM setval('order_seq', 5)",
                "SELECT n FROM nextval('order_seq') AS n",
                "SELECT pg_catalog.\"nextval\"('order_seq')",
                "SELECT pg_stat_reset()",
                "SELECT pg_switch_wal()",
                "SELECT pg_create_restore_point('x')",
                "SELECT pg_reload_conf()",
                "SELECT ts_stat('SELECT to_tsvector(status) FROM orders')",
                "LOAD 'plpgsql'",
                "REFRESH MATERIALIZED VIEW touching",
                "PREPARE TRANSACTION 'gx'",
                "CHECKPOINT",
                "SET session_replication_role = replica",
                "SET default_transaction_read_only = 0",
                "SET default_transaction_read_only /* c */ = off",
                "SET/**/transaction_read_only=off",
                "BEGIN/**/READ/**/WRITE",
                "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY, READ WRITE",
                "SELECT 1; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
                "ALTER SYSTEM SET default_transaction_read_only = off");
    }

    @Override
    Stream<String> allowedReads() {
        return Stream.of(
                "SELECT corr(amount, id) FROM orders",
                "SELECT jsonb_array_length('[1,2]'::jsonb)",
                "SELECT jsonb_object_keys('{\"a\":1}'::jsonb)",
                "SELECT make_interval(days => 1)",
                "SELECT status, count(*) FROM orders GROUP BY ROLLUP(status)",
                "SELECT status, count(*) FROM orders GROUP BY CUBE(status)",
                "SELECT substring(status FROM 1 FOR 3) FROM orders",
                "SELECT * FROM generate_series(1, 3) g",
                "SELECT * FROM (VALUES (1, 'a')) AS v(n, s)",
                "SELECT pg_catalog.upper(status) FROM orders",
                "SELECT c.name FROM customers c",
                "SELECT currval('order_seq') FROM orders WHERE false",
                "BEGIN READ ONLY",
                "COMMIT",
                "SET search_path TO public",
                "SET application_name = 'analyst'");
    }

    // ---------------------------------------------------------------- the database's own line

    /** Texts the lying analyser passes off as reads of public.orders. */
    static Stream<String> misclassifiedWrites() {
        return Stream.of(
                "INSERT INTO audit_trail VALUES ('lie')",
                "SELECT touch_orders()",
                "SELECT nextval('order_seq')",
                "SELECT c.touch FROM customers c",
                "SELECT log('x')",
                "SELECT * FROM touching",
                "SELECT * FROM orders FOR UPDATE");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misclassifiedWrites")
    void aWriteTheAnalysisMissesFailsAtTheDatabase(String sql) throws Exception {
        try (Connection connection = lying(analystToken(), new Properties());
                Statement statement = connection.createStatement()) {
            Throwable thrown = catchThrowable(() -> drain(statement, sql));
            assertThat(thrown).as("the database must refuse this write").isInstanceOf(SQLException.class);
            assertThat(((SQLException) thrown).getSQLState()).isEqualTo("25006");
        }
        assertThat(snapshot()).isEqualTo(snapshotBaseline());
    }

    /** The driver's own read-only switch (readOnlyMode=always sends SET SESSION CHARACTERISTICS) does not lift it. */
    @Test
    void theDriversReadOnlySwitchDoesNotLiftIt() throws Exception {
        Properties always = new Properties();
        always.setProperty("readOnlyMode", "always");
        try (Connection connection = lying(analystToken(), always); Statement statement = connection.createStatement()) {
            drain(statement, "SELECT 1");
            connection.setReadOnly(true);
            connection.setReadOnly(false);
            Throwable thrown = catchThrowable(() -> drain(statement, "INSERT INTO audit_trail VALUES ('lie')"));
            assertThat(thrown).isInstanceOf(SQLException.class);
            assertThat(((SQLException) thrown).getSQLState()).isEqualTo("25006");
        }
        assertThat(snapshot()).isEqualTo(snapshotBaseline());
    }

    /**
     * With autocommit off, the switch to read-only is what opens the caller's transaction: that
     * transaction must be read-only too, not only the ones after it.
     */
    @Test
    void theFirstTransactionWithAutocommitOffIsReadOnly() throws Exception {
        try (Connection connection = lying(analystToken(), new Properties()); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            Throwable thrown = catchThrowable(() -> drain(statement, "INSERT INTO audit_trail VALUES ('lie')"));
            assertThat(thrown).isInstanceOf(SQLException.class);
            assertThat(((SQLException) thrown).getSQLState()).isEqualTo("25006");
            connection.rollback();
        }
        assertThat(snapshot()).isEqualTo(snapshotBaseline());
    }

    /**
     * A reader takes over a connection inside a writer's open transaction; the switch to read-only
     * made inside it is undone by ROLLBACK, and must be made again before the reader's next statement.
     */
    @Test
    void aRollbackDoesNotLeaveTheReaderReadWrite() throws Exception {
        try (Connection connection = lying(null, new Properties()); Statement statement = connection.createStatement()) {
            Governed.runAs(writerToken(), () -> {
                drain(statement, "BEGIN");
                return null;
            });
            Governed.runAs(analystToken(), () -> {
                drain(statement, "SELECT 1");
                drain(statement, "ROLLBACK");
                return null;
            });
            Throwable thrown = catchThrowable(() -> Governed.runAs(analystToken(), () -> {
                drain(statement, "INSERT INTO audit_trail VALUES ('lie')");
                return null;
            }));
            assertThat(thrown).isInstanceOf(SQLException.class);
            assertThat(((SQLException) thrown).getSQLState()).isEqualTo("25006");
        }
        assertThat(snapshot()).isEqualTo(snapshotBaseline());
    }

    /**
     * A writer on the same connection afterwards writes again: the session is read-write for it. (With
     * the real analysis: the lying one would call the writer's INSERT a read, which now runs read-only.)
     */
    @Test
    void aWriterAfterAReaderWritesAgain() throws Exception {
        try (Connection connection = governed(null); Statement statement = connection.createStatement()) {
            Governed.runAs(analystToken(), () -> {
                drain(statement, "SELECT 1");
                return null;
            });
            Governed.runAs(writerToken(), () -> {
                drain(statement, "INSERT INTO audit_trail VALUES ('writer')");
                drain(statement, "DELETE FROM audit_trail WHERE note = 'writer'");
                return null;
            });
        }
    }

    private String snapshotBaseline;

    private String snapshotBaseline() throws SQLException {
        if (snapshotBaseline == null) {
            snapshotBaseline = snapshot();
        }
        return snapshotBaseline;
    }

    /**
     * A governed connection whose analyser calls every statement that is not a read a SELECT of
     * public.orders: what a hole in the analysis would do. Reads keep their true analysis.
     */
    private Connection lying(String token, Properties extra) throws Exception {
        snapshotBaseline();
        Properties properties = governedProperties(token);
        properties.putAll(extra);
        GovernedSettings settings = GovernedSettings.from(properties);
        Governance real = GovernanceRegistry.shared().governanceFor(rawUrl, settings);
        Function<String, StatementAnalysis> liar = sql -> {
            StatementAnalysis truth = ANALYZER.analyze(sql);
            StatementAnalysis read = ANALYZER.analyze("SELECT * FROM public.orders");
            List<AnalysedStatement> statements = new ArrayList<>();
            for (AnalysedStatement each : truth.statements()) {
                boolean session = each.operation().isRead() && each.operation() != SqlOperation.SELECT;
                statements.add(session ? each : read.statements().get(0));
            }
            return new StatementAnalysis(truth.fingerprint(), statements.isEmpty() ? read.statements() : statements,
                    null);
        };
        Governance lying = new Governance(liar, real.auditedText, real.verifier, real.provider, real.engine,
                real.target, false, null, Recording.DEFAULT);
        Connection raw = DriverManager.getConnection(rawUrl, GovernedSettings.withoutGovernedKeys(properties));
        return GovernedConnections.open(raw, lying, settings);
    }
}
