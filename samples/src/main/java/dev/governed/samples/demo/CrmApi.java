package dev.governed.samples.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The demo's stand-in for an HTTP API an agent calls: a CRM on loopback that answers with a customer's
 * record, and remembers every path it was sent and whether the request carried the API key, so the demo
 * can show what reached it and what Governed stopped first.
 */
final class CrmApi implements AutoCloseable {
    static final String API_KEY = "crm-key-the-agent-never-sees";

    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    CrmApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            boolean keyed = ("Bearer " + API_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            received.add(path + (keyed ? " (with the API key)" : " (without the API key)"));
            byte[] body = ("{\"id\": 1, \"name\": \"Ada Lovelace\", \"ssn\": \"123-45-6789\", \"email\": \"ada@example.com\","
                    + " \"contacts\": [{\"role\": \"assistant\", \"email\": \"charles@example.com\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(keyed ? 200 : 401, keyed ? body.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                if (keyed) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:41234/v1}. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Every request path the API received, in order. */
    List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
