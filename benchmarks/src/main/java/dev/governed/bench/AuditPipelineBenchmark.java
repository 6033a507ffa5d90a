package dev.governed.bench;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.chain.HashChain;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two halves of the audit cost per event: {@code pipelineChain} is the writer thread's work
 * (canonical JSON, SHA-256, contract line); {@code pipelineRecord} minus {@code pipelineStatement}
 * is the caller's ({@code record} into the bounded queue), with a few microseconds of stand-in
 * statement work between records so that the writer (draining to the {@code discard} sink) keeps
 * up, as it does behind real statements; {@code pipelineJournal} adds the kill -9 journal.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AuditPipelineBenchmark {

    private static final long STATEMENT_TOKENS = 2000;

    private HashChain chain;
    private AuditDispatcher dispatcher;
    private AuditDispatcher journaled;
    private java.nio.file.Path journalDirectory;
    private AuditEvent event;
    private long n;

    @Setup(Level.Trial)
    public void setUp() {
        chain = new HashChain("01a2013d-d42f-7fb3-b01a-a0ad0cb58555", null);
        dispatcher = AuditDispatcher.builder().sinks("discard").build();
        try {
            journalDirectory = java.nio.file.Files.createTempDirectory("governed-bench-journal");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        journaled = AuditDispatcher.builder().sinks("discard").journal(journalDirectory, 64L << 20).build();
        event = AuditThroughput.event(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.io.IOException {
        dispatcher.close();
        journaled.close();
        BenchDatabase.deleteRecursively(journalDirectory);
    }

    @Benchmark
    public HashChain.Linked pipelineChain() {
        return chain.append(event);
    }

    @Benchmark
    public void pipelineStatement() {
        Blackhole.consumeCPU(STATEMENT_TOKENS);
    }

    @Benchmark
    public void pipelineRecord() {
        Blackhole.consumeCPU(STATEMENT_TOKENS);
        dispatcher.record(event);
    }

    @Benchmark
    public void pipelineJournal() {
        Blackhole.consumeCPU(STATEMENT_TOKENS);
        journaled.record(event);
    }

    @Benchmark
    public AuditEvent pipelineNewEvent() {
        return AuditThroughput.event(n++);
    }
}
