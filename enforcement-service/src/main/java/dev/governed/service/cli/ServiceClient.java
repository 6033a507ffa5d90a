package dev.governed.service.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The command line's view of the service API: one bearer token, JSON in and out, errors as {@link CliException}. */
final class ServiceClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;
    private final String token;

    ServiceClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    String get(String path, Map<String, String> query) {
        return send(builder(path, query).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    Path download(String path, Map<String, String> query, Path target) {
        return send(builder(path, query).GET().build(), HttpResponse.BodyHandlers.ofFile(target)).body();
    }

    String post(String path, Map<String, String> query, String contentType, String body) {
        return send(builder(path, query).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder builder(String path, Map<String, String> query) {
        HttpRequest.Builder result = HttpRequest.newBuilder(uri(base, path, query)).timeout(Duration.ofMinutes(5));
        if (token != null && !token.isBlank()) {
            result.header("Authorization", "Bearer " + token.trim());
        }
        return result;
    }

    static URI uri(URI base, String path, Map<String, String> query) {
        Map<String, String> present = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        String suffix = present.isEmpty() ? "" : "?" + present.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1) : base.toString();
        return URI.create(root + path + suffix);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        HttpResponse<T> response;
        try {
            response = HTTP.send(request, handler);
        } catch (IOException e) {
            throw new CliException("cannot reach the Governed service at " + base + " (" + e.getMessage() + "); is `governed serve` running, "
                    + "and is --server right?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        if (response.statusCode() >= 400) {
            Object body = response.body();
            String text = body instanceof Path file ? read(file) : String.valueOf(body);
            throw new CliException(request.method() + " " + request.uri().getPath() + " failed with HTTP " + response.statusCode() + ": "
                    + message(text));
        }
        return response;
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static String message(String body) {
        int at = body.indexOf("\"message\":\"");
        if (at < 0) {
            return body;
        }
        int end = body.lastIndexOf('"');
        return body.substring(at + 11, Math.max(at + 11, end)).replace("\\\"", "\"");
    }
}
