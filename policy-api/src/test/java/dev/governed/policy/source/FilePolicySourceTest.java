package dev.governed.policy.source;

import dev.governed.policy.PolicyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilePolicySourceTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** Rewrites the file and moves its mtime forward, so the change is visible even on coarse file-system clocks. */
    private static void rewrite(Path file, String text) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2_000));
    }

    @Test
    void loadsThePolicyWhenCreated() throws IOException {
        Path file = write("policy.yaml", "version: 4\n");

        try (FilePolicySource source = new FilePolicySource(file)) {
            assertThat(source.current().version()).isEqualTo(4);
            assertThat(source.location()).isEqualTo(file.toAbsolutePath().toString());
        }
    }

    @Test
    void reloadsWhenTheFileChanges() throws IOException {
        Path file = write("policy.yaml", "version: 1\n");
        FilePolicySource source = new FilePolicySource(file, Duration.ZERO);

        rewrite(file, "version: 2\n");

        assertThat(source.current().version()).isEqualTo(2);
    }

    @Test
    void keepsTheCompiledPolicyWhileTheFileIsUnchanged() throws IOException {
        Path file = write("policy.yaml", "version: 1\n");
        FilePolicySource source = new FilePolicySource(file, Duration.ZERO);

        assertThat(source.current()).isSameAs(source.current());
    }

    @Test
    void checksTheFileAtMostOncePerInterval() throws IOException {
        Path file = write("policy.yaml", "version: 1\n");
        FilePolicySource source = new FilePolicySource(file, Duration.ofHours(1));

        rewrite(file, "version: 2\n");

        assertThat(source.current().version()).isEqualTo(1);
    }

    @Test
    void brokenFileIsRejectedAtCreationNamingTheFile() throws IOException {
        Path file = write("broken.yaml", "version: 1\nrules:\n  - { id: a, effect: permit }\n");

        assertThatThrownBy(() -> new FilePolicySource(file))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("rules[0].effect: unknown effect \"permit\"");
    }

    @Test
    void missingFileIsRejectedNamingTheFile() {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> new FilePolicySource(file))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void fileBrokenAfterLoadingFailsClosedUntilFixed() throws IOException {
        Path file = write("policy.yaml", "version: 1\ndefaults: { effect: allow }\n");
        FilePolicySource source = new FilePolicySource(file, Duration.ZERO);

        rewrite(file, "version: 2\ndefaults: { effect: allow\n");

        assertThatThrownBy(source::current)
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("malformed YAML");

        rewrite(file, "version: 3\n");

        assertThat(source.current().version()).isEqualTo(3);
    }

    @Test
    void deletedFileFailsClosedAndRecoversWhenRestored() throws IOException {
        Path file = write("policy.yaml", "version: 1\n");
        FilePolicySource source = new FilePolicySource(file, Duration.ZERO);

        Files.delete(file);

        assertThatThrownBy(source::current).isInstanceOf(PolicyException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(source::current).isInstanceOf(PolicyException.class).hasMessageContaining("does not exist");

        write("policy.yaml", "version: 5\n");

        assertThat(source.current().version()).isEqualTo(5);
    }

    @Test
    void fileThatIsNotUtf8IsRejected() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[]{'v', 'e', 'r', 's', 'i', 'o', 'n', ':', ' ', '1', '\n', '#', (byte) 0xE9, '\n'});

        assertThatThrownBy(() -> new FilePolicySource(file))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void oversizedFileIsRejected() throws IOException {
        Path file = dir.resolve("huge.yaml");
        Files.writeString(file, "version: 1\n" + "#".repeat((int) FilePolicySource.MAX_BYTES) + "\n");

        assertThatThrownBy(() -> new FilePolicySource(file))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("more than the limit");
    }

    @Test
    void concurrentReadersSeeOnlyWholePoliciesWhileTheFileChanges() throws Exception {
        Path file = write("policy.yaml", "version: 1\n");
        FilePolicySource source = new FilePolicySource(file, Duration.ZERO);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong highest = new java.util.concurrent.atomic.AtomicLong();
        try {
            java.util.List<java.util.concurrent.Future<?>> readers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                readers.add(pool.submit(() -> {
                    while (!done.get()) {
                        try {
                            highest.accumulateAndGet(source.current().version(), Math::max);
                        } catch (PolicyException e) {
                            // A reader may catch the file half-written; it must fail closed, never see a partial policy.
                            assertThat(e.getMessage()).contains(file.toAbsolutePath().toString());
                        }
                    }
                    return null;
                }));
            }
            for (int version = 2; version <= 30; version++) {
                rewrite(file, "version: " + version + "\n");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (highest.get() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            done.set(true);
            for (java.util.concurrent.Future<?> each : readers) {
                each.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(source.current().version()).isEqualTo(30);
        assertThat(highest.get()).isEqualTo(30);
    }
}
