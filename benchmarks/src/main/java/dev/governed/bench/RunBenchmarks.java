package dev.governed.bench;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints each one's cost as a ratio to its raw-driver
 * baseline, the figure that matters on any machine:
 * {@code java -jar benchmarks/target/benchmarks.jar [regex]}.
 */
public final class RunBenchmarks {
    private RunBenchmarks() {}

    public static void main(String[] args) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(args.length > 0 ? args[0] : "dev.governed.bench.*")
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgsAppend("-Xmx1g");
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> scores = new TreeMap<>();
        for (RunResult each : results) {
            String name = each.getParams().getBenchmark();
            scores.put(name.substring(name.lastIndexOf('.') + 1), each.getPrimaryResult().getScore());
        }
        System.out.println();
        System.out.println("Ratios to the raw driver (lower is better):");
        scores.forEach((name, score) -> {
            String baseline = baselineOf(name);
            Double base = scores.get(baseline);
            if (base != null && !name.equals(baseline)) {
                System.out.printf("  %-28s %6.2fx %s%n", name, score / base, baseline);
            }
            // the remote policy runs without audit, like preparedGovernedNoAudit, so only the policy's origin differs
            String governed = baseline.replace("Raw", name.contains("Remote") ? "GovernedNoAudit" : "Governed");
            Double governedScore = scores.get(governed);
            if (governedScore != null && !name.equals(governed) && !name.equals(baseline)
                    && (name.contains("Remote") || name.contains("Masked") || name.contains("Audit"))) {
                System.out.printf("  %-28s %6.2fx %s (throughput ratio %.2f)%n", name, score / governedScore,
                        governed, governedScore / score);
            }
            // audit on (or with the kill -9 journal) against the same governed statement with audit off
            String auditOff = baseline.replace("Raw", "AuditOff");
            Double auditOffScore = scores.get(auditOff);
            if (auditOffScore != null && (name.endsWith("AuditOn") || name.endsWith("Journal"))) {
                System.out.printf("  %-28s %6.2fx %s (+%.0f ns)%n", name, score / auditOffScore, auditOff,
                        score - auditOffScore);
            }
        });
    }

    /** {@code preparedGoverned} is compared with {@code preparedRaw}, {@code scanMasked} with {@code scanRaw}. */
    private static String baselineOf(String name) {
        for (int i = 1; i < name.length(); i++) {
            if (Character.isUpperCase(name.charAt(i))) {
                return name.substring(0, i) + "Raw";
            }
        }
        return name;
    }
}
