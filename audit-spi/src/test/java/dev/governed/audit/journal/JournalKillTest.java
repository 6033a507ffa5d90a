package dev.governed.audit.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.sink.AuditEntry;
import dev.governed.audit.sink.AuditSink;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.VerificationResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 4: after kill -9, every event whose record() returned is delivered by the next dispatcher. */
class JournalKillTest {

    @TempDir
    Path dir;

    @Test
    void everyEventRecordedBeforeAKillNineIsDeliveredAtTheNextStart() throws Exception {
        Path journal = dir.resolve("journal");
        Path file = dir.resolve("audit.jsonl");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx128m", JournalChild.class.getName(),
                journal.toString(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<String> recorded = ConcurrentHashMap.newKeySet();
        CountDownLatch enough = new CountDownLatch(3000);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("recorded ")) {
                        recorded.add(line.substring("recorded ".length()));
                        enough.countDown();
                    }
                }
            } catch (IOException ended) {
                // the child is gone
            }
        });
        reader.start();
        assertThat(enough.await(60, TimeUnit.SECONDS)).as("child recorded 3000 events").isTrue();

        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close, no flush
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        Set<String> written = eventIdsBeforeRepair(file);
        int pending;
        String name = EventJournal.fileNameFor(List.of("jsonl:" + file.toAbsolutePath().normalize()));
        assertThat(journal.resolve(name)).exists();
        try (EventJournal left = EventJournal.open(journal, name, 1L << 20)) {
            pending = left.recovered().size();
        }

        try (AuditDispatcher next = AuditDispatcher.builder().sinks("jsonl:" + file).journal(journal, 1L << 20)
                .closeOnShutdown(false).build()) {
            next.flush();
        }

        assertThat(pending).as("events queued but unwritten at the kill").isPositive();
        assertThat(written.containsAll(recorded)).as("the kill came before the child wrote everything").isFalse();
        assertThat(eventIds(file)).containsAll(recorded);
        VerificationResult verified = AuditVerifier.withoutSignatures().verify(file);
        assertThat(verified.problems()).isEmpty();
        assertThat(verified.streams()).isEqualTo(2);
    }

    @Test
    void eventsASinkCouldNotTakeBeforeCloseAreDeliveredByTheNextDispatcher() throws IOException {
        Path journal = dir.resolve("journal");
        Path file = dir.resolve("audit.jsonl");
        List<AuditEvent> events = new ArrayList<>();
        AuditDispatcher first = AuditDispatcher.builder().sink(new DeadSink("jsonl:" + file)).journal(journal, 1L << 20)
                .closeTimeout(Duration.ZERO).closeOnShutdown(false).build();
        for (int i = 0; i < 50; i++) {
            AuditEvent event = AuditFixtures.event("agent:" + i);
            first.record(event);
            events.add(event);
        }
        try {
            first.close();
        } catch (RuntimeException expected) {
            // the dead sink took nothing
        }

        Path other = dir.resolve("other.jsonl");
        try (AuditDispatcher elsewhere = AuditDispatcher.builder().sinks("jsonl:" + other).journal(journal, 1L << 20)
                .closeOnShutdown(false).build()) {
            elsewhere.flush(); // other sinks, same directory: another journal file, nothing replayed here
        }
        try (AuditDispatcher next = AuditDispatcher.builder().sinks("jsonl:" + file).journal(journal, 1L << 20)
                .closeOnShutdown(false).build()) {
            next.flush();
        }
        assertThat(eventIds(file)).containsExactlyInAnyOrderElementsOf(events.stream().map(AuditEvent::id).toList());
        assertThat(AuditVerifier.withoutSignatures().verify(file).intact()).isTrue();
        Files.writeString(file, "");
        try (AuditDispatcher third = AuditDispatcher.builder().sinks("jsonl:" + file).journal(journal, 1L << 20)
                .closeOnShutdown(false).build()) {
            third.flush();
        }

        assertThat(eventIds(other)).isEmpty();
        assertThat(eventIds(file)).as("delivered events are not replayed again").isEmpty();
    }

    /** The kill may have cut the last line short; the next sink to open the file sets it aside. */
    private static Set<String> eventIdsBeforeRepair(Path file) throws IOException {
        if (Files.exists(file)) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            Path whole = file.resolveSibling("whole-lines.jsonl");
            Files.writeString(whole, content.substring(0, content.lastIndexOf('\n') + 1), StandardCharsets.UTF_8);
            return eventIds(whole);
        }
        return eventIds(file);
    }

    private static Set<String> eventIds(Path file) throws IOException {
        Set<String> result = new HashSet<>();
        if (!Files.exists(file)) {
            return result;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode tree = AuditJson.readTree(line);
            if (!Checkpoint.isCheckpoint(tree)) {
                result.add(tree.get("id").textValue());
            }
        }
        return result;
    }

    /** The sink of {@code description}, while it is down. */
    private record DeadSink(String description) implements AuditSink {
        @Override
        public void write(List<AuditEntry> batch) throws IOException {
            throw new IOException("down");
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
            return description;
        }
    }
}
