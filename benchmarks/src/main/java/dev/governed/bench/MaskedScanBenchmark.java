package dev.governed.bench;

import java.sql.Connection;
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
 * A 10,000-row H2 scan reading every column: through the raw driver, through Governed with
 * no mask in force, and through Governed with three columns masked (keep-last, email, redact).
 * Masking should cost at most 1.3x the unmasked scan.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class MaskedScanBenchmark {

    static final int ROWS = 10_000;
    private static final String SCAN = "SELECT id, name, email, ssn, phone FROM scan_people";

    private BenchDatabase database;
    private Connection raw;
    private Connection plain;
    private Connection masked;
    private PreparedStatement rawScan;
    private PreparedStatement plainScan;
    private PreparedStatement maskedScan;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        database = new BenchDatabase("masked_scan");
        raw = database.raw();
        try (Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE scan_people (id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(80),"
                    + " ssn VARCHAR(11), phone VARCHAR(20))");
        }
        try (PreparedStatement insert = raw.prepareStatement("INSERT INTO scan_people VALUES (?, ?, ?, ?, ?)")) {
            for (int id = 0; id < ROWS; id++) {
                insert.setInt(1, id);
                insert.setString(2, "person " + id);
                insert.setString(3, "p" + id + "@example.com");
                insert.setString(4, String.format("%03d-%02d-%04d", id % 1000, id % 100, id));
                insert.setString(5, "+1 555 " + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        plain = governed("plain");
        masked = governed("masked");
        rawScan = raw.prepareStatement(SCAN);
        plainScan = plain.prepareStatement(SCAN);
        maskedScan = masked.prepareStatement(SCAN);
    }

    private Connection governed(String resource) throws SQLException {
        Properties properties = database.governedProperties();
        properties.setProperty("governed.policy", "classpath:bench-masking-policy.yaml");
        properties.setProperty("governed.resource", resource);
        return database.governed(properties);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (Connection each : new Connection[] {raw, plain, masked}) {
            each.close();
        }
        database.close();
    }

    private static long scan(PreparedStatement statement) throws SQLException {
        long result = 0;
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                result += rows.getInt(1);
                result += rows.getString(2).length();
                result += rows.getString(3).length();
                result += rows.getString(4).length();
                result += rows.getString(5).length();
            }
        }
        return result;
    }

    @Benchmark
    public long scanRaw() throws SQLException {
        return scan(rawScan);
    }

    @Benchmark
    public long scanGoverned() throws SQLException {
        return scan(plainScan);
    }

    @Benchmark
    public long scanMasked() throws SQLException {
        return scan(maskedScan);
    }
}
