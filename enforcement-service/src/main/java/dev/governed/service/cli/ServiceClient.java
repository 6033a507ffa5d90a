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

    String delete(String path) {
        return send(builder(path, Map.of()).DELETE().build(), HttpResponse.BodyHandlers.ofString()).body();
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
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot reach the Governed service at " + base + " (nothing answers there);"
                    + " start it with `governed serve --dev`, or point --server (or GOVERNED_SERVER) at it");
        } catch (java.net.http.HttpTimeoutException e) {
            throw new CliException(CliException.UNREACHABLE, "the Governed service at " + base + " did not answer in time; check that it is"
                    + " healthy, or point --server (or GOVERNED_SERVER) at another instance");
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot talk to the Governed service at " + base + " (" + describe(e)
                    + "); is --server (or GOVERNED_SERVER) the service's base URL, e.g. http://127.0.0.1:8080?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, base + " is not a usable service URL; write it as http://host:port");
        }
        int status = response.statusCode();
        if (status >= 400) {
            Object body = response.body();
            String text = message(body instanceof Path file ? read(file) : String.valueOf(body));
            String call = request.method() + " " + request.uri().getPath();
            throw switch (status) {
                case 401 -> new CliException(CliException.REFUSED, call + " was refused with HTTP 401, no valid token (" + text + "); pass --token,"
                        + " --token-file or GOVERNED_TOKEN, e.g. GOVERNED_TOKEN=$(governed token --dev) with `serve --dev`");
                case 403 -> new CliException(CliException.REFUSED, call + " was refused with HTTP 403, the token lacks the role (" + text
                        + "); use a token whose groups grant it, e.g. `governed token --dev --groups governed-admins`");
                case 404 -> new CliException(CliException.SERVICE_ERROR, call + " was not found (HTTP 404) at " + base + " (" + text
                        + "); check --server is the service's base URL (e.g. http://127.0.0.1:8080) and the name or id you gave");
                default -> new CliException(CliException.SERVICE_ERROR, call + " failed with HTTP " + status + ": " + text);
            };
        }
        return response;
    }

    private static String describe(IOException e) {
        return e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : "the connection failed";
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            return "";
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // an error body in a download target is useless; removing it is best effort
            }
        }
    }

    /** The service's error shape is {@code {"error": code, "message": text}}; anything else is shown as it came, shortened. */
    private static String message(String body) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through
        }
        String text = body.strip().replaceAll("\\s+", " ");
        return text.isEmpty() ? "no details" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
