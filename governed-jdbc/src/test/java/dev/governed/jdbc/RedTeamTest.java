package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.governed.core.Governed;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attacks by a caller who controls the SQL text and holds a governed connection: each
 * must be refused by Governed (42501 or 28000) and leave the database exactly as it was.
 * A test here that fails is a hole. Subclasses run the attacks on H2 and PostgreSQL and
 * add the dialect's own.
 *
 * <p>One database serves the whole class; a test that finds it changed marks it dirty and
 * the next test starts on a fresh one, so one successful attack cannot hide another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedTeamTest {

    static final String POLICY = "classpath:policies/redteam.yaml";

    GovernedFixture fixture;
    String rawUrl;
    String baseline;
    private boolean dirty = true;
    /** A raw connection kept open to compare the database's state quickly. */
    private Connection inspector;

    /** A fresh, empty database's JDBC URL, reachable with {@link #targetProperties()}. */
    abstract String newDatabaseUrl() throws Exception;

    abstract Properties targetProperties();

    /** Attack texts only this database understands. */
    abstract Stream<String> dialectAttacks();

    @BeforeAll
    void startFixture() {
        fixture = new GovernedFixture();
    }

    @AfterAll
    void closeFixture() throws SQLException {
        fixture.close();
        if (inspector != null) {
            inspector.close();
        }
    }

    /** Whatever the test asserted, a changed database is not reused. */
    @AfterEach
    void markChangedDatabaseDirty() throws SQLException {
        if (!dirty && !snapshot().equals(baseline)) {
            dirty = true;
        }
    }

    @BeforeEach
    void freshDatabaseWhenTheLastAttackChangedIt() throws Exception {
        if (!dirty) {
            return;
        }
        rawUrl = newDatabaseUrl();
        if (inspector != null) {
            inspector.close();
        }
        inspector = raw();
        try (Connection raw = raw()) {
            GovernedFixture.createSchema(raw);
            try (Statement statement = raw.createStatement()) {
                // A second schema whose "orders" is not the policy's public.orders.
                statement.execute("CREATE SCHEMA private");
                statement.execute("CREATE TABLE private.orders (id INT PRIMARY KEY, customer_id INT,"
                        + " amount DECIMAL(10,2), status VARCHAR(20))");
                statement.execute("INSERT INTO private.orders VALUES (10, 1, 1000000.00, 'board only')");
                statement.execute("CREATE TABLE private.payroll (id INT PRIMARY KEY, salary INT)");
                statement.execute("INSERT INTO private.payroll VALUES (1, 250000)");
            }
            prepare(raw);
        }
        baseline = snapshot();
        dirty = false;
    }

    /** Dialect setup after the common schema, through the raw driver. */
    void prepare(Connection raw) throws SQLException {}

    // ---------------------------------------------------------------- helpers

    Connection raw() throws SQLException {
        return DriverManager.getConnection(rawUrl, targetProperties());
    }

    Properties governedProperties(String token) {
        Properties properties = token == null ? fixture.properties() : fixture.properties(token);
        properties.setProperty("governed.policy", POLICY);
        properties.putAll(targetProperties());
        return properties;
    }

    Connection governed(String token) throws SQLException {
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), governedProperties(token));
    }

    /** A support agent under the policy with a mask on customers.ssn. */
    Connection supportMasked() throws SQLException {
        Properties properties = governedProperties(fixture.supportAgent());
        properties.setProperty("governed.policy", "classpath:policies/redteam-masked.yaml");
        return DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl), properties);
    }

    Connection support() throws SQLException {
        return governed(fixture.supportAgent());
    }

    Connection analyst() throws SQLException {
        return governed(fixture.idp.token().subject("agent:analyst").groups("analysts").sign());
    }

    /** Everything an attack could change: schemas, tables and views with all their rows, routines. */
    String snapshot() throws SQLException {
        StringBuilder result = new StringBuilder();
        try (Statement statement = inspector.createStatement()) {
            result.append("schemas:").append(rows(statement,
                    "SELECT schema_name FROM information_schema.schemata"
                    // A session's temporary schemas come and go with its temporary tables.
                    + " WHERE lower(schema_name) NOT LIKE 'pg\\_temp\\_%' AND lower(schema_name) NOT LIKE 'pg\\_toast\\_temp\\_%'"
                    + " ORDER BY 1")).append('\n');
            List<String[]> tables = new ArrayList<>();
            try (ResultSet each = statement.executeQuery("SELECT table_schema, table_name FROM information_schema.tables"
                    + " WHERE lower(table_schema) NOT IN ('information_schema', 'pg_catalog') ORDER BY 1, 2")) {
                while (each.next()) {
                    tables.add(new String[] {each.getString(1), each.getString(2)});
                }
            }
            for (String[] table : tables) {
                result.append(table[0]).append('.').append(table[1]).append(':').append(rows(statement,
                        "SELECT * FROM \"" + table[0] + "\".\"" + table[1] + "\"")).append('\n');
            }
            result.append("routines:").append(rows(statement, "SELECT routine_schema, routine_name"
                    + " FROM information_schema.routines WHERE lower(routine_schema) NOT IN"
                    + " ('information_schema', 'pg_catalog') ORDER BY 1, 2")).append('\n');
            result.append(dialectState(statement));
        }
        return result.toString();
    }

    /** State outside tables an attack could change (large objects, session-independent settings). */
    String dialectState(Statement raw) throws SQLException {
        return "";
    }

    static String rows(Statement statement, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(query)) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
                StringBuilder row = new StringBuilder("(");
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(i > 1 ? "," : "").append(result.getString(i));
                }
                rows.add(row.append(')').toString());
            }
        }
        rows.sort(null);
        return String.join("", rows);
    }

    /** The call must be refused by Governed itself, with the contract's SQLState. */
    static void assertRefused(GovernedDriverContract.ThrowingCall call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).as("Governed must refuse this attack, but it ran").isNotNull();
        assertThat(thrown).as("refused by Governed, not merely failed in the database")
                .isInstanceOfAny(PolicyDeniedException.class, TokenRejectedException.class);
        assertThat(((SQLException) thrown).getSQLState()).isIn("42501", "28000");
    }

    /** Nothing the attack could touch changed; a change marks the database dirty for the next test. */
    void assertDatabaseUnchanged() throws SQLException {
        String now = snapshot();
        if (!now.equals(baseline)) {
            dirty = true;
        }
        assertThat(now).as("the database after the attack").isEqualTo(baseline);
    }

    void assertTextRefused(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            assertRefused(() -> {
                boolean hasResult = statement.execute(sql);
                // Drain every result so a multi-statement text has fully run.
                while (hasResult || statement.getUpdateCount() != -1) {
                    hasResult = statement.getMoreResults();
                }
            });
        }
    }

    // ---------------------------------------------------------------- attacks on every database

    static Stream<String> commonAttacks() {
        return Stream.of(
                // Quoting, case and qualification of a denied table.
                "SELECT * FROM PUBLIC.SECRETS",
                "select * from SeCrEtS",
                "SELECT * FROM public . secrets",
                "SELECT * FROM \"PUBLIC\".\"SECRETS\"",
                "SELECT * FROM \"public\".\"secrets\"",
                "SELECT * FROM \"PUBLIC\".SECRETS",
                // Reading a denied table without naming it in FROM of the main query.
                "TABLE secrets",
                "SELECT * FROM (TABLE secrets) t",
                "VALUES ((SELECT secret FROM secrets))",
                "SELECT * FROM orders WHERE EXISTS (SELECT 1 FROM secrets WHERE secret LIKE 'l%')",
                "SELECT (SELECT secret FROM secrets) FROM orders",
                "SELECT * FROM orders, secrets",
                "SELECT * FROM orders NATURAL JOIN secrets",
                "SELECT * FROM orders o LEFT JOIN secrets s ON s.id = o.id",
                "SELECT * FROM customers JOIN orders ON true JOIN secrets ON true",
                "SELECT * FROM orders UNION ALL SELECT id, id, id, secret FROM secrets",
                "SELECT * FROM orders INTERSECT SELECT id, id, id, secret FROM secrets",
                "SELECT * FROM orders EXCEPT SELECT id, id, id, secret FROM secrets",
                "SELECT * FROM orders WHERE id = 10 AND (SELECT COUNT(*) FROM secrets) > 0",
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM secrets) THEN 1 ELSE 0 END",
                "SELECT * FROM orders ORDER BY (SELECT MAX(secret) FROM secrets)",
                "SELECT id FROM orders GROUP BY id HAVING (SELECT COUNT(*) FROM secrets) > 0",
                "SELECT * FROM orders WHERE id = ANY (SELECT id FROM secrets)",
                "SELECT * FROM orders o WHERE o.status IN (SELECT secret FROM secrets s WHERE s.id = o.id)",
                "SELECT * FROM orders FETCH FIRST (SELECT COUNT(*) FROM secrets) ROWS ONLY",
                "SELECT * FROM information_schema.tables",
                // CTE names that shadow, or are shadowed by, real tables.
                "WITH orders AS (SELECT * FROM secrets) SELECT * FROM orders",
                "WITH secrets AS (SELECT * FROM secrets) SELECT * FROM secrets",
                "WITH a AS (SELECT secret FROM secrets), secrets AS (SELECT 1 AS x) SELECT * FROM a",
                "SELECT s.secret FROM (WITH secrets AS (SELECT 1 AS x) SELECT x FROM secrets) a CROSS JOIN secrets s",
                "SELECT * FROM (WITH secrets AS (SELECT 1 AS x) SELECT * FROM secrets) a"
                        + " WHERE EXISTS (SELECT 1 FROM secrets)",
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r, secrets",
                // Allowed writes that carry a denied table along.
                "DELETE FROM orders WHERE id IN (SELECT id FROM secrets)",
                "UPDATE orders SET status = (SELECT secret FROM secrets) WHERE id = 10",
                "INSERT INTO orders (id, status) SELECT 99, secret FROM secrets",
                "INSERT INTO orders VALUES (99, 1, 1.00, (SELECT secret FROM secrets))",
                "MERGE INTO orders o USING secrets s ON o.id = s.id WHEN MATCHED THEN UPDATE SET status = s.secret",
                "MERGE INTO secrets s USING orders o ON s.id = o.id WHEN NOT MATCHED THEN INSERT VALUES (o.id, 'x')",
                "MERGE INTO orders o USING (SELECT 10 AS id) s ON o.id = s.id WHEN MATCHED THEN DELETE",
                // Denied writes, alone and behind an allowed statement.
                "DELETE FROM secrets WHERE id = 1",
                "UPDATE secrets SET secret = 'x' WHERE id = 1",
                "INSERT INTO secrets VALUES (2, 'x')",
                "DELETE FROM orders",
                "DELETE FROM orders WHERE 1 = 1 OR id IN (SELECT id FROM secrets)",
                "SELECT * FROM orders; DELETE FROM secrets",
                "SELECT * FROM orders;DELETE FROM secrets WHERE id = 1",
                "SELECT * FROM orders WHERE id = 10; SELECT * FROM secrets",
                "SELECT * FROM orders /* ; */ ; DELETE FROM secrets",
                "SELECT * FROM orders -- ;\n; DELETE FROM secrets",
                "SELECT 1 FROM orders -- x\r; DELETE FROM secrets",
                "SELECT ';' FROM orders; DELETE FROM secrets",
                "SELECT 1 AS \"x\"\"\"; DELETE FROM secrets",
                "SELECT * FROM orders WHERE id = 10 /* unterminated ; DELETE FROM secrets",
                "SELECT * FROM orders WHERE status = 'unterminated ; DELETE FROM secrets",
                "EXPLAIN ANALYZE DELETE FROM secrets WHERE id = 1",
                "EXPLAIN ANALYZE DELETE FROM orders",
                // DDL and DCL.
                "DROP TABLE secrets",
                "TRUNCATE TABLE secrets",
                "CREATE TABLE stolen AS SELECT * FROM orders",
                "CREATE TABLE stolen (id INT)",
                "CREATE VIEW v AS SELECT * FROM secrets",
                "ALTER TABLE orders ADD COLUMN x INT",
                "GRANT SELECT ON secrets TO PUBLIC",
                "COMMENT ON TABLE orders IS 'x'",
                // Schema switches inside one text.
                "SET SCHEMA private; DELETE FROM orders WHERE id = 10",
                // JDBC escapes.
                "SELECT {fn ucase(secret)} FROM secrets",
                "SELECT * FROM {oj orders LEFT OUTER JOIN secrets ON orders.id = secrets.id}",
                "{call (SELECT secret FROM secrets)}",
                // Text no one can read the same way twice.
                "SELECT * FROM orders WHERE id = 10\u2028; DELETE FROM secrets",
                "SELECT * FROM orders\u00a0; DELETE FROM secrets",
                "SELECT * FROM orders WHERE id = 10\u0000; DELETE FROM secrets");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commonAttacks")
    void commonAttackIsRefusedAndChangesNothing(String sql) throws Exception {
        try (Connection connection = support()) {
            assertTextRefused(connection, sql);
        }
        assertDatabaseUnchanged();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dialectAttacks")
    void dialectAttackIsRefusedAndChangesNothing(String sql) throws Exception {
        try (Connection connection = support()) {
            assertTextRefused(connection, sql);
        }
        assertDatabaseUnchanged();
    }

    /** The attacks also tried through prepareStatement; the entry point is the same on every database. */
    Stream<String> preparedAttacks() {
        return commonAttacks();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preparedAttacks")
    void commonAttackIsRefusedWhenPrepared(String sql) throws Exception {
        try (Connection connection = support()) {
            assertRefused(() -> {
                try (PreparedStatement prepared = connection.prepareStatement(sql)) {
                    prepared.execute();
                }
            });
        }
        assertDatabaseUnchanged();
    }

    // ---------------------------------------------------------------- session state: which table is "orders"?

    /*
     * These attacks aim at private.orders, which no rule allows, by making the database resolve
     * "orders" in the private schema while Governed believes it is public.orders. Governed may
     * refuse the final DELETE, or allow it when it really runs on public.orders; either way the
     * private row must survive.
     */

    void assertPrivateOrdersIntact() throws SQLException {
        try (Statement statement = inspector.createStatement()) {
            assertThat(rows(statement, "SELECT * FROM private.orders"))
                    .as("private.orders, which no rule lets the caller touch")
                    .isEqualTo("(10,1,1000000.00,board only)");
        }
    }

    /** Runs a step of an attack that Governed may refuse; the assertions after it judge the outcome. */
    static void attempt(GovernedDriverContract.ThrowingCall call) {
        Throwable thrown = catchThrowable(call::run);
        if (thrown != null && !(thrown instanceof PolicyDeniedException)) {
            throw new AssertionError("expected the step to run or be refused by Governed", thrown);
        }
    }

    /** A batch is decided before it runs; a SET inside it moves later entries to another schema. */
    @Test
    void batchThatSwitchesSchemaDoesNotRedirectALaterEntry() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            attempt(() -> {
                statement.addBatch(setSchemaSql("private"));
                statement.addBatch("DELETE FROM orders WHERE id = 10");
                statement.executeBatch();
            });
        }
        assertPrivateOrdersIntact();
    }

    /** After a batch that switched schema, the next statement is resolved in the schema now in force. */
    @Test
    void schemaSwitchedByABatchIsSeenByTheNextStatement() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            statement.addBatch(setSchemaSql("private"));
            statement.executeBatch();
            attempt(() -> statement.executeUpdate("DELETE FROM orders WHERE id = 10"));
        }
        assertPrivateOrdersIntact();
    }

    /** {@code setSchema} moves unqualified names; Governed must follow. */
    @Test
    void setSchemaIsFollowed() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            connection.setSchema(schemaName("private"));
            assertRefused(() -> statement.executeUpdate("DELETE FROM orders WHERE id = 10"));
            assertRefused(() -> statement.executeQuery("SELECT * FROM orders").close());
        }
        assertDatabaseUnchanged();
    }

    /** A SET that a rollback undoes must not leave Governed believing it still holds. */
    @Test
    void rolledBackSchemaSwitchIsFollowed() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            statement.execute(setSchemaSql("private"));
            connection.setAutoCommit(false);
            statement.execute(setSchemaSql("public"));
            connection.rollback();
            connection.setAutoCommit(true);
            attempt(() -> statement.executeUpdate("DELETE FROM orders WHERE id = 10"));
        }
        assertPrivateOrdersIntact();
    }

    /** The same through SQL: ROLLBACK is a statement the policy allows. */
    @Test
    void rolledBackSchemaSwitchBySqlIsFollowed() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            statement.execute(setSchemaSql("private"));
            statement.execute("BEGIN");
            statement.execute(setSchemaSql("public"));
            statement.execute("ROLLBACK");
            attempt(() -> statement.executeUpdate("DELETE FROM orders WHERE id = 10"));
        }
        assertPrivateOrdersIntact();
    }

    /** A text whose SET runs before a later statement fails still switched the schema (H2 keeps it). */
    @Test
    void schemaSwitchInAFailedTextIsFollowed() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            Throwable failed = catchThrowable(() -> statement.execute(setSchemaSql("private") + "; SELECT 1/0"));
            assertThat(failed).isInstanceOf(SQLException.class).isNotInstanceOf(PolicyDeniedException.class);
            attempt(() -> statement.executeUpdate("DELETE FROM orders WHERE id = 10"));
        }
        assertPrivateOrdersIntact();
    }

    /** A search path of two schemas: a name missing from the first is found in the second. */
    @Test
    void searchPathOfTwoSchemasIsNotResolvedToTheFirst() throws Exception {
        try (Connection connection = analystOnSearchPath("public", "private");
                Statement statement = connection.createStatement()) {
            assertRefused(() -> statement.executeQuery("SELECT * FROM payroll").close());
        }
        assertDatabaseUnchanged();
    }

    /** An analyst's connection whose search path is {@code first}, then {@code second}. */
    abstract Connection analystOnSearchPath(String first, String second) throws SQLException;

    abstract String setSchemaSql(String schema);

    /** The schema's name as the database stores it. */
    abstract String schemaName(String schema);

    /** A statement prepared in one schema and run after a switch is judged in the schema of the run. */
    @Test
    void statementPreparedBeforeASchemaSwitchIsJudgedInTheNewSchema() throws Exception {
        try (Connection connection = support();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
            delete.setInt(1, 10);
            connection.setSchema(schemaName("private"));
            assertRefused(delete::executeUpdate);
        }
        assertDatabaseUnchanged();
    }

    // ---------------------------------------------------------------- escape routes to the vendor's objects

    /** Every connection reachable from a governed object must be governed: proven by trying to use it. */
    void assertOnlyGovernedConnection(Connection reached) throws Exception {
        if (reached == null) {
            return;
        }
        assertThat(reached).as("a connection reached from a governed object").isInstanceOf(GovernedConnection.class);
        try (Statement statement = reached.createStatement()) {
            assertRefused(() -> statement.execute("DELETE FROM secrets WHERE id = 1"));
        }
    }

    void assertOnlyGovernedResultSet(ResultSet reached) throws Exception {
        if (reached == null) {
            return;
        }
        assertThat(reached).isInstanceOf(GovernedResultSet.class);
        Statement statement = reached.getStatement();
        if (statement != null) {
            assertThat(statement).isInstanceOf(GovernedStatement.class);
            assertOnlyGovernedConnection(statement.getConnection());
        }
    }

    /** The database's array type, for createArrayOf. */
    abstract String integerArrayType();

    /** Array.getResultSet() hands out a result set whose statement and connection must be governed. */
    @Test
    void arraysLeadOnlyToGovernedObjects() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT ARRAY[id, customer_id] FROM orders WHERE id = 10")) {
            assertThat(result.next()).isTrue();
            assertOnlyGovernedResultSet(result.getArray(1).getResultSet());
            assertOnlyGovernedResultSet(result.getArray(1).getResultSet(1, 1));
            Object value = result.getObject(1);
            if (value instanceof java.sql.Array array) {
                assertOnlyGovernedResultSet(array.getResultSet());
            }
            assertOnlyGovernedResultSet(connection.createArrayOf(integerArrayType(), new Object[] {1, 2}).getResultSet());
        }
        assertDatabaseUnchanged();
    }

    /** Governed arrays still work as parameters: the fix of the escape route breaks no application. */
    @Test
    void governedArraysStillWorkAsParameters() throws Exception {
        try (Connection connection = support();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id FROM orders WHERE id = ANY (?) ORDER BY id")) {
            java.sql.Array ids = connection.createArrayOf(integerArrayType(), new Object[] {10, 12});
            select.setArray(1, ids);
            assertThat(rows(select)).isEqualTo("(10)(12)");
            select.setObject(1, ids);
            assertThat(rows(select)).isEqualTo("(10)(12)");
        }
    }

    private static String rows(PreparedStatement select) throws SQLException {
        StringBuilder result = new StringBuilder();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                result.append('(').append(rows.getInt(1)).append(')');
            }
        }
        return result.toString();
    }

    /** The same when the result masks a column and so goes through the masking result set. */
    @Test
    void arraysOfAMaskedResultLeadOnlyToGovernedObjects() throws Exception {
        try (Connection connection = supportMasked(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT ssn, ARRAY[id, id] FROM customers WHERE id = 1")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("*******6789");
            assertOnlyGovernedResultSet(result.getArray(2).getResultSet());
            Object value = result.getObject(2);
            if (value instanceof java.sql.Array array) {
                assertOnlyGovernedResultSet(array.getResultSet());
            }
        }
        assertDatabaseUnchanged();
    }

    /**
     * Customers may be read but not written: an updatable result set of an allowed SELECT must
     * not become the UPDATE, INSERT or DELETE the policy denies.
     */
    @Test
    void updatableResultSetDoesNotWriteWhatThePolicyOnlyLetsRead() throws Exception {
        for (Connection connection : List.of(support(), supportMasked())) {
            try (connection; Statement statement = connection.createStatement(
                    ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE)) {
                try (ResultSet result = statement.executeQuery("SELECT id, name, email FROM customers ORDER BY id")) {
                    assertThat(result.next()).isTrue();
                    attempt(() -> {
                        result.updateString("name", "Mallory");
                        result.updateRow();
                    });
                    attempt(result::deleteRow);
                    attempt(() -> {
                        result.moveToInsertRow();
                        result.updateInt("id", 3);
                        result.updateString("name", "Eve");
                        result.updateString("email", "eve@example.com");
                        result.insertRow();
                    });
                }
            }
            assertDatabaseUnchanged();
        }
    }

    /**
     * Generated-key column names are text the driver writes into the SQL (PostgreSQL appends
     * RETURNING): they must not carry a read of a denied table past the analysis.
     */
    @Test
    void generatedKeyColumnNamesDoNotSmuggleSql() throws Exception {
        String update = "UPDATE orders SET status = 'x' WHERE id = 10";
        String[] smuggled = {"(SELECT secret FROM secrets)"};
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            Throwable thrown = catchThrowable(() -> {
                statement.executeUpdate(update, smuggled);
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    while (keys != null && keys.next()) {
                        assertThat(keys.getString(1)).isNotEqualTo("launch codes");
                    }
                }
            });
            assertThat(thrown == null || thrown instanceof SQLException).isTrue();
            Throwable prepared = catchThrowable(() -> {
                try (PreparedStatement ps = connection.prepareStatement(update, smuggled)) {
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        while (keys != null && keys.next()) {
                            assertThat(keys.getString(1)).isNotEqualTo("launch codes");
                        }
                    }
                }
            });
            assertThat(prepared == null || prepared instanceof SQLException).isTrue();
        }
    }

    /** unwrap and isWrapperFor refuse every vendor class on every governed object. */
    @Test
    void noGovernedObjectUnwrapsToTheVendor() throws Exception {
        try (Connection connection = support()) {
            Statement statement = connection.createStatement();
            PreparedStatement prepared = connection.prepareStatement("SELECT id FROM orders WHERE id = ?");
            prepared.setInt(1, 10);
            java.sql.CallableStatement callable = connection.prepareCall("SELECT id FROM orders");
            ResultSet result = statement.executeQuery("SELECT id FROM orders");
            ResultSet preparedResult = prepared.executeQuery();
            java.sql.DatabaseMetaData metaData = connection.getMetaData();
            ResultSet tables = metaData.getTables(null, null, "%", null);
            List<java.sql.Wrapper> governed = List.of(connection, statement, prepared, callable, result, preparedResult,
                    metaData, tables);
            for (java.sql.Wrapper each : governed) {
                for (Class<?> vendor : vendorClasses()) {
                    assertThat(each.isWrapperFor(vendor)).as(each.getClass().getSimpleName() + " wraps " + vendor)
                            .isFalse();
                    assertRefused(() -> each.unwrap(vendor));
                }
            }
        }
    }

    abstract List<Class<?>> vendorClasses();

    /** Extremely deep nesting must be refused, quickly, never allowed because the walk gave up. */
    @Test
    void deeplyNestedTextIsRefusedInBoundedTime() throws Exception {
        String parens = "SELECT * FROM orders WHERE id = " + "(".repeat(3000) + "10" + ")".repeat(3000);
        StringBuilder nested = new StringBuilder("SELECT * FROM secrets");
        for (int i = 0; i < 300; i++) {
            nested.insert(0, "SELECT * FROM orders WHERE id IN (").append(')');
        }
        long start = System.nanoTime();
        try (Connection connection = support()) {
            assertTextRefused(connection, parens);
            assertTextRefused(connection, nested.toString().replace("SELECT * FROM secrets", "SELECT id FROM secrets"));
            assertTextRefused(connection, "SELECT * FROM orders WHERE id = 1" + " + 1".repeat(200_000));
        }
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
        assertDatabaseUnchanged();
    }

    /** A benign text first, so its analysis is cached, then texts that differ only where it matters. */
    @Test
    void cachedAnalysisIsNotReusedForADifferentStatement() throws Exception {
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT * FROM orders WHERE id = 10").close();
            statement.executeQuery("SELECT * FROM orders WHERE status = 'open' ORDER BY 1").close();
            assertTextRefused(connection, "SELECT * FROM orders WHERE id = 10; DELETE FROM secrets");
            assertTextRefused(connection, "SELECT * FROM \"orders\" WHERE id = 10 UNION SELECT 1, 1, 1, secret FROM secrets");
            assertTextRefused(connection, "SELECT * FROM orders WHERE status = 'open' ORDER BY 1; DROP TABLE orders");
        }
        assertDatabaseUnchanged();
    }

    /** Parameters are values, never SQL, on every driver. */
    @Test
    void parametersCarryingSqlStayValues() throws Exception {
        try (Connection connection = support();
                PreparedStatement select = connection.prepareStatement("SELECT * FROM orders WHERE status = ?")) {
            select.setString(1, "x'; DELETE FROM secrets; --");
            try (ResultSet result = select.executeQuery()) {
                assertThat(result.next()).isFalse();
            }
            select.setObject(1, "x' OR EXISTS (SELECT 1 FROM secrets) --");
            try (ResultSet result = select.executeQuery()) {
                assertThat(result.next()).isFalse();
            }
        }
        assertDatabaseUnchanged();
    }

    /** nativeSQL is governed like a statement. */
    @Test
    void nativeSqlOfADeniedTextIsRefused() throws Exception {
        try (Connection connection = support()) {
            assertRefused(() -> connection.nativeSQL("{call FILE_READ('x')}"));
            assertRefused(() -> connection.nativeSQL("SELECT * FROM secrets"));
        }
    }

    // ---------------------------------------------------------------- identities

    /** A scoped bad token is refused; it never falls back to the connection's good one. */
    @Test
    void badScopedTokenDoesNotFallBackToTheConnectionToken() throws Exception {
        String forged = fixture.idp.attack().embeddedKey();
        try (Connection connection = support(); Statement statement = connection.createStatement()) {
            assertRefused(() -> Governed.runAs(forged, () -> statement.executeUpdate("DELETE FROM orders WHERE id = 10")));
        }
        assertDatabaseUnchanged();
    }

    /** A caller outside the analysts group cannot reach the wildcard rule's tables. */
    @Test
    void analystCannotReadSecretsThroughTheWildcard() throws Exception {
        try (Connection connection = analyst()) {
            assertTextRefused(connection, "SELECT * FROM secrets");
            assertTextRefused(connection, "SELECT * FROM \"" + tableName("secrets") + "\"");
        }
        assertDatabaseUnchanged();
    }

    abstract String tableName(String table);
}
