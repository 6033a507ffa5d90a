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

/**
 * The two halves of the audit cost per event: {@code pipelineChain} is the writer thread's work
 * (canonical JSON, SHA-256, contract line), {@code pipelineRecord} the caller's ({@code record}
 * into the bounded queue, the writer draining to the {@code discard} sink meanwhile).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AuditPipelineBenchmark {

    private HashChain chain;
    private AuditDispatcher dispatcher;
    private AuditEvent event;
    private long n;

    @Setup(Level.Trial)
    public void setUp() {
        chain = new HashChain("01a2013d-d42f-7fb3-b01a-a0ad0cb58555", null);
        dispatcher = AuditDispatcher.builder().sinks("discard").build();
        event = AuditThroughput.event(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dispatcher.close();
    }

    @Benchmark
    public HashChain.Linked pipelineChain() {
        return chain.append(event);
    }

    @Benchmark
    public void pipelineRecord() {
        dispatcher.record(event);
    }

    @Benchmark
    public AuditEvent pipelineNewEvent() {
        return AuditThroughput.event(n++);
    }
}
