package dev.governed.service.audit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.governed.audit.chain.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the signatures of uploaded checkpoints against the audit keys the service trusts (configured agents'
 * public keys, plus its own), so the central store can tell a signed trail from a forged one.
 * (Same check as audit-spi's verifier, whose key holder is package-private.)
 */
public final class CheckpointSignatures {
    public static final String VALID = "valid";
    public static final String INVALID = "invalid";
    public static final String UNKNOWN_KEY = "unknown-key";
    public static final String UNSIGNED = "unsigned";

    private final Map<String, JWK> byId;

    public CheckpointSignatures(List<JWK> keys) {
        Map<String, JWK> result = new HashMap<>();
        for (JWK each : keys) {
            if (each.getKeyID() == null) {
                throw new IllegalArgumentException("a trusted audit key has no 'kid'; checkpoints name their key by kid");
            }
            result.put(each.getKeyID(), each.toPublicJWK());
        }
        this.byId = Map.copyOf(result);
    }

    /** Public keys from a JWK or JWK Set file. */
    public static List<JWK> read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.contains("\"keys\"") ? JWKSet.parse(text).getKeys() : List.of(JWK.parse(text));
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read trusted audit keys from " + file + ": " + e.getMessage()
                    + "; give a JWK or JWK Set file with the agents' public checkpoint keys", e);
        }
    }

    /** The public keys checkpoints are checked against: what {@code GET /v1/audit/keys} publishes. */
    public JWKSet publicKeys() {
        return new JWKSet(List.copyOf(byId.values()));
    }

    public String check(Checkpoint checkpoint) {
        if (checkpoint.signature() == null) {
            return UNSIGNED;
        }
        try {
            JWSObject jws = JWSObject.parse(checkpoint.signature());
            JWK key = byId.get(jws.getHeader().getKeyID());
            if (key == null) {
                return UNKNOWN_KEY;
            }
            boolean valid = jws.verify(verifierFor(key)) && jws.getPayload().toString().equals(checkpoint.signingInput());
            return valid ? VALID : INVALID;
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return INVALID;
        }
    }

    private static JWSVerifier verifierFor(JWK key) throws JOSEException {
        if (key instanceof OctetKeyPair okp) {
            return new Ed25519Verifier(okp);
        }
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        throw new JOSEException("key " + key.getKeyID() + " of type " + key.getKeyType() + " cannot verify checkpoints");
    }
}
