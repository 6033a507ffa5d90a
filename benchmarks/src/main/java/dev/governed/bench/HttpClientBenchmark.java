package dev.governed.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.governed.http.GovernedHttpClient;
import dev.governed.testsupport.TestIdentityProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Executors;
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
 * The HTTP decorator against the raw {@link HttpClient} on loopback (the JDK's HTTP/1.1 server):
 * {@code smallGoverned} is a small JSON GET decided, credentialed and audited (to the
 * {@code discard} sink) with no mask on its resource; {@code bigMasked} a 1 MB JSON body whose
 * {@code ssn} and {@code email} fields are masked as it streams. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main HttpClient -f 1 -wi 8 -w 2 -i 5 -r 2}
 * (the masked body needs a longer warm-up than {@code RunBenchmarks} gives before C2 settles).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class HttpClientBenchmark {

    static final int BIG_BYTES = 1024 * 1024;
    private static final String POLICY = """
            version: 1
            defaults: { effect: deny }
            http:
              - id: read
                request: { methods: [GET], paths: ["/**"] }
                effect: allow
            httpMasks:
              - resources: [crm]
                fields: ["$.items[*].ssn"]
                strategy: keep-last
                keep: 4
              - resources: [crm]
                fields: ["$..email"]
                strategy: email
            """;

    private HttpServer server;
    private Path work;
    private HttpClient raw;
    private GovernedHttpClient governed;
    private HttpRequest small;
    private HttpRequest smallOpen;
    private HttpRequest big;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] smallBody = "{\"id\":42,\"name\":\"Jane\",\"status\":\"active\",\"orders\":[1,2,3]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] bigBody = bigBody();
        // without it the JDK server's two writes per small answer meet delayed ACKs: 40 ms per request
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> respond(exchange,
                exchange.getRequestURI().getPath().endsWith("/big") ? bigBody : smallBody));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        work = Files.createTempDirectory("governed-http-bench");
        TestIdentityProvider idp = TestIdentityProvider.shared();
        Files.writeString(work.resolve("secret"), "bench-secret");
        Properties settings = new Properties();
        settings.setProperty("governed.policy", Files.writeString(work.resolve("policy.yaml"), POLICY).toString());
        settings.setProperty("governed.jwks", idp.writeJwks(work).toString());
        settings.setProperty("governed.issuer", idp.issuer());
        settings.setProperty("governed.audience", idp.audience());
        settings.setProperty("governed.token", idp.token().subject("agent:bench").groups("agents").sign());
        settings.setProperty("governed.audit", "discard");
        settings.setProperty("governed.http.resources", "crm=" + base + "/crm,open=" + base + "/open");
        settings.setProperty("governed.http.credentials.crm", "bearer:file:" + work.resolve("secret"));
        settings.setProperty("governed.http.credentials.open", "bearer:file:" + work.resolve("secret"));
        raw = HttpClient.newHttpClient();
        governed = (GovernedHttpClient) GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings);
        small = HttpRequest.newBuilder(URI.create(base + "/crm/v1/customers/42")).build();
        smallOpen = HttpRequest.newBuilder(URI.create(base + "/open/v1/customers/42")).build();
        big = HttpRequest.newBuilder(URI.create(base + "/crm/v1/customers/big")).build();
    }

    private static byte[] bigBody() {
        StringBuilder result = new StringBuilder(BIG_BYTES + 256).append("{\"items\":[");
        for (int i = 0; result.length() < BIG_BYTES; i++) {
            if (i > 0) {
                result.append(',');
            }
            result.append("{\"id\":").append(i).append(",\"ssn\":\"123-45-").append(String.format("%04d", i % 10_000))
                    .append("\",\"email\":\"customer").append(i).append("@example.com\",\"name\":\"Customer ")
                    .append(i).append("\",\"balance\":").append(i * 3.25).append(",\"tags\":[\"a\",\"b\"]}");
        }
        return result.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        governed.close();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(each -> each.toFile().delete());
        }
    }

    @Benchmark
    public byte[] smallRaw() throws Exception {
        return raw.send(smallOpen, BodyHandlers.ofByteArray()).body();
    }

    @Benchmark
    public byte[] smallGoverned() throws Exception {
        return governed.send(smallOpen, BodyHandlers.ofByteArray()).body();
    }

    /** The same small GET on a resource with masks: the body goes through the streaming masker. */
    @Benchmark
    public byte[] smallMasked() throws Exception {
        return governed.send(small, BodyHandlers.ofByteArray()).body();
    }

    @Benchmark
    public byte[] bigRaw() throws Exception {
        return raw.send(big, BodyHandlers.ofByteArray()).body();
    }

    @Benchmark
    public byte[] bigMasked() throws Exception {
        return governed.send(big, BodyHandlers.ofByteArray()).body();
    }
}
