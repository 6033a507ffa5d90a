package dev.governed.bench;

import dev.governed.testsupport.TestIdentityProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Cold start: the wall time from launching a JVM to the first query's result, and the classes loaded
 * by then, for plain H2 against governed H2 (policy from a file, {@code discard} audit sink). Each run
 * is a fresh JVM on this JVM's class path; both kinds create their table through the raw driver, then
 * run one prepared point select, the governed kind through {@code jdbc:governed:}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.governed.bench.ColdStart [runs] [extra JVM options…]
 * </pre>
 *
 * Prints each run, the medians of {@code runs} (default 5) and, from one more run of each kind with
 * {@code -Xlog:class+load}, the packages governed loads classes from beyond plain H2. The time is taken
 * by this parent from {@code ProcessBuilder.start()} to the child's result line (the child halts right
 * after it, so shutdown does not count), which includes JVM boot; class counts are the
 * {@code class+load} log lines before that line, so logging never slows the timed runs.
 */
public final class ColdStart {

    private static final String RESULT = "RESULT ";
    private static final String QUERY = "SELECT name FROM customers WHERE id = ?";

    private ColdStart() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], args.length > 2 ? args[2] : null);
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> jvmOptions = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        Path work = Files.createTempDirectory("governed-coldstart");
        try (TestIdentityProvider idp = new TestIdentityProvider()) {
            Path settings = governedSettings(work, idp);
            measure(runs, jvmOptions, settings);
        } finally {
            BenchDatabase.deleteRecursively(work);
        }
    }

    private static void measure(int runs, List<String> jvmOptions, Path settings) throws Exception {
        System.out.printf("java %s, %d runs each, JVM options %s, load average %.2f%n", System.getProperty("java.version"),
                runs, jvmOptions, loadAverage());
        List<Double> plainMillis = new ArrayList<>();
        List<Double> governedMillis = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            // alternate the kinds, so a slow moment of the machine hits both alike
            Run plain = launch("plain", null, jvmOptions, false);
            Run governed = launch("governed", settings, jvmOptions, false);
            plainMillis.add(plain.millis());
            governedMillis.add(governed.millis());
            System.out.printf("run %d: plain %.0f ms, governed %.0f ms%n", i, plain.millis(), governed.millis());
        }
        Run plainClasses = launch("plain", null, jvmOptions, true);
        Run governedClasses = launch("governed", settings, jvmOptions, true);
        double plainMedian = median(plainMillis);
        double governedMedian = median(governedMillis);
        System.out.printf("%nmedian wall time to the first result: plain %.0f ms, governed %.0f ms (+%.0f ms, %.2fx)%n",
                plainMedian, governedMedian, governedMedian - plainMedian, governedMedian / plainMedian);
        System.out.printf("load average after: %.2f%n", loadAverage());
        System.out.printf("classes loaded by then: plain %d, governed %d (+%d)%n", plainClasses.classes().size(),
                governedClasses.classes().size(), governedClasses.classes().size() - plainClasses.classes().size());
        System.out.println("governed's extra classes by package (top 15):");
        Map<String, Integer> extra = extraByPackage(plainClasses.classes(), governedClasses.classes());
        extra.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(each -> System.out.printf("  %5d  %s%n", each.getValue(), each.getKey()));
    }

    private record Run(double millis, List<String> classes) {}

    private static Run launch(String kind, Path settings, List<String> jvmOptions, boolean logClasses)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (logClasses) {
            command.add("-Xlog:class+load=info:stdout");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdStart.class.getName(), "--child", kind));
        if (settings != null) {
            command.add(settings.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        long start = System.nanoTime();
        Process process = builder.start();
        List<String> classes = new ArrayList<>();
        List<String> other = new ArrayList<>();
        double millis = -1;
        try (InputStream out = process.getInputStream();
                BufferedReader lines = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(RESULT)) {
                    millis = (System.nanoTime() - start) / 1e6;
                    break;
                }
                int at = line.indexOf("[class,load] ");
                if (at >= 0) {
                    String rest = line.substring(at + "[class,load] ".length());
                    classes.add(rest.substring(0, Math.max(0, rest.indexOf(' '))));
                } else {
                    other.add(line);
                }
            }
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (millis < 0) {
            throw new IllegalStateException(kind + " run printed no result; its output:\n" + String.join("\n", other));
        }
        return new Run(millis, classes);
    }

    private static Map<String, Integer> extraByPackage(List<String> plain, List<String> governed) {
        java.util.Set<String> base = new java.util.HashSet<>(plain);
        Map<String, Integer> result = new TreeMap<>();
        for (String each : governed) {
            if (!base.contains(each)) {
                result.merge(packageOf(each), 1, Integer::sum);
            }
        }
        return result;
    }

    // three levels name a library well (com.fasterxml.jackson, net.sf.jsqlparser, dev.governed.core)
    private static String packageOf(String className) {
        String[] parts = className.split("\\.");
        int depth = Math.min(parts.length - 1, 3);
        return depth <= 0 ? "(default)" : String.join(".", List.of(parts).subList(0, depth));
    }

    // other work on the machine moves wall times by hundreds of ms: print it beside the figures
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Writes the governed connection settings (policy file, JWKS file, token) for the children to read. */
    private static Path governedSettings(Path work, TestIdentityProvider idp) throws IOException {
        Path policy = work.resolve("policy.yaml");
        try (InputStream in = ColdStart.class.getResourceAsStream("/bench-policy.yaml")) {
            Files.write(policy, in.readAllBytes());
        }
        Properties properties = new Properties();
        properties.setProperty("user", "sa");
        properties.setProperty("password", "");
        properties.setProperty("governed.policy", policy.toString());
        properties.setProperty("governed.jwks", idp.writeJwks(work).toString());
        properties.setProperty("governed.issuer", idp.issuer());
        properties.setProperty("governed.audience", idp.audience());
        properties.setProperty("governed.audit", "discard");
        properties.setProperty("governed.token", idp.token().subject("agent:bench").groups("bench")
                .expiresIn(java.time.Duration.ofHours(2)).sign());
        Path file = work.resolve("governed.properties");
        try (var out = Files.newOutputStream(file)) {
            properties.store(out, "cold start");
        }
        return file;
    }

    /** One cold run: the table through the raw driver, then the first query, then halt (no shutdown work). */
    private static void child(String kind, String settingsFile) throws IOException, SQLException {
        String url = "jdbc:h2:mem:coldstart;DB_CLOSE_DELAY=-1";
        try (Connection setup = DriverManager.getConnection(url, "sa", "");
                Statement statement = setup.createStatement()) {
            statement.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50))");
            statement.execute("INSERT INTO customers VALUES (1, 'customer 1')");
            Connection connection;
            if (kind.equals("governed")) {
                Properties properties = new Properties();
                try (InputStream in = Files.newInputStream(Path.of(settingsFile))) {
                    properties.load(in);
                }
                connection = DriverManager.getConnection("jdbc:governed:" + url.substring("jdbc:".length()), properties);
            } else {
                connection = DriverManager.getConnection(url, "sa", "");
            }
            try (PreparedStatement select = connection.prepareStatement(QUERY)) {
                select.setInt(1, 1);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    System.out.println(RESULT + rows.getString(1));
                    System.out.flush();
                }
            }
        }
        Runtime.getRuntime().halt(0);
    }
}
