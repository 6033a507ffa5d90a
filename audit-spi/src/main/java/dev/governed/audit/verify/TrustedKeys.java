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
import dev.governed.audit.chain.RetentionRecord;
import java.text.ParseException;
import java.util.Map;

/** The public keys checkpoints and retention records must be signed with, by {@code kid}; checks one JWS. */
final class TrustedKeys {

    private final Map<String, JWK> byId;

    TrustedKeys(Map<String, JWK> byId) {
        this.byId = Map.copyOf(byId);
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    /** What a checkpoint's signature proves; {@code reason} says why it is not {@code VALID}. */
    record Check(Kind kind, String reason) {
        enum Kind { VALID, INVALID, UNSIGNED, UNTRUSTED, NOT_CHECKED }
    }

    Check check(Checkpoint checkpoint) {
        return check(checkpoint.signature(), checkpoint.signingInput(), "checkpoint");
    }

    Check check(RetentionRecord record) {
        return check(record.signature(), record.signingInput(), "retention record");
    }

    private Check check(String signature, String signingInput, String what) {
        if (signature == null) {
            return new Check(Check.Kind.UNSIGNED, what + " is not signed");
        }
        try {
            JWSObject jws = JWSObject.parse(signature);
            if (byId.isEmpty()) {
                return new Check(Check.Kind.NOT_CHECKED, "no trusted keys given; signature by key '"
                        + jws.getHeader().getKeyID() + "' not checked");
            }
            JWK key = byId.get(jws.getHeader().getKeyID());
            if (key == null) {
                return new Check(Check.Kind.UNTRUSTED, what + " signed with unknown key '" + jws.getHeader().getKeyID()
                        + "'; trusted: " + byId.keySet());
            }
            if (!jws.verify(verifierFor(key))) {
                return new Check(Check.Kind.INVALID, what + " signature is invalid (forged or altered)");
            }
            if (!jws.getPayload().toString().equals(signingInput)) {
                return new Check(Check.Kind.INVALID, what + " fields differ from what its signature covers (altered)");
            }
            return new Check(Check.Kind.VALID, null);
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return new Check(Check.Kind.INVALID, what + " signature cannot be checked: " + e.getMessage());
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
