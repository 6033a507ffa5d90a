package dev.governed.audit.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditFixtures;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.TestKeys;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.verify.AuditVerifier;
import dev.governed.audit.verify.Verdict;
import dev.governed.audit.verify.VerificationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fsync=<duration>} on real files. Forces are counted through the sink's force seam, and
 * time is a hand-set clock and a hand-turned timer, so no assertion depends on how fast this
 * machine is.
 */
class JsonlGroupCommitTest {

    private static final Duration INTERVAL = Duration.ofMillis(10);
    private static final long INTERVAL_NANOS = INTERVAL.toNanos();

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger forces = new AtomicInteger();
    private final List<Pending> timers = new ArrayList<>();

    private record Pending(Runnable task, long delayNanos, long dueNanos) {}

    private JsonlSink groupCommitSink(Path file) throws IOException {
        return JsonlSink.open(file, FsyncPolicy.atMostEvery(INTERVAL), Long.MAX_VALUE, target -> {
            forces.incrementAndGet();
            target.force();
        }, now::get, (task, delay) -> {
            synchronized (timers) {
                timers.add(new Pending(task, delay, now.get() + delay));
            }
        });
    }

    /** Runs every pending timer now, as if each had waited its full delay. */
    private void runTimers() {
        List<Pending> due;
        synchronized (timers) {
            due = List.copyOf(timers);
            timers.clear();
        }
        due.forEach(each -> each.task().run());
    }

    /** Moves the clock on and runs the timers that are due by then. */
    private void tick(long nanos) {
        long at = now.addAndGet(nanos);
        List<Pending> due;
        synchronized (timers) {
            due = timers.stream().filter(each -> each.dueNanos() <= at).toList();
            timers.removeAll(due);
        }
        due.forEach(each -> each.task().run());
    }

    private int pendingTimers() {
        synchronized (timers) {
            return timers.size();
        }
    }

    private static List<AuditEntry> batch(int n) {
        return List.of(new AuditEntry.Event(AuditFixtures.event("agent:" + n), "{\"n\":" + n + "}"));
    }

    @Test
    void everyBatchIsWrittenAtOnceButForcedAtMostOncePerInterval() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        try (JsonlSink sink = groupCommitSink(file)) {
            for (int i = 0; i < 100; i++) {
                sink.write(batch(i));
                sink.flush();
                tick(INTERVAL_NANOS / 100 - 1); // 100 batches within one interval
            }
            assertThat(Files.readAllLines(file)).hasSize(100); // written, readable by any process right away
            assertThat(forces).hasValue(1); // the first batch after a quiet interval is forced at once
            assertThat(pendingTimers()).isEqualTo(1); // the other 99 wait for one timed force

            tick(100); // the interval ends
            assertThat(forces).hasValue(2);

            // 5 intervals with a batch every 50th of one, right after that force: one timed force per interval
            for (int i = 0; i < 250; i++) {
                sink.write(batch(i));
                sink.flush();
                tick(INTERVAL_NANOS / 50);
            }
            assertThat(forces).hasValue(2 + 5);
            assertThat(Files.readAllLines(file)).hasSize(350);
        }
    }

    @Test
    void whatWasWrittenIsForcedWithinTheIntervalEvenIfNoFurtherBatchArrives() throws IOException {
        try (JsonlSink sink = groupCommitSink(dir.resolve("audit.jsonl"))) {
            sink.write(batch(1));
            sink.flush(); // forced at once
            now.addAndGet(INTERVAL_NANOS / 4);
            sink.write(batch(2));
            sink.flush();

            assertThat(forces).hasValue(1);
            synchronized (timers) {
                assertThat(timers).singleElement().extracting(Pending::delayNanos)
                        .isEqualTo(INTERVAL_NANOS - INTERVAL_NANOS / 4); // when the interval since the force ends
            }
            runTimers();
            assertThat(forces).hasValue(2);

            runTimers(); // nothing new written: no timer set, no force
            assertThat(forces).hasValue(2);
        }
    }

    @Test
    void aTimedForceThatFailsIsTriedAgainAnIntervalLaterWithoutWaitingForABatch() throws IOException {
        AtomicInteger failuresLeft = new AtomicInteger();
        try (JsonlSink sink = JsonlSink.open(dir.resolve("audit.jsonl"), FsyncPolicy.atMostEvery(INTERVAL),
                Long.MAX_VALUE, target -> {
                    forces.incrementAndGet();
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new IOException("EIO");
                    }
                    target.force();
                }, now::get, (task, delay) -> {
                    synchronized (timers) {
                        timers.add(new Pending(task, delay, now.get() + delay));
                    }
                })) {
            sink.write(batch(1));
            sink.flush(); // forced at once
            sink.write(batch(2));
            sink.flush();
            failuresLeft.set(1);

            runTimers(); // fails
            assertThat(forces).hasValue(2);
            synchronized (timers) {
                assertThat(timers).singleElement().extracting(Pending::delayNanos).isEqualTo(INTERVAL_NANOS);
            }
            runTimers(); // succeeds
            assertThat(forces).hasValue(3);
            assertThat(pendingTimers()).isZero();
        }
    }

    @Test
    void syncForcesAtOnceAndIsFreeWhenNothingIsUnforced() throws IOException {
        try (JsonlSink sink = groupCommitSink(dir.resolve("audit.jsonl"))) {
            sink.write(batch(1));
            sink.flush();
            sink.write(batch(2));
            sink.flush();
            assertThat(forces).hasValue(1);

            sink.sync();
            assertThat(forces).hasValue(2);
            sink.sync();
            assertThat(forces).hasValue(2);

            runTimers(); // the timer set for batch 2 finds nothing left to force
            assertThat(forces).hasValue(2);
        }
    }

    @Test
    void closeForcesWhatIsUnforcedAndATimerFiringLaterDoesNothing() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        JsonlSink sink = groupCommitSink(file);
        sink.write(batch(1));
        sink.flush();
        sink.write(batch(2));
        sink.flush();
        assertThat(forces).hasValue(1);

        sink.close();
        assertThat(forces).hasValue(2);

        runTimers();
        assertThat(forces).hasValue(2);
        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":1}", "{\"n\":2}");
    }

    @Test
    void eachBatchAndNonePoliciesKeepTheirForces() throws IOException {
        try (JsonlSink eachBatch = JsonlSink.open(dir.resolve("a.jsonl"), FsyncPolicy.EACH_BATCH, Long.MAX_VALUE,
                target -> {
                    forces.incrementAndGet();
                    target.force();
                }, now::get, null)) {
            for (int i = 0; i < 3; i++) {
                eachBatch.write(batch(i));
                eachBatch.flush();
            }
            assertThat(forces).hasValue(3);
        }
        forces.set(0);
        try (JsonlSink none = JsonlSink.open(dir.resolve("b.jsonl"), FsyncPolicy.NEVER, Long.MAX_VALUE, target -> {
            forces.incrementAndGet();
            target.force();
        }, now::get, null)) {
            none.write(batch(1));
            none.flush();
            none.sync();
        }
        assertThat(forces).hasValue(0);
    }

    @Test
    void dispatcherFlushAndCheckpointsForceWhileOtherBatchesWaitForTheTimer() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sink(groupCommitSink(file)).checkpointEvery(5)
                .checkpointInterval(Duration.ZERO).closeOnShutdown(false).build()) {
            dispatcher.record(AuditFixtures.event("first"));
            dispatcher.flush();
            int afterFirstFlush = forces.get();
            assertThat(afterFirstFlush).isEqualTo(1);

            dispatcher.record(AuditFixtures.event("second"));
            awaitPendingTimer(); // delivered, not forced: it waits for the timer (the clock stands still)
            assertThat(forces).hasValue(afterFirstFlush);

            dispatcher.flush();
            assertThat(forces).hasValue(afterFirstFlush + 1);
            dispatcher.flush(); // nothing new: nothing to force
            assertThat(forces).hasValue(afterFirstFlush + 1);

            for (int i = 0; i < 3; i++) {
                dispatcher.record(AuditFixtures.event("to-checkpoint-" + i)); // the 5th event brings a checkpoint
            }
            awaitForces(afterFirstFlush + 2); // without a flush: the checkpoint forced it
            assertThat(Files.readString(file)).contains("\"checkpoint\"");
        }
        assertThat(forces.get()).isGreaterThanOrEqualTo(3);
        VerificationResult result = AuditVerifier.withoutSignatures().verify(file);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(5);
    }

    @Test
    void aTrailWrittenWithGroupCommitVerifiesLikeAnyOther() throws IOException {
        Path file = dir.resolve("audit.jsonl");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=10ms")
                .signer(CheckpointSigner.fromJwk(TestKeys.ED25519)).checkpointEvery(7).closeOnShutdown(false).build()) {
            for (int i = 0; i < 50; i++) {
                dispatcher.record(AuditFixtures.event("agent:" + i));
            }
        }

        VerificationResult result = AuditVerifier.trusting(new JWKSet(TestKeys.ED25519.toPublicJWK())).verify(file);
        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.PROVEN);
        assertThat(result.events()).isEqualTo(50);
        assertThat(result.checkpoints()).isEqualTo(8); // after 7, 14, ..., 49 and at close
    }

    @Test
    void fsyncOptionAcceptsBatchNoneAndADuration() {
        assertThat(FsyncPolicy.of(SinkSpec.parse("jsonl:/a"))).isEqualTo(FsyncPolicy.EACH_BATCH);
        assertThat(FsyncPolicy.of(SinkSpec.parse("jsonl:/a?fsync=BATCH"))).isEqualTo(FsyncPolicy.EACH_BATCH);
        assertThat(FsyncPolicy.of(SinkSpec.parse("jsonl:/a?fsync=none"))).isEqualTo(FsyncPolicy.NEVER);
        assertThat(FsyncPolicy.of(SinkSpec.parse("jsonl:/a?fsync=10ms")).interval()).isEqualTo(INTERVAL);
        assertThat(FsyncPolicy.of(SinkSpec.parse("jsonl:/a?fsync=PT0.25S")).interval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badFsyncValueFailsAtStartNamingTheEntryAndWhatToWrite() {
        String entry = "jsonl:" + dir.resolve("a.jsonl") + "?fsync=10 parsecs";
        assertThatThrownBy(() -> AuditDispatcher.fromProperties(java.util.Map.of("governed.audit", entry)))
                .isInstanceOf(AuditException.class)
                .hasMessage("option 'fsync' of audit sink entry '" + entry + "' is '10 parsecs'; write batch (force"
                        + " after every batch), none (leave it to the OS) or a duration such as 10ms (force at most"
                        + " that often)");
        assertThat(dir.resolve("a.jsonl")).doesNotExist();

        assertThatThrownBy(() -> AuditSinks.open("jsonl:" + dir.resolve("a.jsonl") + "?fsync=0ms"))
                .hasMessageContaining("is '0ms'; a duration must be positive (fsync=batch forces after every batch)");
        assertThatThrownBy(() -> AuditSinks.open("jsonl:" + dir.resolve("a.jsonl") + "?fsync=2m"))
                .hasMessageContaining("is '2m'; at most 60s");
        assertThatThrownBy(() -> AuditSinks.open("jsonl:" + dir.resolve("a.jsonl") + "?fsync=99999999999999999999ms"))
                .hasMessageContaining("write batch (force after every batch), none");
    }

    private void awaitPendingTimer() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pendingTimers() == 0) {
            assertThat(System.nanoTime() - deadline).as("the writer delivered the event").isNegative();
            Thread.sleep(1);
        }
    }

    private void awaitForces(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (forces.get() < expected) {
            assertThat(System.nanoTime() - deadline).as("a force after the checkpoint").isNegative();
            Thread.sleep(1);
        }
        assertThat(forces).hasValue(expected);
    }
}
