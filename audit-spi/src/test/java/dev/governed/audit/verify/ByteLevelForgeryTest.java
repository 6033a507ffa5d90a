package dev.governed.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditFixtures;
import dev.governed.audit.TestKeys;
import dev.governed.audit.chain.CheckpointSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits of one event line that keep it valid JSON but change what a reader of the raw line sees: a second value for a
 * field, a field the event contract does not have, a value re-encoded. None may leave the trail PROVEN with a content
 * that differs from what the chain and its signed checkpoint cover.
 */
class ByteLevelForgeryTest {

    @TempDir
    Path dir;

    private Path file;
    private final AuditVerifier verifier = AuditVerifier.trusting(new JWKSet(TestKeys.ED25519.toPublicJWK()));

    @BeforeEach
    void writeSignedTrail() {
        file = dir.resolve("audit.jsonl");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=none")
                .signer(CheckpointSigner.fromJwk(TestKeys.ED25519)).checkpointEvery(5).closeOnShutdown(false).build()) {
            for (int i = 0; i < 6; i++) {
                dispatcher.record(AuditFixtures.event("agent:" + i));
            }
        }
    }

    static List<Named<UnaryOperator<String>>> forgeries() {
        return List.of(
                Named.of("a second subject after the first", line -> line.replaceFirst("\"subject\":\"agent:2\"",
                        "\"subject\":\"agent:2\",\"subject\":\"mallory\"")),
                Named.of("a second subject before the first", line -> line.replaceFirst("\"subject\":\"agent:2\"",
                        "\"subject\":\"mallory\",\"subject\":\"agent:2\"")),
                Named.of("a second decision object", line -> line.replaceFirst("\"decision\":\\{",
                        "\"decision\":{\"effect\":\"deny\"},\"decision\":{")),
                Named.of("a field the contract does not have", line -> line.replaceFirst("\\{", "{\"note\":\"approved by the CISO\",")),
                Named.of("a nested unknown field", line -> line.replaceFirst("\"subject\":\"agent:2\"",
                        "\"subject\":\"agent:2\",\"realSubject\":\"mallory\"")),
                Named.of("a trailing second document", line -> line + " {\"type\":\"note\"}"),
                Named.of("a byte order mark", line -> "\uFEFF" + line));
    }

    @ParameterizedTest
    @MethodSource("forgeries")
    void anEditedLineIsNeverProvenAsSomethingElse(UnaryOperator<String> forgery) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        int target = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"subject\":\"agent:2\"")) {
                target = i;
            }
        }
        String forged = forgery.apply(lines.get(target));
        assertThat(forged).isNotEqualTo(lines.get(target));
        lines.set(target, forged);
        Files.write(file, lines, StandardCharsets.UTF_8);

        VerificationResult result = verifier.verify(file);

        assertThat(result.verdict()).as(result.summary()).isNotEqualTo(Verdict.PROVEN);
    }
}
