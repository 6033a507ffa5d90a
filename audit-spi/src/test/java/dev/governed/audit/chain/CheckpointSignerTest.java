package dev.governed.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointSignerTest {

    private static final Instant TIME = Instant.parse("2026-11-22T01:02:03.123456Z");

    @TempDir
    Path dir;

    @Test
    void ed25519CheckpointIsACompactJwsOverTheCanonicalCheckpoint() throws Exception {
        Checkpoint checkpoint = CheckpointSigner.fromJwk(TestKeys.ED25519).sign("s", 5, "a".repeat(64), TIME);

        JWSObject jws = JWSObject.parse(checkpoint.signature());
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(jws.getHeader().getKeyID()).isEqualTo("audit-ed-1");
        assertThat(jws.verify(new Ed25519Verifier(TestKeys.ED25519.toPublicJWK()))).isTrue();
        assertThat(jws.getPayload().toString()).isEqualTo(
                "{\"head\":\"" + "a".repeat(64) + "\",\"seq\":5,\"stream\":\"s\",\"time\":\"2026-11-22T01:02:03.123456Z\",\"type\":\"checkpoint\"}");
    }

    @Test
    void es256KeyFromAJwkFileSigns() throws Exception {
        Path file = Files.writeString(dir.resolve("key.jwk"), TestKeys.ES256.toJSONString());

        Checkpoint checkpoint = CheckpointSigner.fromJwkFile(file).sign("s", 1, "b".repeat(64), TIME);

        JWSObject jws = JWSObject.parse(checkpoint.signature());
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jws.verify(new ECDSAVerifier(TestKeys.ES256.toPublicJWK()))).isTrue();
    }

    @Test
    void checkpointLineHasTheContractShape() {
        Checkpoint checkpoint = new Checkpoint("s", 5, "a".repeat(64), TIME, "x.y.z");

        assertThat(checkpoint.toJson()).isEqualTo("{\"type\":\"checkpoint\",\"stream\":\"s\",\"seq\":5,\"head\":\""
                + "a".repeat(64) + "\",\"time\":\"2026-11-22T01:02:03.123456Z\",\"signature\":\"x.y.z\"}");
        assertThat(Checkpoint.fromTree(AuditJson.readTree(checkpoint.toJson()))).isEqualTo(checkpoint);
        Checkpoint signed = CheckpointSigner.fromJwk(TestKeys.ES256).sign("s", 1, "c".repeat(64),
                Instant.parse("2026-11-22T01:02:03.123456789Z"));
        assertThat(Checkpoint.fromTree(AuditJson.readTree(signed.toJson()))).isEqualTo(signed);
    }

    @Test
    void publicOrKidlessOrUnsupportedKeysAreRejectedWithTheReason() throws Exception {
        assertThatThrownBy(() -> CheckpointSigner.fromJwk(TestKeys.ED25519.toPublicJWK()))
                .isInstanceOf(AuditException.class).hasMessageContaining("public key");
        assertThatThrownBy(() -> CheckpointSigner.fromJwk(new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).generate())).hasMessageContaining("no 'kid'");
        assertThatThrownBy(() -> CheckpointSigner.fromJwk(new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
                .keyID("r").generate())).hasMessageContaining("use an Ed25519 OKP key");
        assertThatThrownBy(() -> CheckpointSigner.fromJwkFile(dir.resolve("missing.jwk")))
                .hasMessageContaining("cannot read the audit signing key");
    }
}
