package dev.governed.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints each one's cost as a ratio to its raw-driver baseline in the
 * same class, the figure that matters on any machine, with the spread JMH's error gives it and
 * the load average around the run: {@code java -jar benchmarks/target/benchmarks.jar [regex]
 * [JMH options]}. JMH's own options (e.g. {@code -f 3 -i 10 -prof gc}) override the defaults
 * below (1 fork, 3 × 2 s warm-up, 5 × 2 s measurement, -Xmx1g).
 */
public final class RunBenchmarks {
    private RunBenchmarks() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions given = new CommandLineOptions(args);
        ChainedOptionsBuilder options = new OptionsBuilder().parent(given);
        if (given.getIncludes().isEmpty()) {
            options.include("dev.governed.bench.*");
        }
        if (!given.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!given.getWarmupIterations().hasValue()) {
            options.warmupIterations(3);
        }
        if (!given.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(2));
        }
        if (!given.getMeasurementIterations().hasValue()) {
            options.measurementIterations(5);
        }
        if (!given.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(2));
        }
        if (!given.getJvmArgsAppend().hasValue()) {
            options.jvmArgsAppend("-Xmx1g");
        }
        String loadBefore = loadAverage();
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Result<?>> scores = new TreeMap<>();
        for (RunResult each : results) {
            String name = each.getParams().getBenchmark();
            String simpleClass = name.substring(0, name.lastIndexOf('.'));
            simpleClass = simpleClass.substring(simpleClass.lastIndexOf('.') + 1);
            scores.put(simpleClass + "." + name.substring(name.lastIndexOf('.') + 1), each.getPrimaryResult());
        }
        System.out.println();
        System.out.println("Load average (1, 5, 15 min) before: " + loadBefore + ", after: " + loadAverage());
        System.out.println("Ratios (lower is better), with the range JMH's 99.9% error bars allow:");
        scores.forEach((name, score) -> {
            String baseline = baselineOf(name);
            compare(name, score, baseline, scores.get(baseline));
            // masked, remote-policy and audit variants also against the governed statement without them
            String governed = baseline.replace("Raw", name.contains("Remote") ? "GovernedNoAudit" : "Governed");
            if (name.contains("Remote") || name.contains("Masked") || name.contains("Audit") || name.contains("Jsonl")) {
                compare(name, score, governed, scores.get(governed));
            }
            // audit on (or with the kill -9 journal) against the same governed statement with audit off
            if (name.endsWith("AuditOn") || name.endsWith("Journal")) {
                String auditOff = baseline.replace("Raw", "AuditOff");
                compare(name, score, auditOff, scores.get(auditOff));
            }
        });
    }

    private static void compare(String name, Result<?> score, String baselineName, Result<?> baseline) {
        if (baseline == null || name.equals(baselineName)) {
            return;
        }
        double ratio = score.getScore() / baseline.getScore();
        double low = Math.max(0, score.getScore() - error(score)) / (baseline.getScore() + error(baseline));
        double high = (score.getScore() + error(score)) / Math.max(1e-9, baseline.getScore() - error(baseline));
        System.out.printf("  %-42s %6.2fx %s  [%.2f – %.2f]  (%.1f vs %.1f %s)%n", name, ratio,
                baselineName.substring(baselineName.indexOf('.') + 1), low, high, score.getScore(),
                baseline.getScore(), score.getScoreUnit());
    }

    private static double error(Result<?> result) {
        double error = result.getScoreError();
        return Double.isNaN(error) ? 0 : error;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** {@code X.preparedGoverned} is compared with {@code X.preparedRaw}, {@code X.scanMasked} with {@code X.scanRaw}. */
    private static String baselineOf(String name) {
        int method = name.indexOf('.') + 1;
        for (int i = method + 1; i < name.length(); i++) {
            if (Character.isUpperCase(name.charAt(i))) {
                return name.substring(0, i) + "Raw";
            }
        }
        return name;
    }
}
