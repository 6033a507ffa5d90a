package dev.governed.core.internal.policy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.PolicyException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;

/**
 * One {@code GET /v1/policies/effective} against the enforcement service, with the
 * caller's bearer token and the last ETag. When a verification key is configured
 * the document must come signed (JWS) by it; anything else is refused.
 */
final class PolicyFetch {

    static final String JOSE = "application/jose";

    private final HttpClient http;
    private final URI effective;
    private final Duration timeout;
    private final JWKSet verificationKeys;

    PolicyFetch(HttpClient http, URI service, String resource, String environment, Duration timeout,
            JWKSet verificationKeys) {
        this.http = http;
        String query = "resource=" + encode(resource) + (environment == null ? "" : "&environment=" + encode(environment));
        this.effective = service.resolve("/v1/policies/effective?" + query);
        this.timeout = timeout;
        this.verificationKeys = verificationKeys;
    }

    URI uri() {
        return effective;
    }

    /** The new document, or empty when the service answers 304 Not Modified for {@code etag}. */
    Optional<Fetched> fetch(String token, String etag) throws PolicyUnavailable {
        HttpRequest.Builder request = HttpRequest.newBuilder(effective)
                .timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", verificationKeys == null ? "application/json" : JOSE)
                .GET();
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PolicyUnavailable("the enforcement service at " + effective + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyUnavailable("interrupted while fetching the policy from " + effective, e);
        }
        if (response.statusCode() == 304) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new PolicyUnavailable("the enforcement service answered " + response.statusCode() + " for "
                    + effective + ": " + abbreviate(response.body()), null);
        }
        String document = verifiedDocument(response.body());
        try {
            CompiledPolicy policy = CompiledPolicy.compile(PolicyDocuments.parse(document, effective.toString()));
            return Optional.of(new Fetched(policy, response.headers().firstValue("ETag").orElse(null), document));
        } catch (PolicyException e) {
            throw new PolicyUnavailable("the enforcement service sent an invalid policy: " + e.getMessage(), e);
        }
    }

    /** The document text, after checking its signature when signatures are required. */
    String verifiedDocument(String body) throws PolicyUnavailable {
        if (verificationKeys == null) {
            return body;
        }
        try {
            JWSObject signed = JWSObject.parse(body.strip());
            JWK key = signed.getHeader().getKeyID() == null ? null
                    : verificationKeys.getKeyByKeyId(signed.getHeader().getKeyID());
            if (key == null) {
                throw new PolicyUnavailable("the policy from " + effective + " is signed with key id '"
                        + signed.getHeader().getKeyID() + "', which is not among the configured policy keys", null);
            }
            JWSVerifier verifier = verifierFor(key.toPublicJWK());
            if (!signed.verify(verifier)) {
                throw new PolicyUnavailable("the policy from " + effective + " has a bad signature; keeping the"
                        + " previous policy", null);
            }
            return signed.getPayload().toString();
        } catch (ParseException e) {
            throw new PolicyUnavailable("the policy from " + effective + " is not signed, but signed policies are"
                    + " required (governed.policy.key is set)", e);
        } catch (JOSEException e) {
            throw new PolicyUnavailable("cannot verify the policy signature from " + effective + ": " + e.getMessage(), e);
        }
    }

    /** Asymmetric keys only: a policy signed with a shared secret could be forged by any holder of it. */
    private static JWSVerifier verifierFor(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (key instanceof OctetKeyPair okp) {
            return new Ed25519Verifier(okp);
        }
        throw new JOSEException("unsupported policy key type " + key.getKeyType() + "; use an RSA, EC or Ed25519 key");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    /** A fetched document: compiled, its ETag, and its text for the local cache file. */
    record Fetched(CompiledPolicy policy, String etag, String text) {}
}
