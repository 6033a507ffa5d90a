package dev.governed.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * What audit adds to a governed H2 prepared point select: {@code auditedAuditOff} sends events to
 * the do-nothing {@code discard} sink ({@link DiscardSinkProvider}), {@code auditedAuditOn} to a
 * {@code jsonl} file with hash chain, checkpoints and fsync per batch (the defaults), and
 * {@code auditedJournal} adds the kill -9 write-ahead journal. {@code auditedRaw} is the raw
 * driver. Run: {@code java -jar benchmarks/target/benchmarks.jar AuditOverhead}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AuditOverheadBenchmark {

    private static final String POINT_SELECT = "SELECT name FROM customers WHERE id = ?";

    private BenchDatabase database;
    private Connection raw;
    private Connection off;
    private Connection on;
    private Connection journal;
    private PreparedStatement rawSelect;
    private PreparedStatement offSelect;
    private PreparedStatement onSelect;
    private PreparedStatement journalSelect;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        database = new BenchDatabase("audit_overhead");
        raw = database.raw();
        off = governed("discard");
        on = governed("jsonl:" + database.work.resolve("audit-on.jsonl"));
        Properties withJournal = database.governedProperties();
        withJournal.setProperty("governed.audit", "jsonl:" + database.work.resolve("audit-journal.jsonl"));
        withJournal.setProperty("governed.audit.journal", database.work.resolve("journal").toString());
        journal = database.governed(withJournal);
        rawSelect = raw.prepareStatement(POINT_SELECT);
        offSelect = off.prepareStatement(POINT_SELECT);
        onSelect = on.prepareStatement(POINT_SELECT);
        journalSelect = journal.prepareStatement(POINT_SELECT);
    }

    private Connection governed(String sinks) throws SQLException {
        Properties properties = database.governedProperties();
        properties.setProperty("governed.audit", sinks);
        return database.governed(properties);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        for (Connection each : new Connection[] {raw, off, on, journal}) {
            each.close();
        }
        database.close();
    }

    private int nextId() {
        next = (next + 7) % BenchDatabase.CUSTOMERS;
        return next;
    }

    @Benchmark
    public String auditedRaw() throws SQLException {
        return PointSelectBenchmark.pointSelect(rawSelect, nextId());
    }

    @Benchmark
    public String auditedAuditOff() throws SQLException {
        return PointSelectBenchmark.pointSelect(offSelect, nextId());
    }

    @Benchmark
    public String auditedAuditOn() throws SQLException {
        return PointSelectBenchmark.pointSelect(onSelect, nextId());
    }

    @Benchmark
    public String auditedJournal() throws SQLException {
        return PointSelectBenchmark.pointSelect(journalSelect, nextId());
    }
}
