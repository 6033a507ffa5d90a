package dev.governed.bench;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Embedded PostgreSQL on loopback: a prepared point select and a 1,000-row scan through
 * pgjdbc raw, Governed with the {@code discard} sink, Governed with {@code jsonl} audit (an fsync
 * after every batch, the default, group commit with {@code fsync=10ms}, and {@code fsync=none} to tell the
 * writer's own work from the forcing), and the scan with two
 * columns masked. The server is a child of the benchmark JVM, so
 * {@code taskset -c 0 java -jar benchmarks.jar Postgres} pins client and server to one CPU.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class PostgresBenchmark {

    static final int SCAN_ROWS = 1_000;
    private static final String POINT_SELECT = "SELECT name FROM customers WHERE id = ?";
    private static final String SCAN = "SELECT id, name, email, ssn FROM people";

    private BenchDatabase identities;
    private Connection raw;
    private Connection governedDiscard;
    private Connection governedJsonl;
    private Connection governedGroupCommit;
    private Connection governedUnforced;
    private Connection masked;
    private PreparedStatement rawPoint;
    private PreparedStatement discardPoint;
    private PreparedStatement jsonlPoint;
    private PreparedStatement groupCommitPoint;
    private PreparedStatement unforcedPoint;
    private PreparedStatement rawScan;
    private PreparedStatement discardScan;
    private PreparedStatement maskedScan;
    private String url;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        PostgresFixture postgres = PostgresFixture.shared();
        postgres.newDatabase("bench");
        url = postgres.jdbcUrl("bench");
        identities = new BenchDatabase("postgres_identities");
        raw = DriverManager.getConnection(url, postgres.user(), postgres.password());
        load(raw);
        governedDiscard = governed("plain", "discard");
        governedJsonl = governed("plain", "jsonl:" + identities.work.resolve("audit.jsonl"));
        governedGroupCommit = governed("plain", "jsonl:" + identities.work.resolve("audit-grouped.jsonl") + "?fsync=10ms");
        governedUnforced = governed("plain", "jsonl:" + identities.work.resolve("audit-unforced.jsonl") + "?fsync=none");
        masked = governed("masked", "discard");
        rawPoint = raw.prepareStatement(POINT_SELECT);
        discardPoint = governedDiscard.prepareStatement(POINT_SELECT);
        jsonlPoint = governedJsonl.prepareStatement(POINT_SELECT);
        groupCommitPoint = governedGroupCommit.prepareStatement(POINT_SELECT);
        unforcedPoint = governedUnforced.prepareStatement(POINT_SELECT);
        rawScan = raw.prepareStatement(SCAN);
        discardScan = governedDiscard.prepareStatement(SCAN);
        maskedScan = masked.prepareStatement(SCAN);
    }

    private static void load(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50))");
            statement.execute("INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(0, "
                    + (BenchDatabase.CUSTOMERS - 1) + ") g");
            statement.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(80),"
                    + " ssn VARCHAR(11))");
            statement.execute("INSERT INTO people SELECT g, 'person ' || g, 'p' || g || '@example.com',"
                    + " lpad((g % 1000)::text, 3, '0') || '-' || lpad((g % 100)::text, 2, '0') || '-'"
                    + " || lpad(g::text, 4, '0') FROM generate_series(1, " + SCAN_ROWS + ") g");
            statement.execute("ANALYZE");
        }
    }

    private Connection governed(String resource, String audit) throws SQLException {
        Properties properties = identities.governedProperties();
        PostgresFixture postgres = PostgresFixture.shared();
        properties.setProperty("user", postgres.user());
        properties.setProperty("password", postgres.password());
        properties.setProperty("governed.policy", "classpath:bench-postgres-policy.yaml");
        properties.setProperty("governed.resource", resource);
        properties.setProperty("governed.audit", audit);
        return DriverManager.getConnection("jdbc:governed:" + url.substring("jdbc:".length()), properties);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (Connection each : new Connection[] {raw, governedDiscard, governedJsonl, governedGroupCommit, governedUnforced,
                masked}) {
            each.close();
        }
        identities.close();
    }

    private int nextId() {
        next = (next + 7) % BenchDatabase.CUSTOMERS;
        return next;
    }

    private static long scan(PreparedStatement statement) throws SQLException {
        long result = 0;
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                result += rows.getInt(1) + rows.getString(2).length() + rows.getString(3).length()
                        + rows.getString(4).length();
            }
        }
        return result;
    }

    @Benchmark
    public String pointRaw() throws SQLException {
        return PointSelectBenchmark.pointSelect(rawPoint, nextId());
    }

    @Benchmark
    public String pointGoverned() throws SQLException {
        return PointSelectBenchmark.pointSelect(discardPoint, nextId());
    }

    @Benchmark
    public String pointGovernedJsonl() throws SQLException {
        return PointSelectBenchmark.pointSelect(jsonlPoint, nextId());
    }

    @Benchmark
    public String pointGovernedJsonlGroupCommit() throws SQLException {
        return PointSelectBenchmark.pointSelect(groupCommitPoint, nextId());
    }

    @Benchmark
    public String pointGovernedJsonlUnforced() throws SQLException {
        return PointSelectBenchmark.pointSelect(unforcedPoint, nextId());
    }

    @Benchmark
    public long scanRaw() throws SQLException {
        return scan(rawScan);
    }

    @Benchmark
    public long scanGoverned() throws SQLException {
        return scan(discardScan);
    }

    @Benchmark
    public long scanMasked() throws SQLException {
        return scan(maskedScan);
    }
}
