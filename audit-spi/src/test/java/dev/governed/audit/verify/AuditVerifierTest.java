package dev.governed.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditException;
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
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each tamper case against a file written by a real dispatcher: 12 events, checkpoints at 5, 10 and 12. */
class AuditVerifierTest {

    @TempDir
    Path dir;

    private Path file;
    private AuditVerifier verifier;

    @BeforeEach
    void writeSignedAuditFile() {
        file = dir.resolve("audit.jsonl");
        write(file, 12);
        verifier = AuditVerifier.trusting(new JWKSet(TestKeys.ED25519.toPublicJWK()));
    }

    private static void write(Path target, int events) {
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + target + "?fsync=none")
                .signer(CheckpointSigner.fromJwk(TestKeys.ED25519)).checkpointEvery(5).closeOnShutdown(false).build()) {
            for (int i = 0; i < events; i++) {
                dispatcher.record(AuditFixtures.event("agent:" + i));
            }
        }
    }

    @Test
    void untouchedFileIsIntact() throws IOException {
        VerificationResult result = verifier.verify(file);

        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(12);
        assertThat(result.streams()).isEqualTo(1);
        assertThat(result.checkpoints()).isEqualTo(3);
        assertThat(result.checkpointsSigned()).isEqualTo(3);
        assertThat(result.warnings()).isEmpty();
        assertThat(result.verdict()).isEqualTo(Verdict.PROVEN);
        assertThat(lines()).hasSize(15);
    }

    @Test
    void deletedEventIsDetectedAtTheFollowingLine() throws IOException {
        List<String> lines = lines();
        int third = lineOfSeq(lines, 3);
        lines.remove(third);
        rewrite(lines);

        assertFirstProblem(third + 1, "seq jumps from 2 to 4: 1 event(s) deleted");
    }

    @Test
    void changedFieldIsDetected() throws IOException {
        List<String> lines = lines();
        int fourth = lineOfSeq(lines, 4);
        lines.set(fourth, lines.get(fourth).replace("\"rows\":12", "\"rows\":0"));
        rewrite(lines);

        assertFirstProblem(fourth + 1, "does not match its hash: its content was changed");
    }

    @Test
    void changedFieldWithRecomputedHashBreaksTheNextLink() throws IOException {
        List<String> lines = lines();
        int fourth = lineOfSeq(lines, 4);
        ObjectNode tree = (ObjectNode) AuditJson.readTree(lines.get(fourth).replace("agent:3", "agent:nobody"));
        ((ObjectNode) tree.get("chain")).put("hash", HashChain.hashOf(tree));
        lines.set(fourth, AuditJson.write(tree));
        rewrite(lines);

        assertFirstProblem(lineOfSeq(lines, 5) + 1, "prev of seq 5 is not the hash of seq 4");
    }

    @Test
    void consistentlyRewrittenChainIsCaughtByTheCheckpoint() throws IOException {
        List<String> lines = lines();
        String prev = HashChain.GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            ObjectNode tree = (ObjectNode) AuditJson.readTree(lines.get(i));
            if (Checkpoint.isCheckpoint(tree)) {
                continue;
            }
            if (tree.at("/chain/seq").asLong() == 2) {
                tree.with("outcome").put("status", "denied");
            }
            ((ObjectNode) tree.get("chain")).put("prev", prev);
            prev = HashChain.hashOf(tree);
            ((ObjectNode) tree.get("chain")).put("hash", prev);
            lines.set(i, AuditJson.write(tree));
        }
        rewrite(lines);

        VerificationResult result = verifier.verify(file);
        assertThat(result.intact()).isFalse();
        assertThat(result.firstProblem().orElseThrow().reason())
                .contains("checkpoint head for seq 5 does not match the event");
    }

    @Test
    void insertedEventIsDetected() throws IOException {
        List<String> lines = lines();
        int third = lineOfSeq(lines, 3);
        ObjectNode forged = (ObjectNode) AuditJson.readTree(lines.get(third));
        forged.put("id", "01a20116-0000-7000-8000-000000000000");
        forged.with("actor").put("subject", "agent:forged");
        ((ObjectNode) forged.get("chain")).put("hash", HashChain.hashOf(forged));
        lines.add(third + 1, AuditJson.write(forged));
        rewrite(lines);

        assertFirstProblem(third + 2, "seq 3 appears twice with different content");
    }

    @Test
    void eventWithoutChainIsDetectedAsInserted() throws IOException {
        List<String> lines = lines();
        lines.add(2, AuditJson.toJson(AuditFixtures.event("agent:forged")));
        rewrite(lines);

        assertFirstProblem(3, "event without a complete chain");
    }

    @Test
    void reorderedEventsAreDetected() throws IOException {
        List<String> lines = lines();
        int second = lineOfSeq(lines, 2);
        int third = lineOfSeq(lines, 3);
        String swap = lines.get(second);
        lines.set(second, lines.get(third));
        lines.set(third, swap);
        rewrite(lines);

        assertFirstProblem(second + 1, "seq 3 comes before seq 2: events were reordered");
    }

    @Test
    void truncationBeforeALaterCheckpointIsDetected() throws IOException {
        List<String> lines = lines();
        List<String> kept = new ArrayList<>();
        for (String each : lines) {
            boolean event = !each.contains("\"type\":\"checkpoint\"");
            long seq = AuditJson.readTree(each).at(event ? "/chain/seq" : "/seq").asLong();
            if (!event || seq <= 7) {
                kept.add(each);
            }
        }
        rewrite(kept);

        VerificationResult result = verifier.verify(file);
        assertThat(result.intact()).isFalse();
        assertThat(result.problems()).extracting(Problem::reason)
                .anyMatch(r -> r.contains("checkpoint at seq 10 but the stream ends at seq 7: events were truncated"));
    }

    @Test
    void forgedSignatureIsDetected() throws IOException {
        List<String> lines = lines();
        int checkpoint = lines.size() - 1;
        Checkpoint original = Checkpoint.fromTree(AuditJson.readTree(lines.get(checkpoint)));
        Checkpoint forged = CheckpointSigner.fromJwk(TestKeys.ed25519("audit-ed-1"))
                .sign(original.stream(), original.seq(), original.head(), original.time());
        lines.set(checkpoint, forged.toJson());
        rewrite(lines);

        assertFirstProblem(checkpoint + 1, "checkpoint signature is invalid");
    }

    @Test
    void alteredCheckpointFieldIsDetectedEvenWithAValidSignature() throws IOException {
        List<String> lines = lines();
        int checkpoint = lines.size() - 1;
        lines.set(checkpoint, lines.get(checkpoint).replaceFirst("\"time\":\"[^\"]+\"", "\"time\":\"2030-01-01T00:00:00.000000Z\""));
        rewrite(lines);

        assertFirstProblem(checkpoint + 1, "checkpoint fields differ from what its signature covers");
    }

    @Test
    void unsignedOrUnknownKeyCheckpointsAreNotProvenWhenKeysAreTrusted() throws IOException {
        VerificationResult stranger = AuditVerifier.trusting(new JWKSet(TestKeys.ES256.toPublicJWK())).verify(file);
        assertThat(stranger.verdict()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(stranger.unproven().get(0).detail()).contains("signed with unknown key 'audit-ed-1'");
        List<String> lines = lines();
        int checkpoint = lines.size() - 1;
        Checkpoint original = Checkpoint.fromTree(AuditJson.readTree(lines.get(checkpoint)));
        lines.set(checkpoint, original.withSignature(null).toJson());
        rewrite(lines);

        VerificationResult unsigned = verifier.verify(file);
        assertThat(unsigned.verdict()).as(unsigned.summary()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(unsigned.unproven()).extracting(Unproven::reason).containsExactly(Unproven.Reason.UNSIGNED);
        assertThat(unsigned.unproven().get(0).detail()).contains("events 11..12", "checkpoint is not signed");
    }

    @Test
    void withoutKeysChainsAreStillCheckedButSignaturesAreNot() throws IOException {
        VerificationResult result = AuditVerifier.withoutSignatures().verify(file);

        assertThat(result.intact()).isTrue();
        assertThat(result.checkpointsSigned()).isZero();
        assertThat(result.verdict()).isEqualTo(Verdict.NOT_PROVEN);
        assertThat(result.unproven()).extracting(Unproven::reason).containsExactly(Unproven.Reason.NO_KEYS);
        assertThat(AuditVerifier.withoutSignatures().allowing(List.of(Unproven.Allowance.UNSIGNED)).verify(file).verdict())
                .isEqualTo(Verdict.PROVEN);
    }

    @Test
    void exactRedeliveryIsCountedAsDuplicateNotTampering() throws IOException {
        List<String> lines = lines();
        lines.add(lines.get(lineOfSeq(lines, 6)));
        rewrite(lines);

        VerificationResult result = verifier.verify(file);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.duplicates()).isEqualTo(1);
        assertThat(result.events()).isEqualTo(12);
    }

    @Test
    void cutOffLastLineIsReported() throws IOException {
        List<String> lines = lines();
        String last = lines.get(lines.size() - 1);
        lines.set(lines.size() - 1, last.substring(0, last.length() / 2));
        rewrite(lines);

        assertFirstProblem(lines.size(), "not a JSON object");
    }

    @Test
    void restartedDispatcherContinuesTheChainAndBothStreamsVerify() throws IOException {
        write(file, 3);

        VerificationResult result = verifier.verify(file);

        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.streams()).isEqualTo(2);
        assertThat(result.events()).isEqualTo(15);
        List<String> lines = lines();
        String lastHeadOfFirst = AuditJson.readTree(lines.get(14)).get("head").asText();
        assertThat(AuditJson.readTree(lines.get(15)).at("/chain/prev").asText()).isEqualTo(lastHeadOfFirst);
    }

    @Test
    void deletingAWholeEarlierStreamIsDetected() throws IOException {
        write(file, 3);
        List<String> lines = lines();
        rewrite(lines.subList(15, lines.size()));

        assertFirstProblem(1, "an earlier stream is missing");
    }

    @Test
    void directoryIsVerifiedAcrossRotatedFiles() throws IOException {
        Path logs = dir.resolve("rotated");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + logs.resolve("audit.jsonl")
                        + "?maxSize=2KB&fsync=none").batchSize(1).signer(CheckpointSigner.fromJwk(TestKeys.ED25519))
                .checkpointEvery(4).closeOnShutdown(false).build()) {
            for (int i = 0; i < 20; i++) {
                dispatcher.record(AuditFixtures.event("agent:" + i));
                dispatcher.flush();
            }
        }

        VerificationResult result = verifier.verify(logs);

        assertThat(result.files()).hasSizeGreaterThan(2);
        assertThat(result.intact()).as(result.summary()).isTrue();
        assertThat(result.events()).isEqualTo(20);
    }

    @Test
    void linesFromAnyReaderVerifyAndNameTheSource() throws IOException {
        List<String> lines = lines();
        lines.remove(lineOfSeq(lines, 8));

        VerificationResult result = verifier.verify("https://service/v1/audit/export",
                new java.io.StringReader(String.join("\n", lines)));

        assertThat(result.intact()).isFalse();
        assertThat(result.firstProblem().orElseThrow().location()).startsWith("https://service/v1/audit/export:");
        assertThat(verifier.verify("intact", new java.io.StringReader(String.join("\n", lines())))
                .intact()).isTrue();
    }

    @Test
    void missingFileAndBadKeysAreClearErrors() throws IOException {
        assertThatThrownBy(() -> verifier.verify(dir.resolve("nope.jsonl")))
                .isInstanceOf(IOException.class).hasMessageContaining("no audit file or directory at");
        Path notKeys = Files.writeString(dir.resolve("keys.json"), "{\"hello\":1}");
        assertThatThrownBy(() -> AuditVerifier.trusting(notKeys))
                .isInstanceOf(AuditException.class).hasMessageContaining("not a JWK or JWK Set");
    }

    @Test
    void keysAreReadFromAJwkSetFile() throws IOException {
        Path keys = Files.writeString(dir.resolve("keys.json"),
                new JWKSet(List.of(TestKeys.ED25519.toPublicJWK(), TestKeys.ES256.toPublicJWK())).toString());

        assertThat(AuditVerifier.trusting(keys).verify(file).checkpointsSigned()).isEqualTo(3);
    }

    private void assertFirstProblem(int line, String reason) throws IOException {
        VerificationResult result = verifier.verify(file);
        assertThat(result.intact()).isFalse();
        Problem first = result.firstProblem().orElseThrow();
        assertThat(first.location()).isEqualTo(file + ":" + line);
        assertThat(first.reason()).contains(reason);
    }

    private List<String> lines() throws IOException {
        return new ArrayList<>(Files.readAllLines(file));
    }

    private void rewrite(List<String> lines) throws IOException {
        Files.write(file, lines);
    }

    private static int lineOfSeq(List<String> lines, long seq) {
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).contains("\"type\":\"checkpoint\"")
                    && AuditJson.readTree(lines.get(i)).at("/chain/seq").asLong() == seq) {
                return i;
            }
        }
        throw new AssertionError("no seq " + seq);
    }
}
