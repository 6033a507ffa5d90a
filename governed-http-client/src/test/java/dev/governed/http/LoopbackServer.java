package dev.governed.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP/1.1 server on loopback that remembers every request it saw, path as sent. */
final class LoopbackServer implements AutoCloseable {

    /** What the server received. */
    static {
        // the JDK server writes headers and body apart: without it delayed ACKs add 40 ms per request
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    record Seen(String method, String rawPath, Map<String, List<String>> headers) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    LoopbackServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    LoopbackServer route(String path, HttpHandler handler) {
        routes.put(path, handler);
        return this;
    }

    LoopbackServer json(String path, String body) {
        return route(path, exchange -> respond(exchange, 200, "application/json", body));
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int port() {
        return server.getAddress().getPort();
    }

    boolean sawPathContaining(String fragment) {
        return seen.stream().anyMatch(each -> each.rawPath().contains(fragment));
    }

    static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        seen.add(new Seen(exchange.getRequestMethod(), uri.getRawPath(), Map.copyOf(exchange.getRequestHeaders())));
        HttpHandler handler = routes.get(uri.getRawPath());
        if (handler == null) {
            respond(exchange, 404, "application/json", "{\"error\":\"not found\"}");
            return;
        }
        try {
            handler.handle(exchange);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
