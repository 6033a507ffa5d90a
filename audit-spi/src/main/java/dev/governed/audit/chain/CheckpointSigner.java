package dev.governed.audit.chain;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.governed.audit.AuditException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;

/**
 * Signs checkpoints (and retention records) as compact JWS ({@code EdDSA} with an Ed25519 OKP key, or {@code ES256} with a
 * P-256 EC key) over {@link Checkpoint#signingInput()}, with the key's {@code kid} in the header.
 */
public final class CheckpointSigner {

    private final JWSSigner signer;
    private final JWSHeader header;
    private final String keyId;

    private CheckpointSigner(JWSSigner signer, JWSAlgorithm algorithm, String keyId) {
        this.signer = signer;
        this.keyId = keyId;
        this.header = new JWSHeader.Builder(algorithm).keyID(keyId).build();
    }

    /** A private Ed25519 ({@code OKP}) or P-256 ({@code EC}) JWK that has a {@code kid}. */
    public static CheckpointSigner fromJwk(JWK jwk) {
        if (jwk.getKeyID() == null || jwk.getKeyID().isBlank()) {
            throw new AuditException("the audit signing key has no 'kid'; add one so verifiers can pick the right public key");
        }
        if (!jwk.isPrivate()) {
            throw new AuditException("the audit signing key '" + jwk.getKeyID()
                    + "' is a public key; checkpoints need the private JWK (with 'd')");
        }
        try {
            if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                return new CheckpointSigner(new Ed25519Signer(okp), JWSAlgorithm.EdDSA, jwk.getKeyID());
            }
            if (jwk instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                return new CheckpointSigner(new ECDSASigner(ec), JWSAlgorithm.ES256, jwk.getKeyID());
            }
        } catch (JOSEException e) {
            throw new AuditException("cannot use audit signing key '" + jwk.getKeyID() + "': " + e.getMessage(), e);
        }
        throw new AuditException("audit signing key '" + jwk.getKeyID() + "' is " + jwk.getKeyType()
                + "; use an Ed25519 OKP key (EdDSA) or a P-256 EC key (ES256)");
    }

    /** Reads a private JWK (JSON) from a file. */
    public static CheckpointSigner fromJwkFile(Path file) {
        try {
            return fromJwk(JWK.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new AuditException("cannot read the audit signing key " + file + ": " + e.getMessage()
                    + "; check the path and that this process may read it", e);
        } catch (ParseException e) {
            throw new AuditException("the audit signing key " + file + " is not a JWK: " + e.getMessage(), e);
        }
    }

    public String keyId() {
        return keyId;
    }

    public Checkpoint sign(String stream, long seq, String head, Instant time) {
        Checkpoint unsigned = new Checkpoint(stream, seq, head, time, null);
        return unsigned.withSignature(jws(unsigned.signingInput(), "audit checkpoint " + stream + "#" + seq));
    }

    /** The record with this key's signature over its {@link RetentionRecord#signingInput()}. */
    public RetentionRecord sign(RetentionRecord record) {
        RetentionRecord unsigned = record.withSignature(null);
        return unsigned.withSignature(jws(unsigned.signingInput(), "retention record " + record.stream() + "#" + record.first()
                + ".." + record.last()));
    }

    private String jws(String signingInput, String what) {
        JWSObject jws = new JWSObject(header, new Payload(signingInput));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new AuditException("cannot sign " + what + ": " + e.getMessage(), e);
        }
        return jws.serialize();
    }
}
