package dev.governed.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * A loopback stand-in for the enforcement service's effective-policy endpoint, for
 * measuring the statement path with a remote policy: after the first fetch that path
 * never touches the network, so the document's origin is all that differs.
 */
final class PolicyService implements AutoCloseable {

    private final HttpServer server;

    private PolicyService(HttpServer server) {
        this.server = server;
    }

    static PolicyService serving(String resource) {
        try (InputStream in = PolicyService.class.getClassLoader().getResourceAsStream(resource)) {
            byte[] document = in.readAllBytes();
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/policies/effective", exchange -> {
                if ("\"bench\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                    exchange.sendResponseHeaders(304, -1);
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().add("ETag", "\"bench\"");
                exchange.sendResponseHeaders(200, document.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(document);
                }
            });
            server.start();
            return new PolicyService(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
