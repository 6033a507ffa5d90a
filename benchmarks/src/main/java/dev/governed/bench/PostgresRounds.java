package dev.governed.bench;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL benchmark's methods in interleaved rounds inside one JVM and against one server,
 * wall time per operation. JMH runs each method in its own fork, and on this VM the raw point
 * select alone moves between 31 and 52 µs from fork to fork (where the server's and the JVM's
 * threads land, CPU idle states), which buries a 5% difference. Here every round times each
 * method in turn over the same server and JIT state, so what drifts drifts for all of them; the
 * ratio is taken per round and its median reported with the quartiles. The JVM's own CPU time per
 * operation (the caller and the audit writer: every Java thread; GC and JIT are not counted, and the
 * server is another process, whose CPU is summed over all rounds from its processes' 10 ms ticks) is reported beside
 * it: Governed's extra CPU over raw, divided by raw's wall time, is the overhead with the
 * scheduling noise taken out, on one CPU where every cycle of the writer is a cycle the caller waits.
 *
 * <p>{@code taskset -c 0 java -cp benchmarks/target/benchmarks.jar dev.governed.bench.PostgresRounds [rounds]}
 */
public final class PostgresRounds {

    private interface Call {
        Object run() throws Exception;
    }

    private static final int POINT_OPERATIONS = 5_000;
    private static final int SCAN_OPERATIONS = 200;
    private static final int WARM_UP_ROUNDS = 4;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        PostgresBenchmark benchmark = new PostgresBenchmark();
        benchmark.setUp();
        try {
            Map<String, Call> calls = new LinkedHashMap<>();
            calls.put("pointRaw", benchmark::pointRaw);
            calls.put("pointGoverned", benchmark::pointGoverned);
            calls.put("pointGovernedJsonl", benchmark::pointGovernedJsonl);
            calls.put("pointGovernedJsonlGroupCommit", benchmark::pointGovernedJsonlGroupCommit);
            calls.put("pointGovernedJsonlUnforced", benchmark::pointGovernedJsonlUnforced);
            calls.put("scanRaw", benchmark::scanRaw);
            calls.put("scanGoverned", benchmark::scanGoverned);
            calls.put("scanMasked", benchmark::scanMasked);
            Map<String, double[]> micros = new LinkedHashMap<>();
            Map<String, double[]> cpuMicros = new LinkedHashMap<>();
            Map<String, double[]> serverMicros = new LinkedHashMap<>();
            calls.keySet().forEach(name -> serverMicros.put(name, new double[2]));
            calls.keySet().forEach(name -> micros.put(name, new double[rounds]));
            calls.keySet().forEach(name -> cpuMicros.put(name, new double[rounds]));
            List<String> names = new ArrayList<>(calls.keySet());
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                // a different method goes first each round, so none always follows the same neighbour
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get(Math.floorMod(i + round, names.size()));
                    int operations = name.startsWith("scan") ? SCAN_OPERATIONS : POINT_OPERATIONS;
                    long serverBefore = serverCpuNanos();
                    double[] sample = microsPerOperation(calls.get(name), operations);
                    if (round >= 0) {
                        serverMicros.get(name)[0] += (serverCpuNanos() - serverBefore) / 1000.0;
                        serverMicros.get(name)[1] += operations;
                        micros.get(name)[round] = sample[0];
                        cpuMicros.get(name)[round] = sample[1];
                    }
                }
            }
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf("%d rounds, load average %.2f at the end%n", rounds, load);
            System.out.printf("%-32s %8s %8s %8s %11s %11s%n", "wall µs/op", "p25", "median", "p75", "thread CPU",
                    "server CPU");
            micros.forEach((name, values) -> {
                double[] sorted = values.clone();
                Arrays.sort(sorted);
                double[] server = serverMicros.get(name);
                System.out.printf("%-32s %8.1f %8.1f %8.1f %11.2f %11.2f%n", name, quantile(sorted, 0.25),
                        quantile(sorted, 0.5), quantile(sorted, 0.75), median(cpuMicros.get(name)), server[0] / server[1]);
            });
            System.out.printf("%-52s %8s %8s %8s%n", "ratio per round", "p25", "median", "p75");
            ratio(micros, "pointGoverned", "pointRaw");
            ratio(micros, "pointGovernedJsonl", "pointRaw");
            ratio(micros, "pointGovernedJsonlGroupCommit", "pointRaw");
            ratio(micros, "pointGovernedJsonlUnforced", "pointRaw");
            ratio(micros, "scanGoverned", "scanRaw");
            ratio(micros, "scanMasked", "scanGoverned");
            System.out.println("extra CPU of Java threads over the base, as a share of the base's wall time (median CPU, median wall)");
            cpuShare(micros, cpuMicros, "pointGoverned", "pointRaw");
            cpuShare(micros, cpuMicros, "pointGovernedJsonl", "pointRaw");
            cpuShare(micros, cpuMicros, "pointGovernedJsonlGroupCommit", "pointRaw");
            cpuShare(micros, cpuMicros, "pointGovernedJsonlUnforced", "pointRaw");
            cpuShare(micros, cpuMicros, "scanGoverned", "scanRaw");
            cpuShare(micros, cpuMicros, "scanMasked", "scanGoverned");
        } finally {
            benchmark.tearDown();
        }
    }

    /** Wall and JVM CPU time per operation, in µs. */
    private static double[] microsPerOperation(Call call, int operations) throws Exception {
        long[] threads = THREADS.getAllThreadIds();
        long[] cpuBefore = THREADS.getThreadCpuTime(threads);
        long start = System.nanoTime();
        for (int i = 0; i < operations; i++) {
            call.run();
        }
        long wall = System.nanoTime() - start;
        long[] cpuAfter = THREADS.getThreadCpuTime(threads);
        long cpu = 0;
        for (int i = 0; i < threads.length; i++) {
            if (cpuBefore[i] >= 0 && cpuAfter[i] >= 0) {
                cpu += cpuAfter[i] - cpuBefore[i];
            }
        }
        return new double[] {wall / 1000.0 / operations, cpu / 1000.0 / operations};
    }

    /**
     * CPU time of every {@code postgres} process on the machine (pg_ctl detaches the server, and it runs as
     * another user, so it is found by name in /proc), in 10 ms ticks: summed over all rounds.
     */
    private static long serverCpuNanos() {
        return ProcessHandle.allProcesses().filter(PostgresRounds::postgres).mapToLong(PostgresRounds::cpuNanos).sum();
    }

    private static boolean postgres(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "comm")).strip().equals("postgres");
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static long cpuNanos(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // fields after the parenthesised command name: state is field 3, utime 14, stime 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    // the process's own CPU clock ticks in 10 ms steps here; threads' clocks are exact
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static void cpuShare(Map<String, double[]> micros, Map<String, double[]> cpuMicros, String name, String base) {
        double extra = median(cpuMicros.get(name)) - median(cpuMicros.get(base));
        System.out.printf("%-52s %+6.2f µs = %5.1f%% of %.1f µs%n", name + " over " + base, extra,
                100 * extra / median(micros.get(base)), median(micros.get(base)));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return quantile(sorted, 0.5);
    }

    private static void ratio(Map<String, double[]> micros, String name, String base) {
        double[] of = micros.get(name);
        double[] to = micros.get(base);
        double[] ratios = new double[of.length];
        for (int i = 0; i < of.length; i++) {
            ratios[i] = of[i] / to[i];
        }
        Arrays.sort(ratios);
        System.out.printf("%-52s %7.3fx %7.3fx %7.3fx%n", name + " / " + base, quantile(ratios, 0.25),
                quantile(ratios, 0.5), quantile(ratios, 0.75));
    }

    private static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
