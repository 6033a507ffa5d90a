package dev.governed.bench;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditIds;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sustained audit throughput to {@code jsonl} with hash chaining and Ed25519-signed checkpoints
 * (every 1000 events and every second), fsync after every batch, and the default bounded queue
 * (8192 events; callers wait up to 30 s for room instead of the default 500 ms, because fsync on a
 * shared disk can stall for longer and the harness measures throughput, not the fail-closed path): producer threads record events shaped like the JDBC
 * driver's for a fixed time, then the dispatcher is closed (everything delivered) and the file
 * verified. Reports events/s from the first record to the end of close, and heap use.
 *
 * <pre>
 * mvn -B -o -pl benchmarks -am package -DskipTests
 * java -Xmx1g -cp benchmarks/target/benchmarks.jar dev.governed.bench.AuditThroughput [seconds] [threads] [fsync] [journal]
 * </pre>
 * {@code fsync} is the jsonl sink's option ({@code batch}, the default, or {@code none});
 * {@code journal} adds the kill -9 write-ahead journal ({@code governed.audit.journal}).
 */
public final class AuditThroughput {

    private AuditThroughput() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String fsync = args.length > 2 ? args[2] : "batch";
        boolean journal = args.length > 3 && args[3].equals("journal");
        Path work = Files.createTempDirectory("governed-audit-throughput");
        Path file = work.resolve("audit.jsonl");
        com.nimbusds.jose.jwk.OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID("bench").generate();
        AuditDispatcher.Builder builder = AuditDispatcher.builder()
                .sinks("jsonl:" + file + "?fsync=" + fsync)
                .signer(CheckpointSigner.fromJwk(key))
                .checkpointEvery(1000)
                .checkpointInterval(Duration.ofSeconds(1))
                // the queue stays bounded (8192); a long wait keeps a shared disk's fsync stalls from failing the run
                .backpressureWait(Duration.ofSeconds(30));
        if (Integer.getInteger("batch") != null) {
            builder.batchSize(Integer.getInteger("batch"));
        }
        if (journal) {
            builder.journal(work.resolve("journal"), 64L << 20);
        }
        AuditDispatcher dispatcher = builder.build();

        warmUp(dispatcher);
        HeapWatch heap = new HeapWatch();
        heap.start();
        LongAdder recorded = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> producers = new ArrayList<>();
        long writerCpuStart = writerCpuNanos();
        long writerUserStart = writerUserNanos();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread producer = new Thread(() -> {
                long n = 0;
                while (running.get()) {
                    dispatcher.record(event(n++));
                    recorded.increment();
                }
            }, "producer-" + t);
            producer.start();
            producers.add(producer);
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        for (Thread each : producers) {
            each.join();
        }
        long producersDone = System.nanoTime();
        dispatcher.flush();
        long writerCpu = writerCpuNanos() - writerCpuStart;
        long writerUser = writerUserNanos() - writerUserStart;
        System.gc();
        long live = heapUsed();
        dispatcher.close();
        long end = System.nanoTime();
        heap.stopWatching();

        long events = recorded.sum();
        System.out.printf("audit to jsonl, chained, signed checkpoints every 1000 events/1 s, fsync=%s%s%n",
                fsync, journal ? ", kill -9 journal" : "");
        System.out.printf("  producer threads     %d%n", threads);
        System.out.printf("  events               %,d in %.2f s (recording %.2f s + close %.3f s)%n", events,
                (end - start) / 1e9, (producersDone - start) / 1e9, (end - producersDone) / 1e9);
        System.out.printf("  sustained            %,.0f events/s%n", events / ((end - start) / 1e9));
        System.out.printf("  writer thread CPU    %.2f us/event (%,.0f events/s if it had a core to itself)%n",
                writerCpu / 1e3 / events, events / (writerCpu / 1e9));
        System.out.printf("    of which in Java   %.2f us/event (the rest is the kernel: write, fsync)%n", writerUser / 1e3 / events);
        System.out.printf("  file                 %,d bytes (%,.0f bytes/event)%n", Files.size(file),
                (double) Files.size(file) / Math.max(1, events));
        System.out.printf("  heap used            peak %,d MB (garbage included), %,d MB live after GC, max %,d MB (-Xmx)%n",
                heap.peak >> 20, live >> 20, Runtime.getRuntime().maxMemory() >> 20);
        // the verifier streams: constant memory whatever the file's size (-Xmx256m holds for a multi-GB trail)
        HeapWatch verifyHeap = new HeapWatch();
        verifyHeap.start();
        long verifyStart = System.nanoTime();
        long verifyCpuStart = processCpuNanos();
        VerificationResult result = AuditVerifier.trusting(new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK())).verify(file);
        double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
        double verifyCpuSeconds = (processCpuNanos() - verifyCpuStart) / 1e9;
        verifyHeap.stopWatching();
        System.out.printf("  verified             %,d MB in %.2f s: %,.0f MB/s, heap peak %,d MB (garbage included)%n",
                Files.size(file) >> 20, verifySeconds, Files.size(file) / 1e6 / verifySeconds, verifyHeap.peak >> 20);
        System.out.printf("                       %.2f s of CPU (all threads): %,.0f MB/s per core%n", verifyCpuSeconds,
                Files.size(file) / 1e6 / verifyCpuSeconds);
        System.out.printf("                       %s%n", result.summary().lines().findFirst().orElse(""));
        deleteQuietly(work);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    /** CPU time of the dispatcher's writer thread: the per-event cost that noisy neighbours do not inflate. */
    private static long writerCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (Thread each : Thread.getAllStackTraces().keySet()) {
            if (each.getName().startsWith("governed-audit-writer")) {
                return threads.getThreadCpuTime(each.getId());
            }
        }
        return 0;
    }

    private static long writerUserNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (Thread each : Thread.getAllStackTraces().keySet()) {
            if (each.getName().startsWith("governed-audit-writer")) {
                return threads.getThreadUserTime(each.getId());
            }
        }
        return 0;
    }

    private static void warmUp(AuditDispatcher dispatcher) {
        for (int i = 0; i < 200_000; i++) {
            dispatcher.record(event(i));
        }
        dispatcher.flush();
    }

    /** Shaped like the JDBC driver's event for a governed point select. */
    public static AuditEvent event(long n) {
        return new AuditEvent(AuditIds.newId(), Instant.now(), null,
                new AuditEvent.Actor("agent:bench", List.of("bench"), "https://idp.example", "jti-4711", null),
                new AuditEvent.Session("0b6f0c39-1d4e-4f0a-9d57-7a3c8c2b9e11", "5f1e2d3c-4b5a-4968-8776-655443322110"),
                new AuditEvent.Resource("orders-db", "jdbc", "h2:mem:point_select", "bench"),
                new AuditEvent.Action("sql", "select", "SELECT name FROM customers WHERE id = ?",
                        "9c1185a5c5e9fc54612808977ee8f548b2258d31f7c1f8a4d6e1b2c3d4e5f6a7", List.of("public.customers")),
                new AuditEvent.DecisionInfo("allow", "bench-read", "matched rule bench-read", 1L, null),
                List.of(),
                new AuditEvent.Outcome("ok", 1L, n % 1000, null));
    }

    /** Samples used heap (all heap pools) every 50 ms. */
    private static final class HeapWatch extends Thread {
        volatile long peak;
        private volatile boolean done;

        HeapWatch() {
            super("heap-watch");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!done) {
                peak = Math.max(peak, heapUsed());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopWatching() {
            done = true;
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp directory
        }
    }
}
