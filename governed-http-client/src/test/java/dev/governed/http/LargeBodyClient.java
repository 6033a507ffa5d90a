package dev.governed.http;

import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Runs in a JVM of its own with a small heap: streams a large masked body through the governed
 * client and prints how many bytes arrived and whether any clear value slipped through.
 */
public final class LargeBodyClient {

    private LargeBodyClient() {}

    public static void main(String[] args) throws Exception {
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[0]))) {
            settings.load(reader);
        }
        GovernedHttpClient client = (GovernedHttpClient) GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(args[1])).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        byte[] clear = args[2].getBytes(StandardCharsets.UTF_8);
        long total = 0;
        long leaks = 0;
        int matched = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = response.body()) {
            for (int read; (read = in.read(buffer)) > 0; ) {
                total += read;
                for (int i = 0; i < read; i++) {
                    matched = buffer[i] == clear[matched] ? matched + 1 : (buffer[i] == clear[0] ? 1 : 0);
                    if (matched == clear.length) {
                        leaks++;
                        matched = 0;
                    }
                }
            }
        }
        client.close();
        Runtime runtime = Runtime.getRuntime();
        System.out.println("bytes=" + total + " leaks=" + leaks + " maxHeap=" + runtime.maxMemory());
    }
}
