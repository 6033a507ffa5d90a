package dev.governed.audit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real loopback HTTP collector. */
class HttpSinkTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void startCollector() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/audit", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            int status = failuresLeft.getAndDecrement() > 0 ? 503 : 204;
            if (status == 204) {
                new String(body, StandardCharsets.UTF_8).lines().forEach(lines::add);
                exchange.sendResponseHeaders(204, -1);
            } else {
                byte[] answer = "collector busy".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(503, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopCollector() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/audit";
    }

    @Test
    void batchesArePostedAsNdjsonWithTheBearerToken() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "secret-token\n");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("http:" + url() + "?tokenFile=" + token)
                .closeOnShutdown(false).build()) {
            for (int i = 0; i < 10; i++) {
                dispatcher.record(AuditFixtures.event("a"));
            }
        }

        assertThat(lines).hasSize(11);
        assertThat(lines.stream().map(AuditJson::readTree).filter(n -> !n.has("type"))).hasSize(10);
        assertThat(authorizations).allMatch("Bearer secret-token"::equals);
    }

    @Test
    void collectorErrorsAreRetriedThroughTheSpoolUntilDelivered() {
        failuresLeft.set(3);
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("http:" + url())
                .spool(dir.resolve("spool"), 1 << 20).closeOnShutdown(false).build()) {
            for (int i = 0; i < 5; i++) {
                dispatcher.record(AuditFixtures.event("a"));
            }
        }

        assertThat(lines.stream().map(AuditJson::readTree).filter(n -> !n.has("type"))
                .map(n -> n.get("id").asText()).distinct()).hasSize(5);
    }

    @Test
    void errorStatusIsReportedWithTheCollectorsAnswer() throws IOException {
        failuresLeft.set(1);
        HttpSink sink = new HttpSink(java.net.URI.create(url()), Duration.ofSeconds(5), null);

        assertThatThrownBy(() -> sink.write(List.of(new AuditEntry.Event(AuditFixtures.event("a"), "{}"))))
                .isInstanceOf(IOException.class).hasMessageContaining("answered HTTP 503: collector busy");
    }

    @Test
    void unreachableCollectorAndBadUrlsAreClearErrors() {
        server.stop(0);
        HttpSink sink = new HttpSink(java.net.URI.create(url()), Duration.ofSeconds(2), null);

        assertThatThrownBy(() -> sink.write(List.of(new AuditEntry.Event(AuditFixtures.event("a"), "{}"))))
                .isInstanceOf(IOException.class).hasMessageContaining("unreachable");
        assertThatThrownBy(() -> AuditSinks.open("http:ftp://collector/audit"))
                .isInstanceOf(AuditException.class).hasMessageContaining("must start with http:// or https://");
        assertThatThrownBy(() -> AuditSinks.open("http:" + url() + "?timeout=soon"))
                .hasMessageContaining("write whole seconds like 5s");
    }
}
