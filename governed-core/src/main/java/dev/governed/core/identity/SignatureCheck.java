package dev.governed.core.identity;

import static dev.governed.core.identity.Messages.quote;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.util.List;
import java.util.Optional;

/**
 * Checks a JWS signature against one issuer's published keys. Keys are chosen by {@code kid} and by the
 * key type the header's algorithm needs ({@link JWKMatcher#forJWSHeader}), never from the token itself
 * ({@code jwk}, {@code jku}, {@code x5u} headers are ignored). Verifiers are built per key type because
 * Nimbus' {@code JWSVerificationKeySelector}/{@code DefaultJWSVerifierFactory} cannot handle Ed25519 keys.
 */
final class SignatureCheck {
    private static final int MIN_RSA_BITS = 2048;

    private SignatureCheck() {}

    static void verify(SignedJWT jwt, JWSHeader header, KeySet keys) throws InvalidTokenException {
        List<JWK> candidates;
        try {
            candidates = keys.select(JWKMatcher.forJWSHeader(header));
        } catch (KeySourceException e) {
            throw unavailable(keys, e);
        }
        if (candidates.isEmpty()) {
            throw noMatchingKey(header, keys);
        }
        if (candidates.stream().allMatch(each -> verifierFor(each).isEmpty())) {
            throw new InvalidTokenException("token names key " + Messages.quoteAll(candidates.stream().map(JWK::getKeyID).toList())
                    + " from " + keys.location() + ", which Governed will not use: RSA keys need at least " + MIN_RSA_BITS
                    + " bits and OKP keys must be Ed25519; the identity provider must publish a stronger key");
        }
        for (JWK each : candidates) {
            Optional<JWSVerifier> verifier = verifierFor(each);
            try {
                if (verifier.isPresent() && jwt.verify(verifier.get())) {
                    return;
                }
            } catch (JOSEException | IllegalStateException e) {
                throw new InvalidTokenException("token signature cannot be checked with key " + quote(each.getKeyID()) + " from "
                        + keys.location() + " (" + e.getMessage() + ")", e);
            }
        }
        throw new InvalidTokenException("token signature does not verify with key "
                + Messages.quoteAll(candidates.stream().map(JWK::getKeyID).toList()) + " from " + keys.location()
                + "; the token was altered after signing or signed by a key its issuer does not publish");
    }

    private static InvalidTokenException noMatchingKey(JWSHeader header, KeySet keys) throws InvalidTokenException {
        List<JWK> all;
        try {
            all = keys.all();
        } catch (KeySourceException e) {
            throw unavailable(keys, e);
        }
        List<String> known = all.stream().map(each -> String.valueOf(each.getKeyID())).toList();
        String kid = header.getKeyID();
        if (kid == null) {
            return new InvalidTokenException("token has no key id (kid) and no key in the JWKS at " + keys.location() + " fits "
                    + header.getAlgorithm() + "; it has " + Messages.list(known));
        }
        Optional<JWK> sameId = all.stream().filter(each -> kid.equals(each.getKeyID())).findFirst();
        if (sameId.isPresent()) {
            return new InvalidTokenException("token names key " + quote(kid) + ", a " + sameId.get().getKeyType() + " key"
                    + (sameId.get().getAlgorithm() != null ? " for " + sameId.get().getAlgorithm() : "")
                    + " that cannot verify a " + header.getAlgorithm() + " signature; the token header was altered");
        }
        return new InvalidTokenException("token signed with unknown key id " + quote(kid) + "; the JWKS at " + keys.location()
                + " has " + Messages.list(known) + "; the token comes from another identity provider, or its key was retired"
                + (keys.remote() ? " (keys are refetched at most once per refresh interval: if the provider just rotated keys, "
                        + "retry shortly)" : " (if the provider rotated keys, update the JWKS file)"));
    }

    private static Optional<JWSVerifier> verifierFor(JWK key) {
        try {
            if (key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS) {
                return Optional.of(new RSASSAVerifier(rsa));
            }
            if (key instanceof ECKey ec) {
                return Optional.of(new ECDSAVerifier(ec));
            }
            if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
                return Optional.of(new Ed25519Verifier(okp.toPublicJWK()));
            }
        } catch (JOSEException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static JwksUnavailableException unavailable(KeySet keys, KeySourceException e) {
        return new JwksUnavailableException("cannot check the token because the signing keys at " + keys.location()
                + " could not be loaded (" + e.getMessage() + "); check that the JWKS is reachable — tokens are refused until it is", e);
    }
}
