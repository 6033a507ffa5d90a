package dev.governed.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.AuditJson;
import dev.governed.audit.TestKeys;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.HashChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks by someone who can write the audit file: each must end in TAMPERED or NOT PROVEN, never PROVEN.
 * The trail: 12 events from a real dispatcher, Ed25519-signed checkpoints at 5, 10 and 12.
 */
class StrictVerificationTest {

    @TempDir
    Path dir;

    private Path file;
    private final AuditVerifier verifier = AuditVerifier.trusting(new JWKSet(TestKeys.ED25519.toPublicJWK()));

    @BeforeEach
    void writeSignedTrail() {
        file = dir.resolve("audit.jsonl");
        write(12);
    }

    private void write(int events) {
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=none")
                .signer(CheckpointSigner.fromJwk(TestKeys.ED25519)).checkpointEvery(5).closeOnShutdown(false).build()) {
            for (int i = 0; i < events; i++) {
                dispatcher.record(AuditFixtures.event("agent:" + i));
            }
        }
    }

    @Test
    void untouchedTrailIsProvenWithExitZero() throws IOException {
        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.PROVEN);
        assertThat(result.verdict().exitCode()).isZero();
        assertThat(result.summary()).startsWith("PROVEN: 12 events");
    }

    @Test
    void editedEventReChainedWithSignaturesStrippedIsNotProven() throws IOException {
        rewrite(reChain(edited(lines()), null));

        VerificationResult strict = verifier.verify(file);
        assertThat(strict.verdict()).as(strict.summary()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(strict.verdict().exitCode()).isEqualTo(3);
        assertThat(strict.unproven()).extracting(Unproven::reason).containsOnly(Unproven.Reason.UNSIGNED);
        VerificationResult noKeys = AuditVerifier.withoutSignatures().verify(file);
        assertThat(noKeys.verdict()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(noKeys.summary()).startsWith("NOT PROVEN").contains("unsigned");
    }

    @Test
    void editedEventReChainedAndSignedByAnUntrustedKeyIsNotProven() throws IOException {
        rewrite(reChain(edited(lines()), CheckpointSigner.fromJwk(TestKeys.ed25519("attacker"))));

        VerificationResult result = verifier.verify(file);
        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(result.unproven()).extracting(Unproven::reason).containsOnly(Unproven.Reason.UNTRUSTED_KEY);
        assertThat(result.summary()).contains("unknown key 'attacker'");
    }

    @Test
    void editedEventReChainedUnderTheOriginalSignaturesIsTampered() throws IOException {
        List<String> forged = reChain(edited(lines()), null);
        List<String> original = lines();
        for (int i = 0; i < forged.size(); i++) {
            if (Checkpoint.isCheckpoint(AuditJson.readTree(forged.get(i)))) {
                String signature = AuditJson.readTree(original.get(i)).get("signature").textValue();
                forged.set(i, Checkpoint.fromTree(AuditJson.readTree(forged.get(i))).withSignature(signature).toJson());
            }
        }
        rewrite(forged);

        VerificationResult result = verifier.verify(file);
        assertThat(result.verdict()).isEqualTo(Verdict.TAMPERED);
        assertThat(result.verdict().exitCode()).isEqualTo(1);
        assertThat(result.firstProblem().orElseThrow().reason()).contains("differ from what its signature covers");
    }

    @Test
    void tailCutBeforeTheLastCheckpointIsNotProvenUnlessOpenTailsAreAllowed() throws IOException {
        rewrite(upToSeq(lines(), 11, false));

        VerificationResult result = verifier.verify(file);
        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(result.unproven()).singleElement().satisfies(u -> {
            assertThat(u.reason()).isEqualTo(Unproven.Reason.OPEN_TAIL);
            assertThat(u.detail()).contains("events after seq 10 (up to 11)");
        });
        assertThat(verifier.allowing(List.of(Unproven.Allowance.OPEN_TAIL)).verify(file).verdict()).isEqualTo(Verdict.PROVEN);
    }

    @Test
    void crashedWriterIsResumedAndItsTailCoveredByTheNextStream() throws IOException {
        rewrite(withoutLastCheckpoint(lines())); // killed after event 12 was written, before its checkpoint
        write(3);

        VerificationResult result = verifier.verify(file);
        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.PROVEN);
        assertThat(result.streams()).isEqualTo(2);
        assertThat(result.notes()).singleElement().asString()
                .contains("stopped at seq 12 without a checkpoint after seq 10 (the writer crashed), then resumed");
    }

    @Test
    void crashedTrailWhoseTailWasCutAfterTheResumeIsTampered() throws IOException {
        rewrite(withoutLastCheckpoint(lines()));
        write(3);
        List<String> lines = lines();
        String firstStream = AuditJson.readTree(lines.get(0)).at("/chain/stream").asText();
        lines.removeIf(l -> l.contains(firstStream) && AuditJson.readTree(l).at("/chain/seq").asLong() >= 11);
        rewrite(lines);

        VerificationResult result = verifier.verify(file);
        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(result.firstProblem().orElseThrow().reason()).contains("its tail was cut");
    }

    @Test
    void witnessCatchesACutExactlyAtAnEarlierCheckpoint() throws IOException {
        WitnessedHead seen = lastCheckpointAsWitnessed(lines());
        rewrite(upToSeq(lines(), 10, true)); // still ends with the signed checkpoint at 10: proven without the witness

        assertThat(verifier.verify(file).verdict()).isEqualTo(Verdict.PROVEN);
        VerificationResult witnessed = verifier.witnessedBy(List.of(seen)).verify(file);
        assertThat(witnessed.verdict()).isEqualTo(Verdict.TAMPERED);
        assertThat(witnessed.firstProblem().orElseThrow().reason())
                .contains("the witness saw seq 12", "trail ends at seq 10: the trail was cut after that checkpoint");
    }

    @Test
    void witnessCatchesATailRewrittenAfterItsLastCheckpoint() throws IOException {
        WitnessedHead seen = lastCheckpointAsWitnessed(lines());
        List<String> lines = withoutLastCheckpoint(lines());
        int last = lines.size() - 1;
        ObjectNode event = (ObjectNode) AuditJson.readTree(lines.get(last));
        ((ObjectNode) event.get("actor")).put("subject", "agent:innocent");
        ((ObjectNode) event.get("chain")).put("hash", HashChain.hashOf(event));
        lines.set(last, AuditJson.write(event));
        rewrite(lines);

        assertThat(verifier.verify(file).verdict()).isEqualTo(Verdict.NOT_PROVEN);
        VerificationResult witnessed = verifier.witnessedBy(List.of(seen)).verify(file);
        assertThat(witnessed.verdict()).isEqualTo(Verdict.TAMPERED);
        assertThat(witnessed.firstProblem().orElseThrow().reason()).contains("the trail was rewritten after that checkpoint");
    }

    @Test
    void witnessCatchesAResumedStreamCutAway() throws IOException {
        rewrite(withoutLastCheckpoint(lines()));
        write(3);
        List<String> lines = lines();
        String secondStream = AuditJson.readTree(lines.get(lines.size() - 1)).get("stream").asText();
        JsonNode firstOfSecond = lines.stream().map(AuditJson::readTree)
                .filter(t -> t.at("/chain/stream").asText().equals(secondStream)).findFirst().orElseThrow();
        WitnessedHead seen = new WitnessedHead(Checkpoint.fromTree(AuditJson.readTree(lines.get(lines.size() - 1))),
                firstOfSecond.at("/chain/prev").asText());
        lines.removeIf(l -> l.contains(secondStream));
        rewrite(lines);

        VerificationResult witnessed = verifier.witnessedBy(List.of(seen)).verify(file);
        assertThat(witnessed.verdict()).as(witnessed.summary()).isEqualTo(Verdict.TAMPERED);
        assertThat(witnessed.firstProblem().orElseThrow().reason()).contains("which resumed stream", "the trail was cut");
    }

    @Test
    void witnessAgreeingWithTheTrailKeepsItProven() throws IOException {
        VerificationResult result = verifier.witnessedBy(List.of(lastCheckpointAsWitnessed(lines()))).verify(file);

        assertThat(result.verdict()).as(result.summary()).isEqualTo(Verdict.PROVEN);
    }

    @Test
    void emptyTrailProvesNothing() throws IOException {
        rewrite(List.of());

        assertThat(verifier.verify(file).verdict()).isEqualTo(Verdict.NOT_PROVEN);
    }

    // --- helpers: what an attacker with write access does

    private static List<String> edited(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("agent:3\"")) {
                lines.set(i, lines.get(i).replace("agent:3\"", "agent:innocent\""));
            }
        }
        return lines;
    }

    /** Recomputes every hash, prev and checkpoint head; checkpoints unsigned or signed by {@code signer}. */
    private static List<String> reChain(List<String> lines, CheckpointSigner signer) {
        Map<String, String> head = new HashMap<>();
        Map<String, String> hashBySeq = new HashMap<>();
        List<String> result = new ArrayList<>();
        for (String each : lines) {
            ObjectNode tree = (ObjectNode) AuditJson.readTree(each);
            if (Checkpoint.isCheckpoint(tree)) {
                Checkpoint old = Checkpoint.fromTree(tree);
                String newHead = hashBySeq.get(old.stream() + "#" + old.seq());
                result.add((signer == null ? new Checkpoint(old.stream(), old.seq(), newHead, old.time(), null)
                        : signer.sign(old.stream(), old.seq(), newHead, old.time())).toJson());
                continue;
            }
            ObjectNode chain = (ObjectNode) tree.get("chain");
            String stream = chain.get("stream").asText();
            chain.put("prev", head.getOrDefault(stream, chain.get("prev").asText()));
            String hash = HashChain.hashOf(tree);
            chain.put("hash", hash);
            head.put(stream, hash);
            hashBySeq.put(stream + "#" + chain.get("seq").asLong(), hash);
            result.add(AuditJson.write(tree));
        }
        return result;
    }

    private static List<String> upToSeq(List<String> lines, long last, boolean keepCheckpointAtLast) {
        List<String> kept = new ArrayList<>();
        for (String each : lines) {
            JsonNode tree = AuditJson.readTree(each);
            boolean checkpoint = Checkpoint.isCheckpoint(tree);
            long seq = tree.at(checkpoint ? "/seq" : "/chain/seq").asLong();
            if (seq < last || seq == last && (!checkpoint || keepCheckpointAtLast)) {
                kept.add(each);
            }
        }
        return kept;
    }

    private static List<String> withoutLastCheckpoint(List<String> lines) {
        List<String> result = new ArrayList<>(lines);
        assertThat(result.get(result.size() - 1)).contains("\"type\":\"checkpoint\"");
        result.remove(result.size() - 1);
        return result;
    }

    private static WitnessedHead lastCheckpointAsWitnessed(List<String> lines) {
        return new WitnessedHead(Checkpoint.fromTree(AuditJson.readTree(lines.get(lines.size() - 1))), HashChain.GENESIS);
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(file));
    }

    private void rewrite(List<String> lines) throws IOException {
        Files.write(file, lines);
    }
}
