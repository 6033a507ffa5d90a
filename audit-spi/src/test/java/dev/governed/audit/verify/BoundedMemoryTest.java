package dev.governed.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Verification streams: a trail far larger than the heap verifies. 60,000 events (~55 MB of lines) in a JVM with a
 * 16 MB heap; a verifier that kept a record per event (the earlier one needed ~35 MB for this) runs out of memory.
 */
class BoundedMemoryTest {

    @Test
    void trailMuchLargerThanTheHeapVerifiesInA16MegabyteHeap() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx16m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), GeneratedTrail.class.getName(), "60000")
                .redirectErrorStream(true).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).as(output).contains("60000 true").doesNotContain("OutOfMemoryError");
    }
}
