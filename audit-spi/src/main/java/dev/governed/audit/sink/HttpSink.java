package dev.governed.audit.sink;

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

/**
 * POSTs each batch to a collector as NDJSON ({@code application/x-ndjson}, one entry per line);
 * any 2xx answer means delivered, anything else (or no answer within the timeout) is an
 * {@link IOException}, so the dispatcher retries or spools the batch. The collector should
 * de-duplicate by event {@code id} (checkpoints by stream and seq): delivery is at-least-once.
 * With a token file, its content is sent as {@code Authorization: Bearer …}, re-read per batch so
 * rotated tokens are picked up.
 */
public final class HttpSink implements AuditSink {

    private final URI endpoint;
    private final Duration timeout;
    private final Path tokenFile;
    private final HttpClient client;

    public HttpSink(URI endpoint, Duration timeout, Path tokenFile) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("audit collector URL " + endpoint + " must start with http:// or https://");
        }
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.tokenFile = tokenFile;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void write(List<AuditEntry> batch) throws IOException {
        StringBuilder body = new StringBuilder();
        for (AuditEntry each : batch) {
            body.append(each.json()).append('\n');
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (tokenFile != null) {
            request.header("Authorization", "Bearer " + readToken());
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending audit entries to " + endpoint, e);
        } catch (IOException e) {
            throw new IOException("audit collector " + endpoint + " unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
        if (response.statusCode() / 100 != 2) {
            String text = response.body() == null ? "" : response.body().strip();
            throw new IOException("audit collector " + endpoint + " answered HTTP " + response.statusCode()
                    + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(200, text.length()))));
        }
    }

    private String readToken() throws IOException {
        try {
            return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read the audit collector token file " + tokenFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void flush() {
        // every write is one complete request
    }

    @Override
    public void close() {
        // HttpClient on Java 17 has no close; its threads are daemons
    }

    @Override
    public String describe() {
        return "http:" + endpoint;
    }
}
