package dev.governed.service.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.jdbc.GovernedDataSource;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code governed replay <session> --against}: a session recorded through the driver on H2 runs again on an H2
 * sandbox and gives the same digests; a changed row shows; an unmarked database is refused before anything runs.
 */
class ReplayAgainstSandboxTest {

    private static final String POLICY = """
            version: 1
            defaults: { effect: deny }
            rules:
              - id: read
                when: { groups: [support-agents] }
                sql: { operations: [select], tables: [public.customers, public.orders, public.notes] }
                effect: allow
              - id: order-writes
                when: { groups: [support-agents] }
                sql: { operations: [update], tables: [public.orders] }
                effect: allow
            masks:
              - columns: [public.customers.ssn]
                strategy: keep-last
                keep: 4
            """;

    @TempDir
    static Path dir;
    static TestIdentityProvider idp;

    @BeforeAll
    static void start() {
        idp = new TestIdentityProvider();
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    record Run(int code, String out, String err) {}

    static Run governed(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GovernedCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A recorded session: its trail and its id. */
    record Recording(Path trail, String session) {}

    @Test
    void aFaithfulSandboxGivesTheSameRowCountsAndDigestsMaskedColumnsIncluded() throws Exception {
        Recording recording = record("values");
        String sandbox = database(true);

        Run run = replay(recording, sandbox);

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("5 same, 0 differ, 0 not replayable, 0 unchecked; 1 denied");
        assertThat(run.out()).contains("2 row(s), digest").contains("1 row(s) changed")
                .contains("batch of 2 parameter set(s): 2 row(s) changed");
    }

    @Test
    void rowsOfAStatementWithoutOrderByAreComparedInAnyOrder() throws Exception {
        Recording recording = record("values");
        String sandbox = database(true);
        try (Connection raw = DriverManager.getConnection(sandbox, "sa", "");
                Statement statement = raw.createStatement()) {
            statement.execute("DELETE FROM notes");
            statement.execute("INSERT INTO notes VALUES (3, 'c'), (1, 'a'), (2, 'b')"); // the same rows, stored in another order
        }

        Run run = replay(recording, sandbox);

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("3 row(s), digest").contains("in any order: the statement has no ORDER BY")
                .contains("5 same, 0 differ");
    }

    @Test
    void aChangedRowOfAStatementWithoutOrderByStillShows() throws Exception {
        Recording recording = record("values");
        String sandbox = database(true);
        try (Connection raw = DriverManager.getConnection(sandbox, "sa", "");
                Statement statement = raw.createStatement()) {
            statement.execute("UPDATE notes SET body = 'z' WHERE id = 2");
        }

        Run run = replay(recording, sandbox);

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ReplayCommand.DIFFERENCES);
        assertThat(run.out()).contains("rows 3 -> 3, digest").contains("4 same, 1 differ");
    }

    @Test
    void aResultWithoutOrderByReadOnlyInPartIsUncheckedWhenOtherRowsComeFirst() throws Exception {
        Recording recording = record(Map.of("governed.audit.parameters", "values"), h2(database(false)), dir, idp,
                connection -> {
                    try (Statement statement = connection.createStatement();
                            ResultSet rows = statement.executeQuery("SELECT id, body FROM notes")) {
                        assertThat(rows.next()).isTrue(); // the caller reads one row and closes the result
                    }
                });
        String same = database(true);
        String reordered = database(true);
        try (Connection raw = DriverManager.getConnection(reordered, "sa", "");
                Statement statement = raw.createStatement()) {
            statement.execute("DELETE FROM notes");
            statement.execute("INSERT INTO notes VALUES (3, 'c'), (1, 'a'), (2, 'b')");
        }

        Run asRecorded = replay(recording, same);
        Run otherFirst = replay(recording, reordered);

        assertThat(asRecorded.out()).as(asRecorded.out()).contains("1 same, 0 differ");
        assertThat(otherFirst.code()).as(otherFirst.out() + otherFirst.err()).isEqualTo(ReplayCommand.INCOMPLETE);
        assertThat(otherFirst.out()).contains("unchecked").contains("read only the first 1 of a result without ORDER BY")
                .contains("0 same, 0 differ, 0 not replayable, 1 unchecked");
    }

    @Test
    void aBatchLargerThanTheRecordedSetsIsNotReplayedAndSaysWhy() throws Exception {
        Recording recording = record(Map.of("governed.audit.parameters", "values", "governed.audit.batchSets", "1"),
                h2(database(false)), dir, idp, ReplayAgainstSandboxTest::agentSession);
        String sandbox = database(true);

        Run run = replay(recording, sandbox);
        Run timeline = governed("replay", recording.session(), "--trail", recording.trail().toString());

        assertThat(run.out()).contains("not replayable")
                .contains("the batch had 2 parameter sets and the recording keeps only the first 1 (governed.audit.batchSets)")
                .contains("an earlier statement that may change data was not replayed");
        assertThat(timeline.out()).contains("batch of 2 set(s), 1 recorded: ('packed', 11), …");
    }

    @Test
    void parametersBoundByNameAreRecordedButNotReplayed() throws Exception {
        Recording recording = record(Map.of("governed.audit.parameters", "values"), h2(database(false)), dir, idp,
                connection -> {
                    try (CallableStatement call = connection.prepareCall("SELECT name FROM customers WHERE id = ?")) {
                        call.setInt("NAME", 1); // H2 names the parameters after the result's columns
                        readAll(call.executeQuery());
                    }
                });
        String sandbox = database(true);

        Run run = replay(recording, sandbox);
        Run timeline = governed("replay", recording.session(), "--trail", recording.trail().toString());

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ReplayCommand.INCOMPLETE);
        assertThat(run.out()).contains("not replayable").contains("parameter NAME was bound by name on a CallableStatement")
                .contains("0 same, 0 differ, 1 not replayable");
        assertThat(timeline.out()).contains("(NAME => 1)");
    }

    @Test
    void aChangedRowIsShownAsADifferenceWithItsOwnExitCode() throws Exception {
        Recording recording = record("values");
        String sandbox = database(true);
        try (Connection raw = DriverManager.getConnection(sandbox, "sa", "");
                Statement statement = raw.createStatement()) {
            statement.execute("UPDATE customers SET name = 'Eve' WHERE id = 2");
        }

        Run run = replay(recording, sandbox);

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ReplayCommand.DIFFERENCES);
        assertThat(run.out()).contains("DIFFERS").contains("rows 2 -> 2, digest").contains("4 same, 1 differ");
    }

    @Test
    void aDatabaseNotMarkedAsSandboxIsRefusedBeforeAnythingRuns() throws Exception {
        Recording recording = record("values");
        String production = database(false);

        Run run = replay(recording, production);

        assertThat(run.code()).isEqualTo(CliException.USAGE);
        assertThat(run.err()).contains("not marked as a sandbox", "CREATE TABLE governed_sandbox");
        assertThat(run.out()).isEmpty();
        try (Connection raw = DriverManager.getConnection(production, "sa", "");
                Statement statement = raw.createStatement();
                ResultSet rows = statement.executeQuery("SELECT status FROM orders WHERE id = 10")) {
            rows.next();
            assertThat(rows.getString(1)).as("the recorded UPDATE must not have run").isEqualTo("open");
        }
    }

    @Test
    void parametersNotRecordedMakeTheirStatementsNotReplayable() throws Exception {
        Recording recording = record("none");
        String sandbox = database(true);

        Run run = replay(recording, sandbox);

        // the UPDATE did not run again, so the SELECT after it sees the order as it was before
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ReplayCommand.DIFFERENCES);
        assertThat(run.out()).contains("not replayable").contains("governed.audit.parameters=none")
                .contains("an earlier statement that may change data was not replayed")
                .contains("1 same, 1 differ, 3 not replayable");
    }

    @Test
    void statementsThatCannotBeReplayedWithoutDifferencesExitWithTheIncompleteCode() throws Exception {
        Recording recording = record("digest");
        String sandbox = database(true);
        try (Connection raw = DriverManager.getConnection(sandbox, "sa", "");
                Statement statement = raw.createStatement()) {
            // as the unreplayable UPDATE and batch did
            statement.execute("UPDATE orders SET status = 'returned' WHERE id = 10");
            statement.execute("UPDATE orders SET status = 'packed' WHERE id = 11");
        }

        Run run = replay(recording, sandbox);

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ReplayCommand.INCOMPLETE);
        assertThat(run.out()).contains("recorded as a digest only").contains("2 same, 0 differ, 3 not replayable");
    }

    @Test
    void theTimelineShowsParametersAndResultDigests() throws Exception {
        Recording recording = record("values");

        Run run = governed("replay", recording.session(), "--trail", recording.trail().toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("(1)").contains("('shipped', 10)").contains("digest=").contains("(all rows)")
                .contains("batch of 2 set(s): ('packed', 11), ('returned', 10)")
                .contains("DENY").contains("agent:support");
    }

    @Test
    void aRecordedTrailStillVerifiesItsChainWithParametersAndResults() throws Exception {
        Recording recording = record("values");
        assertThat(Files.readString(recording.trail())).contains("\"parameters\":[").contains("\"result\":{");

        Run verify = governed("audit", "verify", recording.trail().toString(), "--allow-unsigned");

        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).startsWith("PROVEN");
    }

    @Test
    void aGovernedUrlIsNotASandbox() throws Exception {
        Recording recording = record("values");

        Run run = replay(recording, "jdbc:governed:h2:mem:x");

        assertThat(run.code()).isEqualTo(CliException.USAGE);
        assertThat(run.err()).contains("sandbox database's own JDBC URL");
    }

    static Run replay(Recording recording, String url) {
        return governed("replay", recording.session(), "--trail", recording.trail().toString(), "--against", url,
                "--user", "sa", "--password", "");
    }

    /** Runs the agent's session through the governed driver with results digested; returns its trail. */
    private static Recording record(String parameters) throws Exception {
        return record(parameters, h2(database(false)), dir, idp);
    }

    private static DataSource h2(String url) {
        JdbcDataSource result = new JdbcDataSource();
        result.setURL(url);
        result.setUser("sa");
        return result;
    }

    /** Runs the agent's session on {@code target} (which has the tables of {@link #createTables}); returns its trail. */
    static Recording record(String parameters, DataSource target, Path dir, TestIdentityProvider idp) throws Exception {
        return record(Map.of("governed.audit.parameters", parameters), target, dir, idp,
                ReplayAgainstSandboxTest::agentSession);
    }

    /** What a recorded session does on its governed connection. */
    interface Session {
        void run(Connection connection) throws Exception;
    }

    /** The agent's session: a point select, an update, a batch of updates, two plain selects and a denied one. */
    static void agentSession(Connection connection) throws Exception {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, name, ssn FROM customers WHERE id >= ? ORDER BY id")) {
            select.setInt(1, 1);
            readAll(select.executeQuery());
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
            update.setString(1, "shipped");
            update.setInt(2, 10);
            assertThat(update.executeUpdate()).isEqualTo(1);
            update.setString(1, "packed");
            update.setInt(2, 11);
            update.addBatch();
            update.setString(1, "returned");
            update.setInt(2, 10);
            update.addBatch();
            assertThat(update.executeBatch()).containsExactly(1, 1);
        }
        try (Statement statement = connection.createStatement()) {
            readAll(statement.executeQuery("SELECT id, status FROM orders ORDER BY id"));
            readAll(statement.executeQuery("SELECT id, body FROM notes"));
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM secrets")).isInstanceOf(SQLException.class);
        }
    }

    /** Runs {@code session} on {@code target} with results digested and {@code properties}; returns its trail. */
    static Recording record(Map<String, String> properties, DataSource target, Path dir, TestIdentityProvider idp,
                            Session steps) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy-" + UUID.randomUUID() + ".yaml"), POLICY);
        Path trail = dir.resolve("audit-" + UUID.randomUUID() + ".jsonl");
        GovernedDataSource.Builder builder = GovernedDataSource.wrap(target).policy(policy.toString())
                .jwks(idp.writeJwks(dir).toString()).issuer(idp.issuer()).audience(idp.audience())
                .audit("jsonl:" + trail).token(idp.token().subject("agent:support").groups("support-agents").sign())
                .property("governed.audit.results", "digest");
        properties.forEach(builder::property);
        try (GovernedDataSource governed = builder.build();
                Connection connection = governed.getConnection()) {
            steps.run(connection);
        }
        String line = Files.readAllLines(trail).get(0);
        String session = dev.governed.audit.AuditJson.readTree(line).at("/session/id").asText();
        return new Recording(trail, session);
    }

    private static void readAll(ResultSet rows) throws SQLException {
        try (rows) {
            while (rows.next()) {
                rows.getObject(1);
            }
        }
    }

    /** A fresh in-memory H2 database with the session's tables, marked as a sandbox or not. */
    private static String database(boolean sandbox) throws SQLException {
        String url = "jdbc:h2:mem:" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
        try (Connection raw = DriverManager.getConnection(url, "sa", "")) {
            createTables(raw, sandbox);
        }
        return url;
    }

    /** The session's tables with their rows, and the sandbox mark when asked. */
    static void createTables(Connection raw, boolean sandbox) throws SQLException {
        try (Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), ssn VARCHAR(11))");
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20))");
            statement.execute("CREATE TABLE secrets (id INT PRIMARY KEY, secret VARCHAR(100))");
            statement.execute("CREATE TABLE notes (id INT, body VARCHAR(100))"); // no key: rows come back as stored
            statement.execute("INSERT INTO customers VALUES (1, 'Ada', '123-45-6789'), (2, 'Grace', '987-65-4321')");
            statement.execute("INSERT INTO orders VALUES (10, 'open'), (11, 'open')");
            statement.execute("INSERT INTO notes VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            if (sandbox) {
                statement.execute("CREATE TABLE governed_sandbox (marked_by VARCHAR(200))");
                statement.execute("INSERT INTO governed_sandbox VALUES ('replay test')");
            }
        }
    }
}
