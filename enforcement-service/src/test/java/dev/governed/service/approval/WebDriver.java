package dev.governed.service.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Just enough W3C WebDriver, spoken over the JDK's HttpClient to Debian's chromedriver driving headless
 * chromium: no Selenium on the test class path. {@link #find()} is empty where no browser is installed.
 */
final class WebDriver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final Process chromedriver;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI session;
    private final Path profile;

    /** The chromium and chromedriver binaries, from the PATH or Debian's locations. */
    static Optional<List<Path>> find() {
        Optional<Path> browser = binary("chromium", "chromium-browser", "google-chrome");
        Optional<Path> driver = binary("chromedriver");
        return browser.isPresent() && driver.isPresent() ? Optional.of(List.of(browser.get(), driver.get())) : Optional.empty();
    }

    private static Optional<Path> binary(String... names) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/lib/chromium";
        for (String name : names) {
            for (String dir : path.split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    WebDriver(Path browser, Path driver, Path profile) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        this.profile = profile;
        ProcessBuilder process = new ProcessBuilder(driver.toString(), "--port=" + port).redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromedriver.log").toFile());
        // Chromium puts its own org.chromium.Chromium.* folders in TMPDIR: inside the profile, they go with it
        process.environment().put("TMPDIR", profile.toString());
        this.chromedriver = process.start();
        URI base = URI.create("http://127.0.0.1:" + port);
        waitUntilReady(base);
        ObjectNode capabilities = JSON.createObjectNode();
        ObjectNode always = capabilities.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode options = always.putObject("goog:chromeOptions");
        options.put("binary", browser.toString());
        var args = options.putArray("args");
        for (String each : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile)) {
            args.add(each);
        }
        JsonNode created = call("POST", base.resolve("/session"), capabilities);
        this.session = base.resolve("/session/" + created.get("sessionId").asText() + "/");
    }

    private void waitUntilReady(URI base) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(base.resolve("/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (status.statusCode() == 200 && JSON.readTree(status.body()).path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException notYet) {
                // chromedriver is still starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("chromedriver did not become ready");
    }

    void open(URI page) {
        call("POST", session.resolve("url"), JSON.createObjectNode().put("url", page.toString()));
    }

    /** The elements matching a CSS selector, now. */
    List<String> all(String css) {
        JsonNode found = call("POST", session.resolve("elements"), JSON.createObjectNode().put("using", "css selector").put("value", css));
        return java.util.stream.StreamSupport.stream(found.spliterator(), false).map(each -> each.get(ELEMENT).asText()).toList();
    }

    /** The first element matching, waiting up to 10 s for it. */
    String element(String css) {
        return await(() -> all(css).stream().findFirst().orElse(null), "an element " + css);
    }

    String text(String element) {
        return call("GET", session.resolve("element/" + element + "/text"), null).asText();
    }

    void click(String css) {
        call("POST", session.resolve("element/" + element(css) + "/click"), JSON.createObjectNode());
    }

    void type(String css, String text) {
        String element = element(css);
        call("POST", session.resolve("element/" + element + "/clear"), JSON.createObjectNode());
        call("POST", session.resolve("element/" + element + "/value"), JSON.createObjectNode().put("text", text));
    }

    /** Sets a text field's value by script: a JWT is long, and typing it key by key is slow. */
    void paste(String id, String text) {
        ObjectNode body = JSON.createObjectNode().put("script", "document.getElementById(arguments[0]).value = arguments[1];");
        body.putArray("args").add(id).add(text);
        call("POST", session.resolve("execute/sync"), body);
    }

    /** Waits up to 10 s until the text of {@code css} satisfies {@code wanted}; returns it. */
    String textOf(String css, Predicate<String> wanted, String description) {
        return await(() -> {
            List<String> found = all(css);
            if (found.isEmpty()) {
                return null;
            }
            String text = text(found.get(0));
            return wanted.test(text) ? text : null;
        }, description);
    }

    private static <T> T await(java.util.function.Supplier<T> probe, String description) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            T result = probe.get();
            if (result != null) {
                return result;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the page did not show " + description + " within 10 s");
    }

    private JsonNode call(String method, URI uri, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode value = JSON.readTree(response.body()).path("value");
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("WebDriver " + method + " " + uri + " failed: " + value);
            }
            return value;
        } catch (IOException e) {
            throw new IllegalStateException("WebDriver " + method + " " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ends the session, then chromedriver and every browser process it started, then removes the profile. */
    @Override
    public void close() {
        try {
            call("DELETE", session, null);
        } catch (RuntimeException ignored) {
            // the browser may be gone already
        } finally {
            List<ProcessHandle> started = chromedriver.descendants().toList();
            started.forEach(ProcessHandle::destroyForcibly);
            chromedriver.destroyForcibly();
            for (ProcessHandle each : started) {
                each.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(timeout -> each).join();
            }
            chromedriver.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(timeout -> chromedriver).join();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(each -> each.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a file the browser wrote while exiting; the temporary directory's own cleanup retries
        }
    }
}
