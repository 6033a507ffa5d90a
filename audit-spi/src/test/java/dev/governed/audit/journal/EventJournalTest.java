package dev.governed.audit.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventJournalTest {

    private static final long SMALL = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void undeliveredEventsAreRecoveredInOrderByTheNextJournal() {
        List<AuditEvent> events = events(5);
        try (EventJournal journal = EventJournal.open(dir, SMALL)) {
            long first = journal.append(events.get(0), 0);
            journal.append(events.get(1), 0);
            journal.append(events.get(2), 0);
            journal.delivered(first);
            journal.trim();
        }

        try (EventJournal reopened = EventJournal.open(dir, SMALL)) {
            assertThat(reopened.recovered()).extracting(EventJournal.Entry::event)
                    .containsExactly(AuditJson.atMicros(events.get(1)), AuditJson.atMicros(events.get(2)));
        }
    }

    @Test
    void ringWrapsManyTimesAndRecoversOnlyWhatIsPending() {
        List<AuditEvent> pending = new ArrayList<>();
        try (EventJournal journal = EventJournal.open(dir, SMALL)) {
            for (int i = 0; i < 2000; i++) {
                AuditEvent event = AuditFixtures.event("agent:" + i);
                long position = journal.append(event, 0);
                if (i < 1990) {
                    journal.delivered(position);
                    journal.trim();
                } else {
                    pending.add(AuditJson.atMicros(event));
                }
            }
            assertThat(journal.used()).isLessThan(SMALL);
        }

        try (EventJournal reopened = EventJournal.open(dir, SMALL)) {
            assertThat(reopened.recovered()).extracting(EventJournal.Entry::event).containsExactlyElementsOf(pending);
        }
    }

    @Test
    void aFullJournalFailsWithTheReasonAndTakesEventsAgainOnceTrimmed() {
        try (EventJournal journal = EventJournal.open(dir, SMALL)) {
            List<Long> positions = new ArrayList<>();
            AuditException full = null;
            for (int i = 0; i < 1000 && full == null; i++) {
                try {
                    positions.add(journal.append(AuditFixtures.event("a"), 1_000_000));
                } catch (AuditException e) {
                    full = e;
                }
            }
            assertThat(full).isNotNull();
            assertThat(full.getMessage()).contains("stayed full", "governed.audit.journal.maxSize");
            assertThat(journal.used()).isLessThanOrEqualTo(SMALL);

            positions.forEach(journal::delivered);
            journal.trim();

            assertThat(journal.used()).isZero();
            journal.append(AuditFixtures.event("b"), 0);
        }
    }

    @Test
    void aDamagedRecordIsSkippedAndTheRecordsAfterItAreStillRecovered() throws IOException {
        List<AuditEvent> events = events(3);
        long second;
        try (EventJournal journal = EventJournal.open(dir, SMALL)) {
            journal.append(events.get(0), 0);
            second = journal.append(events.get(1), 0);
            journal.append(events.get(2), 0);
        }
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve(EventJournal.FILE_NAME).toFile(), "rw")) {
            long at = 4096 + second + 16 + 20; // inside the second event's JSON
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x01);
        }

        try (EventJournal reopened = EventJournal.open(dir, SMALL)) {
            assertThat(reopened.recovered()).extracting(e -> e.event().id())
                    .containsExactly(events.get(0).id(), events.get(2).id());
            reopened.recovered().forEach(e -> reopened.delivered(e.position()));
            reopened.trim();
            assertThat(reopened.used()).isZero(); // the damaged record became padding the head can pass
        }
    }

    @Test
    void aJournalInUseIsRefused() {
        try (EventJournal journal = EventJournal.open(dir, SMALL)) {
            assertThatThrownBy(() -> EventJournal.open(dir, SMALL))
                    .isInstanceOf(AuditException.class).hasMessageContaining("in use by another dispatcher");
        }
    }

    @Test
    void integersOfAnySizeComeBackExactly() {
        AuditEvent base = AuditFixtures.event("a");
        AuditEvent event = new AuditEvent(base.id(), base.time(), null, base.actor(), base.session(), base.resource(),
                base.action(), new AuditEvent.DecisionInfo("allow", "r", "x", Long.MAX_VALUE, null),
                List.of(new AuditEvent.Masking("c", "s", Long.MIN_VALUE)), new AuditEvent.Outcome("ok", -1L, 0, null));
        try (EventJournal journal = EventJournal.open(dir, SMALL)) {
            journal.append(event, 0);
        }

        try (EventJournal reopened = EventJournal.open(dir, SMALL)) {
            assertThat(reopened.recovered()).extracting(EventJournal.Entry::event).containsExactly(AuditJson.atMicros(event));
        }
    }

    @Test
    void theSameEventIdIsRecoveredOnce() {
        AuditEvent event = AuditFixtures.event("a");
        try (EventJournal journal = EventJournal.open(dir, SMALL)) {
            journal.append(event, 0);
            journal.append(event, 0);
        }

        try (EventJournal reopened = EventJournal.open(dir, SMALL)) {
            assertThat(reopened.recovered()).hasSize(1);
        }
    }

    private static List<AuditEvent> events(int n) {
        List<AuditEvent> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(AuditFixtures.event("agent:" + i));
        }
        return result;
    }
}
