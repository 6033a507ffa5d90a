package dev.governed.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time per statement rather than wall time, for a machine shared with other busy processes:
 * there wall time swings by several times between runs, while the CPU a statement costs stays
 * put. Runs the point-select and masked-scan benchmarks' methods in interleaved rounds and prints
 * the medians of the calling thread's CPU and of the whole process's (the audit writer, GC and JIT
 * included), each with its ratio.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.governed.bench.CpuPerStatement [rounds]}
 */
public final class CpuPerStatement {

    private interface Call {
        Object run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        PointSelectBenchmark point = new PointSelectBenchmark();
        MaskedScanBenchmark scan = new MaskedScanBenchmark();
        point.setUp();
        scan.setUp();
        try {
            Map<String, Call> calls = new LinkedHashMap<>();
            calls.put("preparedRaw", point::preparedRaw);
            calls.put("preparedGovernedNoAudit", point::preparedGovernedNoAudit);
            calls.put("literalRaw", point::literalRaw);
            calls.put("literalGoverned", point::literalGoverned);
            calls.put("literalGovernedNoAudit", point::literalGovernedNoAudit);
            calls.put("scanRaw", scan::scanRaw);
            calls.put("scanGoverned", scan::scanGoverned);
            calls.put("scanMasked", scan::scanMasked);
            Map<String, List<double[]>> samples = new LinkedHashMap<>();
            calls.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
            for (int round = -3; round < rounds; round++) {
                for (Map.Entry<String, Call> each : calls.entrySet()) {
                    double[] sample = measure(each.getValue(), each.getKey().startsWith("scan") ? 40 : 20_000);
                    if (round >= 0) {
                        samples.get(each.getKey()).add(sample);
                    }
                }
            }
            System.out.printf("%-26s %14s %14s%n", "median of " + rounds, "caller ns/op", "process ns/op");
            Map<String, double[]> medians = new LinkedHashMap<>();
            samples.forEach((name, list) -> {
                double[] median = {median(list, 0), median(list, 1)};
                medians.put(name, median);
                System.out.printf("%-26s %14.0f %14.0f%n", name, median[0], median[1]);
            });
            ratio(medians, "preparedGovernedNoAudit", "preparedRaw");
            ratio(medians, "literalGoverned", "literalRaw");
            ratio(medians, "literalGovernedNoAudit", "literalRaw");
            ratio(medians, "scanGoverned", "scanRaw");
            ratio(medians, "scanMasked", "scanGoverned");
            System.out.printf("load average %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            point.tearDown();
            scan.tearDown();
        }
    }

    private static double[] measure(Call call, int operations) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long thread = threads.getCurrentThreadCpuTime();
        long process = os.getProcessCpuTime();
        for (int i = 0; i < operations; i++) {
            call.run();
        }
        return new double[] {
            (threads.getCurrentThreadCpuTime() - thread) / (double) operations,
            (os.getProcessCpuTime() - process) / (double) operations};
    }

    private static double median(List<double[]> samples, int index) {
        double[] values = samples.stream().mapToDouble(each -> each[index]).toArray();
        Arrays.sort(values);
        return values[values.length / 2];
    }

    private static void ratio(Map<String, double[]> medians, String name, String base) {
        System.out.printf("%-26s %.2fx %s (caller), %.2fx (process)%n", name, medians.get(name)[0] / medians.get(base)[0],
                base, medians.get(name)[1] / medians.get(base)[1]);
    }
}
