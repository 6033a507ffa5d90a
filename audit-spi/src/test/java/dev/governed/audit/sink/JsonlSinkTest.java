package dev.governed.audit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.audit.AuditFixtures;
import dev.governed.audit.chain.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlSinkTest {

    @TempDir
    Path dir;

    @Test
    void appendsOneLinePerEntryAndCreatesParentDirectories() throws IOException {
        Path file = dir.resolve("a/b/audit.jsonl");
        AuditEntry first = new AuditEntry.Event(AuditFixtures.event("x"), "{\"n\":1}");
        AuditEntry second = new AuditEntry.Event(AuditFixtures.event("y"), "{\"n\":2}");

        try (JsonlSink sink = JsonlSink.open(file)) {
            sink.write(List.of(first));
            sink.flush();
            sink.write(List.of(second));
            sink.flush();
        }
        try (JsonlSink reopened = JsonlSink.open(file)) {
            reopened.write(List.of(first));
        }

        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":1}");
    }

    @Test
    void newAuditFileIsReadableByOwnerAndGroupOnly() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        try (JsonlSink sink = JsonlSink.open(file)) {
            sink.write(List.of(new AuditEntry.Event(AuditFixtures.event("x"), "{}")));
        }

        // at most rw-r----- (a stricter umask may take more away)
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .matches("rw-[r-]-----");
    }

    @Test
    void lineCutOffByACrashIsSetAsideSoTheTrailEndsAtItsLastWholeLine() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        String longCut = "{\"n\":2,\"cut\":\"" + "x".repeat(20_000);
        Files.writeString(file, "{\"n\":1}\n" + longCut);

        try (JsonlSink sink = JsonlSink.open(file)) {
            sink.write(List.of(new AuditEntry.Event(AuditFixtures.event("x"), "{\"n\":3}")));
        }

        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":1}", "{\"n\":3}");
        try (var aside = Files.list(dir)) {
            Path fragment = aside.filter(each -> each.getFileName().toString().startsWith("audit.jsonl.cut-"))
                    .findFirst().orElseThrow();
            assertThat(Files.readString(fragment)).isEqualTo(longCut);
        }
    }

    @Test
    void aFileThatIsOneCutOffLineIsSetAsideWhole() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, "{\"n\":1,\"cut");

        try (JsonlSink sink = JsonlSink.open(file)) {
            sink.write(List.of(new AuditEntry.Event(AuditFixtures.event("x"), "{\"n\":3}")));
        }

        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":3}");
    }

    @Test
    void dispatchersSharingOneRotatingFileKeepEveryLineIntactAndVerifiable() throws Exception {
        Path logs = dir.resolve("shared");
        String spec = "jsonl:" + logs.resolve("audit.jsonl") + "?fsync=none&maxSize=8KB";
        List<dev.governed.audit.AuditDispatcher> dispatchers = List.of(
                dev.governed.audit.AuditDispatcher.builder().sinks(spec).batchSize(3).checkpointEvery(7)
                        .closeOnShutdown(false).build(),
                dev.governed.audit.AuditDispatcher.builder().sinks(spec).batchSize(5).checkpointEvery(7)
                        .closeOnShutdown(false).build());
        List<Thread> writers = new java.util.ArrayList<>();
        for (dev.governed.audit.AuditDispatcher each : dispatchers) {
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 150; i++) {
                    each.record(AuditFixtures.event("agent:" + i));
                }
            });
            writer.start();
            writers.add(writer);
        }
        for (Thread each : writers) {
            each.join();
        }
        dispatchers.forEach(dev.governed.audit.AuditDispatcher::close);

        var result = dev.governed.audit.verify.AuditVerifier.withoutSignatures().verify(logs);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(300);
        assertThat(result.streams()).isEqualTo(2);
        assertThat(result.files()).hasSizeGreaterThan(3);
    }

    @Test
    void unopenableFileIsReportedWithPathReasonAndRemedy() throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> JsonlSink.open(blocker.resolve("audit.jsonl")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot open audit file " + blocker.resolve("audit.jsonl"))
                .hasMessageContaining("writable");
    }

    @Test
    void readsBackTheLastCheckpointForResuming() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        Checkpoint older = new Checkpoint("s", 1, "a".repeat(64), Instant.parse("2026-11-22T00:00:00Z"), null);
        Checkpoint newer = new Checkpoint("s", 2, "b".repeat(64), Instant.parse("2026-11-22T00:00:01Z"), null);
        try (JsonlSink sink = JsonlSink.open(file)) {
            sink.write(List.of(AuditEntry.of(older), new AuditEntry.Event(AuditFixtures.event("x"), "{}"),
                    AuditEntry.of(newer), new AuditEntry.Event(AuditFixtures.event("y"), "{}")));
        }

        try (JsonlSink sink = JsonlSink.open(file)) {
            assertThat(sink.lastCheckpoint()).contains(newer);
        }
    }

    @Test
    void rotatesBeforeABatchOnceTheFileReachedMaxSize() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        AuditEntry entry = new AuditEntry.Event(AuditFixtures.event("x"), "x".repeat(100));
        try (JsonlSink sink = JsonlSink.open(file, false, 150)) {
            sink.write(List.of(entry));
            sink.write(List.of(entry));
            sink.write(List.of(entry, entry));
        }

        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(2).last().isEqualTo("audit.jsonl");
            assertThat(names.get(0)).matches("audit-\\d{8}T\\d{6}\\.\\d{6}Z\\.jsonl");
            assertThat(Files.readAllLines(dir.resolve(names.get(0)))).hasSize(2);
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }
}
