package dev.governed.audit.witness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports each checkpoint to a witness ({@code POST <service>/v1/audit/witness}), which keeps the latest head per
 * stream, so a trail cut or rewritten after that checkpoint is caught by {@code audit verify --witness}. Events stay
 * where the other sinks put them. Never slows or blocks the audit writer: {@link #write} only notes the newest
 * checkpoint, a daemon thread sends it (a newer one replaces one not yet sent), and {@link #close} sends the last.
 */
public final class WitnessSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(WitnessSink.class);

    private final URI endpoint;
    private final Duration timeout;
    private final Path tokenFile;
    private final HttpClient client;
    private final Thread sender;
    private final Object lock = new Object();
    private ObjectNode pending;
    private final java.util.Map<String, String> origins = new java.util.HashMap<>();
    private volatile boolean closed;
    private volatile String lastFailure;

    public WitnessSink(URI service, Duration timeout, Path tokenFile) {
        String base = service.toString().endsWith("/") ? service.toString().substring(0, service.toString().length() - 1)
                : service.toString();
        this.endpoint = URI.create(base + "/v1/audit/witness");
        this.timeout = timeout;
        this.tokenFile = tokenFile;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.sender = new Thread(this::sendLoop, "governed-audit-witness");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    @Override
    public void write(List<AuditEntry> batch) {
        for (AuditEntry each : batch) {
            if (each instanceof AuditEntry.Event event && event.event().chain() != null && event.event().chain().seq() == 1) {
                origins.put(event.event().chain().stream(), event.event().chain().prev());
            } else if (each instanceof AuditEntry.CheckpointEntry checkpoint) {
                note(checkpoint.checkpoint());
            }
        }
    }

    private void note(Checkpoint checkpoint) {
        ObjectNode body = AuditJson.mapper().createObjectNode();
        body.set("checkpoint", checkpoint.toTree());
        body.put("origin", origins.get(checkpoint.stream()));
        synchronized (lock) {
            pending = body;
            lock.notifyAll();
        }
    }

    private void sendLoop() {
        long backoffMillis = 100;
        while (!closed) {
            ObjectNode next;
            synchronized (lock) {
                while (pending == null && !closed) {
                    try {
                        lock.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next = pending;
            }
            if (next == null) {
                continue;
            }
            if (send(next)) {
                synchronized (lock) {
                    if (pending == next) {
                        pending = null;
                    }
                }
                backoffMillis = 100;
            } else {
                synchronized (lock) {
                    if (!closed) {
                        try {
                            lock.wait(backoffMillis); // close() wakes this up
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                backoffMillis = Math.min(backoffMillis * 2, 10_000);
            }
        }
    }

    private boolean send(ObjectNode body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(AuditJson.write(body), StandardCharsets.UTF_8));
            if (tokenFile != null) {
                request.header("Authorization", "Bearer " + Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 == 2) {
                lastFailure = null;
                return true;
            }
            failed("HTTP " + response.statusCode() + ": " + response.body().substring(0, Math.min(200, response.body().length())));
            // a refusal (fork, foreign stream, bad signature) does not change by retrying the same checkpoint
            return response.statusCode() / 100 == 4;
        } catch (IOException e) {
            failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void failed(String failure) {
        if (!failure.equals(lastFailure)) {
            LOG.warn("audit witness {} did not take a checkpoint: {}", endpoint, failure);
        }
        lastFailure = failure;
    }

    @Override
    public void flush() {
        // sending is asynchronous by design; close() sends what is left
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            // let a send in flight finish first, so an older checkpoint never lands after the last one
            sender.join(timeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ObjectNode last;
        synchronized (lock) {
            last = pending;
            pending = null;
        }
        if (last != null && !send(last)) {
            LOG.warn("the last audit checkpoint did not reach the witness {}: {}", endpoint, lastFailure);
        }
    }

    @Override
    public String describe() {
        return "witness:" + endpoint;
    }
}
