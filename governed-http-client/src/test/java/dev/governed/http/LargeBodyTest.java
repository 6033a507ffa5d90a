package dev.governed.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A 100 MB JSON body is masked in a client JVM limited to a 64 MB heap: a masker that held the
 * body (or a large part of it) would run out of memory there.
 */
class LargeBodyTest {

    private static final long TARGET_BYTES = 100L * 1024 * 1024;
    private static final String ITEM = "{\"ssn\":\"123-45-6789\",\"email\":\"someone@example.com\",\"note\":\""
            + "x".repeat(400) + "\"}";

    private final HttpFixture fixture = new HttpFixture();

    @AfterEach
    void close() throws IOException {
        fixture.close();
    }

    @Test
    void hundredMegabyteBodyIsMaskedInBoundedMemory() throws Exception {
        AtomicLong sent = new AtomicLong();
        fixture.crm.route("/v1/customers/all", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            byte[] item = ITEM.getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = new java.io.BufferedOutputStream(exchange.getResponseBody(), 64 * 1024)) {
                out.write("{\"items\":[".getBytes(StandardCharsets.UTF_8));
                long written = 10;
                for (boolean first = true; written < TARGET_BYTES; first = false) {
                    if (!first) {
                        out.write(',');
                        written++;
                    }
                    out.write(item);
                    written += item.length;
                }
                out.write("]}".getBytes(StandardCharsets.UTF_8));
                sent.set(written + 2);
            }
        });
        Path settingsFile = fixture.directory.resolve("client.properties");
        Properties settings = fixture.settings(fixture.supportAgent());
        try (Writer writer = Files.newBufferedWriter(settingsFile)) {
            settings.store(writer, null);
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), LargeBodyClient.class.getName(),
                settingsFile.toString(), fixture.crm.base() + "/v1/customers/all", "123-45-6789")
                .redirectErrorStream(true).start();
        String output;
        try (var in = child.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(sent.get()).isGreaterThanOrEqualTo(TARGET_BYTES);
        assertThat(output).contains("leaks=0");
        long received = Long.parseLong(output.replaceAll("(?s).*bytes=(\\d+).*", "$1"));
        assertThat(received).isGreaterThan(TARGET_BYTES * 9 / 10);
        assertThat(fixture.auditEvents()).hasSize(1);
    }
}
