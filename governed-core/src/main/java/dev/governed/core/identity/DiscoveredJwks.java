package dev.governed.core.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URL;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/**
 * Keys found through OpenID Connect discovery: {@code <issuer>/.well-known/openid-configuration} names the
 * {@code jwks_uri}. Discovery happens on first use and, after a failure, is retried no more often than the
 * JWKS refresh interval, so an unreachable IdP costs callers one quick error, not a stampede.
 */
final class DiscoveredJwks implements JWKSource<SecurityContext> {
    private final String issuer;
    private final JwksLocations.Tuning tuning;
    private final URL discoveryUrl;
    private volatile JWKSource<SecurityContext> keys;
    private long retryAfter;
    private String lastFailure;

    DiscoveredJwks(String issuer, JwksLocations.Tuning tuning) {
        this.issuer = issuer;
        this.tuning = tuning;
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.discoveryUrl = JwksLocations.httpUrl(base + "/.well-known/openid-configuration", "governed.issuer", tuning);
    }

    URL discoveryUrl() {
        return discoveryUrl;
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        JWKSource<SecurityContext> current = keys;
        return (current != null ? current : discover()).get(selector, context);
    }

    private synchronized JWKSource<SecurityContext> discover() throws KeySourceException {
        if (keys != null) {
            return keys;
        }
        long now = System.nanoTime();
        if (lastFailure != null && now - retryAfter < 0) {
            throw new KeySourceException(lastFailure + " (not retried yet)");
        }
        try {
            Map<String, Object> document = JSONObjectUtils.parse(tuning.retriever().retrieveResource(discoveryUrl).getContent());
            String advertised = JSONObjectUtils.getString(document, "issuer");
            if (!issuer.equals(advertised)) {
                throw fail(now, "the discovery document at " + discoveryUrl + " names issuer '" + advertised + "', not '" + issuer
                        + "'; set governed.issuer to the exact issuer the provider uses", null);
            }
            String jwksUri = JSONObjectUtils.getString(document, "jwks_uri");
            if (jwksUri == null) {
                throw fail(now, "the discovery document at " + discoveryUrl + " has no jwks_uri; set governed.jwks explicitly", null);
            }
            keys = JwksLocations.remote(JwksLocations.httpUrl(jwksUri, "jwks_uri from " + discoveryUrl, tuning), tuning);
            lastFailure = null;
            return keys;
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw fail(now, "OIDC discovery at " + discoveryUrl + " failed: " + e.getMessage(), e);
        }
    }

    private KeySourceException fail(long now, String message, Exception cause) {
        lastFailure = message;
        retryAfter = now + tuning.minRefreshInterval().toNanos();
        return new KeySourceException(message, cause);
    }
}
