package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open-loop load on {@code GET /v1/policies/effective}: requests are started on a fixed schedule (not when the
 * previous one returns), and latency is measured from the scheduled start, so a stall shows in the percentiles.
 * Run with {@code -Dgoverned.load=true [-Dgoverned.load.rps=2000 -Dgoverned.load.seconds=20]}; not part of the
 * normal build.
 */
@EnabledIfSystemProperty(named = "governed.load", matches = "true")
class EffectivePolicyLoadTest {

    @Test
    void effectivePolicyUnderLoad(@TempDir Path dir) throws Exception {
        int rps = Integer.getInteger("governed.load.rps", 2000);
        int seconds = Integer.getInteger("governed.load.seconds", 20);
        int agents = 50;
        try (ServiceFixture fixture = ServiceFixture.onH2(dir)) {
            fixture.post("/v1/policies?activate=true", fixture.admin(), "application/yaml", Policies.text("orders-v7.yaml"));
            String[] tokens = new String[agents];
            for (int i = 0; i < agents; i++) {
                tokens[i] = fixture.agent("agent:load-" + i, i % 2 == 0 ? "support-agents" : "billing-agents");
            }
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest[] requests = new HttpRequest[agents];
            for (int i = 0; i < agents; i++) {
                requests[i] = HttpRequest.newBuilder(fixture.uri("/v1/policies/effective?resource=orders-db&environment=prod"))
                        .header("Authorization", "Bearer " + tokens[i]).timeout(Duration.ofSeconds(10)).GET().build();
            }
            // warm-up: JIT, token cache, rendered-document cache
            for (int i = 0; i < 2000; i++) {
                client.send(requests[i % agents], HttpResponse.BodyHandlers.discarding());
            }
            int total = rps * seconds;
            int workers = Integer.getInteger("governed.load.connections", 64);
            long[] latencies = new long[total];
            long[] serviceTimes = new long[total];
            AtomicInteger errors = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            AtomicLong lateStarts = new AtomicLong();
            java.util.Map<String, AtomicInteger> failures = new java.util.concurrent.ConcurrentHashMap<>();
            // Each worker owns every workers-th slot of the schedule and at most one connection.
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpuBefore = os.getProcessCpuTime();
            long start = System.nanoTime();
            long interval = 1_000_000_000L / rps;
            for (int w = 0; w < workers; w++) {
                int worker = w;
                pool.submit(() -> {
                    for (int i = worker; i < total; i += workers) {
                        long scheduled = start + i * interval;
                        long wait = scheduled - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        } else if (wait < -5_000_000L) {
                            lateStarts.incrementAndGet();
                        }
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<byte[]> response = client.send(requests[i % agents], HttpResponse.BodyHandlers.ofByteArray());
                            if (response.statusCode() != 200) {
                                errors.incrementAndGet();
                                failures.computeIfAbsent("HTTP " + response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
                        }
                        long now = System.nanoTime();
                        latencies[i] = now - scheduled;
                        serviceTimes[i] = now - sent;
                        done.incrementAndGet();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(seconds + 60, TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - start;
            long cpu = os.getProcessCpuTime() - cpuBefore;
            long[] sorted = Arrays.copyOf(latencies, done.get());
            Arrays.sort(sorted);
            List<String> report = new ArrayList<>();
            report.add(String.format("target %d req/s for %d s: completed %d of %d in %.1f s (%.0f req/s), errors %d %s, late starts %d (%d load threads)",
                    rps, seconds, done.get(), total, elapsed / 1e9, done.get() / (elapsed / 1e9), errors.get(), failures, lateStarts.get(), workers));
            report.add(String.format("from schedule (open loop) ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f", pct(sorted, 50), pct(sorted, 90),
                    pct(sorted, 99), pct(sorted, 99.9), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6));
            long[] service = Arrays.copyOf(serviceTimes, done.get());
            Arrays.sort(service);
            report.add(String.format("from send (no queueing behind late starts) ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f",
                    pct(service, 50), pct(service, 90), pct(service, 99), service.length == 0 ? 0 : service[service.length - 1] / 1e6));
            report.add(String.format("CPU of this JVM (service and load generator together): %.0f µs per request, %.2f cores busy",
                    cpu / 1e3 / Math.max(1, done.get()), cpu / (double) elapsed));
            report.add("machine: " + Runtime.getRuntime().availableProcessors() + " processors, load average "
                    + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            report.forEach(System.out::println);
            java.nio.file.Files.write(Path.of("target", "effective-policy-load.txt"), report);
            assertThat(errors.get()).isZero();
        }
    }

    private static double pct(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
