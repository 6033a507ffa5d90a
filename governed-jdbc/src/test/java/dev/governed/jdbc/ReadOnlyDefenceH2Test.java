package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The read-only attacks on H2. H2 has no per-session read-only mode, so here the analysis is the
 * only line: every attack must be refused by Governed itself.
 */
class ReadOnlyDefenceH2Test extends ReadOnlyDefenceTest {

    @Override
    String newDatabaseUrl() {
        return "jdbc:h2:mem:readonly_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    Properties targetProperties() {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "");
        return result;
    }

    /** Called by H2 for the aliases below: each call writes a row. */
    public static int touchOrders(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO audit_trail VALUES ('touched')");
        }
        return 1;
    }

    public static String touchText(Connection connection, String value) throws SQLException {
        touchOrders(connection);
        return value;
    }

    @Override
    void prepare(Connection raw) throws SQLException {
        try (Statement statement = raw.createStatement()) {
            String self = ReadOnlyDefenceH2Test.class.getName();
            statement.execute("CREATE ALIAS TOUCH_ORDERS FOR '" + self + ".touchOrders'");
            // Aliases named like PostgreSQL built-ins, which H2 itself does not have.
            statement.execute("CREATE ALIAS MD5 FOR '" + self + ".touchText'");
            statement.execute("CREATE ALIAS JSONB_PRETTY FOR '" + self + ".touchText'");
            statement.execute("CREATE ALIAS INITCAP FOR '" + self + ".touchText'");
        }
    }

    @Override
    String snapshot(Statement raw) throws SQLException {
        return RedTeamTest.rows(raw, "SELECT * FROM audit_trail") + RedTeamTest.rows(raw, "SELECT * FROM orders")
                + RedTeamTest.rows(raw, "SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES"
                        + " WHERE SEQUENCE_NAME = 'ORDER_SEQ'")
                + RedTeamTest.rows(raw, "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                        + " WHERE SETTING_NAME IN ('CACHE_SIZE', 'LOCK_MODE', 'DEFAULT_LOCK_TIMEOUT', 'MAX_MEMORY_ROWS',"
                        + " 'WRITE_DELAY', 'DEFAULT_NULL_ORDERING')");
    }

    @Override
    void resetSequence() throws SQLException {
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("ALTER SEQUENCE order_seq RESTART WITH 1");
        }
    }

    @Override
    Stream<String> dialectAttacks() {
        return Stream.of(
                "SELECT NEXTVAL('order_seq')",
                "SELECT MD5('x')",
                "SELECT JSONB_PRETTY('x') FROM orders",
                "SELECT INITCAP(status) FROM orders",
                "SELECT PUBLIC.TOUCH_ORDERS()",
                "SELECT * FROM orders WHERE status = MD5('open')",
                // Data change delta tables: a SELECT that runs an INSERT, UPDATE or DELETE.
                "SELECT * FROM FINAL TABLE (INSERT INTO audit_trail VALUES ('x'))",
                "SELECT * FROM NEW TABLE (UPDATE orders SET status = status)",
                "SELECT * FROM OLD TABLE (DELETE FROM audit_trail)",
                "SELECT COUNT(*) FROM (SELECT * FROM FINAL TABLE (INSERT INTO audit_trail VALUES ('y'))) t",
                // Session variables set from a writing call, and other H2 statements with effects.
                "SET @x = TOUCH_ORDERS()",
                "SET @x = (SELECT TOUCH_ORDERS())",
                "SELECT SET(@x, TOUCH_ORDERS())",
                "CALL TOUCH_ORDERS()",
                "MERGE INTO audit_trail KEY (note) VALUES ('m')",
                "SELECT CSVWRITE('governed-probe.csv', 'SELECT 1')",
                "SELECT FILE_WRITE('x', 'governed-probe.txt')",
                "SCRIPT TO 'governed-probe.sql'",
                "BACKUP TO 'governed-probe.zip'",
                "RUNSCRIPT FROM 'governed-probe-missing.sql'",
                "CHECKPOINT",
                "ANALYZE",
                "SET EXCLUSIVE 1",
                // Settings of the whole database, which outlive the session and change every other one.
                "SET CACHE_SIZE 1024",
                "SET LOCK_MODE 0",
                "SET IGNORECASE TRUE",
                "SET DEFAULT_LOCK_TIMEOUT 1",
                "SET MAX_MEMORY_ROWS 1",
                "SET WRITE_DELAY 0",
                "SET TRACE_LEVEL_FILE 0",
                "SET DEFAULT_NULL_ORDERING HIGH",
                "SET QUERY_STATISTICS TRUE",
                "SET RETENTION_TIME 0",
                "SET DB_CLOSE_DELAY 0",
                "SET ALLOW_LITERALS NONE",
                // Redteam (issue #10): sequences in other spellings, EXPLAIN ANALYZE, the database's own
                // switches and files.
                "VALUES NEXT VALUE FOR order_seq",
                "SELECT NEXTVAL('PUBLIC', 'ORDER_SEQ')",
                "EXPLAIN ANALYZE INSERT INTO audit_trail VALUES ('explain')",
                "EXPLAIN ANALYZE SELECT NEXT VALUE FOR order_seq",
                "SET @y = NEXT VALUE FOR order_seq",
                "SET REFERENTIAL_INTEGRITY FALSE",
                "SET BUILTIN_ALIAS_OVERRIDE TRUE",
                "SET UNDO_LOG 0",
                "SET LOG 0",
                "SHUTDOWN",
                "CREATE LOCAL TEMPORARY TABLE governed_probe (a INT)",
                "SCRIPT SIMPLE NODATA",
                "PREPARE COMMIT governed_probe");
    }

    @Override
    Stream<String> allowedReads() {
        return Stream.of(
                "SELECT DATEADD(DAY, 1, CURRENT_DATE)",
                "SELECT DATEDIFF(DAY, CURRENT_DATE, CURRENT_DATE)",
                "SELECT FORMATDATETIME(CURRENT_TIMESTAMP, 'yyyy-MM-dd')",
                "SELECT CORR(amount, id) FROM orders",
                "SELECT SUBSTRING(status FROM 1 FOR 3) FROM orders",
                "SELECT * FROM (VALUES (1, 'a')) AS v(n, s)",
                "SELECT * FROM SYSTEM_RANGE(1, 3)",
                "SET LOCK_TIMEOUT 1000",
                "SET SCHEMA PUBLIC");
    }

    /** Every H2 setting is classified: of the whole database (EXECUTE), of the session (SET), or refused. */
    @Test
    void everyH2SettingHasAScope() throws Exception {
        java.util.List<?> types = (java.util.List<?>) Class.forName("org.h2.command.dml.SetTypes")
                .getMethod("getTypes").invoke(null);
        java.util.Set<String> session = java.util.Set.of("schema", "@", "time zone");
        java.util.Set<String> elsewhere = java.util.Set.of("mode", "non_keywords", "database_event_listener",
                "builtin_alias_override", "java_object_serializer", "referential_integrity", "exclusive");
        for (Object each : types) {
            String name = each.toString().toLowerCase(java.util.Locale.ROOT);
            if (elsewhere.contains(name)) {
                continue;
            }
            if (session.contains(name) || dev.governed.jdbc.internal.sql.StatementRecogniserAccess.h2SessionSetting(name)) {
                assertThat(dev.governed.jdbc.internal.sql.SqlAnalyzer.builder().build().analyze("SET " + name + " 1")
                        .statements()).as("SET " + name).allSatisfy(statement ->
                                assertThat(statement.operation().key()).isNotEqualTo("execute"));
                continue;
            }
            assertThat(dev.governed.jdbc.internal.sql.SqlAnalyzer.builder().build().analyze("SET " + name + " 1")
                    .statements()).as("SET " + name).singleElement()
                    .extracting(each2 -> each2.operation().key()).isEqualTo("execute");
        }
    }
}
