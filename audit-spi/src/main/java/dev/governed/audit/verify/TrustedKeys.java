package dev.governed.audit.verify;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.governed.audit.chain.Checkpoint;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;

/** The public keys checkpoints must be signed with, by {@code kid}; checks one checkpoint's JWS. */
final class TrustedKeys {

    private final Map<String, JWK> byId;

    TrustedKeys(Map<String, JWK> byId) {
        this.byId = Map.copyOf(byId);
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Why the checkpoint's signature is not acceptable, or empty when it is. */
    Optional<String> problemWith(Checkpoint checkpoint) {
        if (checkpoint.signature() == null) {
            return Optional.of("checkpoint is not signed, but signatures are required");
        }
        try {
            JWSObject jws = JWSObject.parse(checkpoint.signature());
            JWK key = byId.get(jws.getHeader().getKeyID());
            if (key == null) {
                return Optional.of("checkpoint signed with unknown key '" + jws.getHeader().getKeyID()
                        + "'; trusted: " + byId.keySet());
            }
            if (!jws.verify(verifierFor(key))) {
                return Optional.of("checkpoint signature is invalid (forged or altered)");
            }
            if (!jws.getPayload().toString().equals(checkpoint.signingInput())) {
                return Optional.of("checkpoint fields differ from what its signature covers (altered)");
            }
            return Optional.empty();
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.of("checkpoint signature cannot be checked: " + e.getMessage());
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
