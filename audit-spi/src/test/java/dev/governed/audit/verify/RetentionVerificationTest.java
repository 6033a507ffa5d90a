package dev.governed.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.AuditJson;
import dev.governed.audit.TestKeys;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.RetentionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trail whose oldest segments were expired: the signed retention record stands in for them. The trail: 12 events
 * from a real dispatcher, Ed25519-signed checkpoints at 5, 10 and 12.
 */
class RetentionVerificationTest {

    @TempDir
    Path dir;

    private Path file;
    private List<String> original;
    private final CheckpointSigner keeper = CheckpointSigner.fromJwk(TestKeys.ED25519);
    private final AuditVerifier verifier = AuditVerifier.trusting(new JWKSet(TestKeys.ED25519.toPublicJWK()));

    @BeforeEach
    void writeSignedTrail() throws IOException {
        file = dir.resolve("audit.jsonl");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=none")
                .signer(keeper).checkpointEvery(5).closeOnShutdown(false).build()) {
            for (int i = 0; i < 12; i++) {
                dispatcher.record(AuditFixtures.event("agent:" + i));
            }
        }
        original = Files.readAllLines(file);
    }

    @Test
    void expiredSegmentsWithTheirSignedRecordsAreProvenAndReported() throws IOException {
        RetentionRecord first = keeper.sign(record(1, 5, "resource=orders-db P30D"));
        RetentionRecord second = keeper.sign(record(6, 10, "default P90D"));
        rewrite(List.of(first.toJson(), second.toJson()), remainingAfter(10));

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.PROVEN);
        assertThat(result.summary()).startsWith("PROVEN: 2 events")
                .contains("events 1..5 expired 2026-12-05T08:00:00Z under rule resource=orders-db P30D")
                .contains("events 6..10 expired 2026-12-05T08:00:00Z under rule default P90D");
    }

    @Test
    void streamWhoseEventsAllExpiredIsProvenByItsRecord() throws IOException {
        rewrite(List.of(keeper.sign(record(1, 12, "default P1D")).toJson()), List.of());

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.PROVEN);
        assertThat(result.summary()).contains("events 1..12 expired");
    }

    @Test
    void resumedStreamStillLinksToAPredecessorWhoseEventsAllExpired() throws IOException {
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=none")
                .signer(keeper).checkpointEvery(5).closeOnShutdown(false).build()) {
            for (int i = 0; i < 10; i++) {
                dispatcher.record(AuditFixtures.event("agent:resumed-" + i));
            }
        }
        List<String> both = Files.readAllLines(file);
        String first = stream();
        String second = both.stream().map(AuditJson::readTree).filter(t -> t.has("chain"))
                .map(t -> t.path("chain").path("stream").asText()).filter(id -> !id.equals(first)).findFirst().orElseThrow();
        original = both;
        RetentionRecord wholeFirst = keeper.sign(record(1, 12, "default P1D"));
        JsonNode secondFirst = both.stream().map(AuditJson::readTree)
                .filter(t -> t.path("chain").path("stream").asText().equals(second) && t.path("chain").path("seq").asLong() == 1)
                .findFirst().orElseThrow();
        assertThat(secondFirst.path("chain").path("prev").asText()).as("the second stream resumes from the first's head")
                .isEqualTo(wholeFirst.lastHash());
        List<String> secondOnly = both.stream().filter(l -> l.contains(second)).toList();

        rewrite(List.of(wholeFirst.toJson()), secondOnly);
        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.PROVEN);
        assertThat(result.summary()).contains("stream " + first + ": events 1..12 expired");
    }

    @Test
    void streamStartingAfterSeqOneWithoutARecordIsTampered() throws IOException {
        rewrite(List.of(), remainingAfter(5));

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(result.summary()).contains("stream starts at seq 6");
    }

    @Test
    void recordAlteredAfterSigningIsTampered() throws IOException {
        RetentionRecord signed = keeper.sign(record(1, 5, "resource=orders-db P30D"));
        String altered = signed.toJson().replace("P30D", "P1D");
        rewrite(List.of(altered), remainingAfter(5));

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(result.summary()).contains("retention record fields differ from what its signature covers");
    }

    @Test
    void recordSignedByAnUntrustedKeyProvesNothing() throws IOException {
        RetentionRecord forged = CheckpointSigner.fromJwk(TestKeys.ed25519("attacker")).sign(record(1, 5, "default P1D"));
        rewrite(List.of(forged.toJson()), remainingAfter(5));

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(result.summary()).contains("retention record signed with unknown key 'attacker'");
    }

    @Test
    void signedRecordThatDoesNotLinkToTheRemainingEventsIsTampered() throws IOException {
        // a validly signed record for other events (e.g. replayed from another trail) in front of this stream
        String otherHead = "ab".repeat(32);
        Checkpoint otherCheckpoint = keeper.sign(stream(), 5, otherHead, Instant.parse("2026-12-01T00:00:00Z"));
        RetentionRecord unlinked = keeper.sign(new RetentionRecord(stream(), 1, 5, "0".repeat(64), otherHead, "default P1D",
                Instant.parse("2026-12-05T08:00:00Z"), otherCheckpoint, null));
        rewrite(List.of(unlinked.toJson()), remainingAfter(5));

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(result.summary()).contains("prev of seq 6 is not the hash of the last expired event");
    }

    @Test
    void recordWhoseCheckpointIsNotItsLastEventsIsTampered() throws IOException {
        RetentionRecord signed = keeper.sign(record(1, 5, "default P1D"));
        Checkpoint elsewhere = checkpointAt(10);
        RetentionRecord mismatched = keeper.sign(new RetentionRecord(signed.stream(), 1, 5, signed.prev(), signed.lastHash(),
                signed.rule(), signed.expiredAt(), elsewhere, null));
        rewrite(List.of(mismatched.toJson()), remainingAfter(5));

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(result.summary()).contains("does not carry the checkpoint of its last event");
    }

    @Test
    void recordThatSkipsEventsIsTampered() throws IOException {
        RetentionRecord second = keeper.sign(record(6, 10, "default P1D"));
        rewrite(List.of(second.toJson()), remainingAfter(10));

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(result.summary()).contains("does not continue from seq 0");
    }

    @Test
    void recordAfterTheEventsItPrecedesIsTampered() throws IOException {
        RetentionRecord signed = keeper.sign(record(1, 5, "default P1D"));
        List<String> lines = new ArrayList<>(remainingAfter(5));
        lines.add(signed.toJson());
        rewrite(List.of(), lines);

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.TAMPERED);
    }

    @Test
    void witnessedHeadInsideTheExpiredEventsIsVouchedForByTheRecord() throws IOException {
        rewrite(List.of(keeper.sign(record(1, 10, "default P1D")).toJson()), remainingAfter(10));

        VerificationResult older = verifier.witnessedBy(List.of(new WitnessedHead(checkpointAt(5), null))).verify(file);
        assertThat(older.verdict()).as(older.summary()).isEqualTo(Verdict.PROVEN);
        Checkpoint other = keeper.sign(stream(), 10, "ef".repeat(32), Instant.parse("2026-12-01T00:00:00Z"));
        VerificationResult rewritten = verifier.witnessedBy(List.of(new WitnessedHead(other, null))).verify(file);
        assertThat(rewritten.verdict()).as(rewritten.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(rewritten.summary()).contains("the expired events were rewritten");
    }

    private RetentionRecord record(long first, long last, String rule) {
        JsonNode firstEvent = event(first);
        JsonNode lastEvent = event(last);
        return new RetentionRecord(stream(), first, last, firstEvent.path("chain").path("prev").asText(),
                lastEvent.path("chain").path("hash").asText(), rule, Instant.parse("2026-12-05T08:00:00Z"), checkpointAt(last), null);
    }

    private String stream() {
        return event(1).path("chain").path("stream").asText();
    }

    private JsonNode event(long seq) {
        return original.stream().map(AuditJson::readTree).filter(t -> t.path("chain").path("seq").asLong() == seq)
                .findFirst().orElseThrow();
    }

    private Checkpoint checkpointAt(long seq) {
        return original.stream().map(AuditJson::readTree).filter(Checkpoint::isCheckpoint).map(Checkpoint::fromTree)
                .filter(c -> c.seq() == seq).findFirst().orElseThrow();
    }

    /** The events after {@code seq} and their checkpoints, as the store keeps them after expiry. */
    private List<String> remainingAfter(long seq) {
        List<String> result = new ArrayList<>();
        for (String each : original) {
            JsonNode tree = AuditJson.readTree(each);
            long at = Checkpoint.isCheckpoint(tree) ? tree.path("seq").asLong() : tree.path("chain").path("seq").asLong();
            if (at > seq) {
                result.add(each);
            }
        }
        return result;
    }

    private void rewrite(List<String> records, List<String> lines) throws IOException {
        List<String> all = new ArrayList<>(records);
        all.addAll(lines);
        Files.write(file, all);
    }
}
