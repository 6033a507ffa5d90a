package dev.governed.core.identity;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a configured JWKS location ({@code file:}, a plain path, {@code http(s)://}) into a {@link KeySet}. */
final class JwksLocations {
    private static final Logger LOG = LoggerFactory.getLogger(JwksLocations.class);
    private static final Duration FILE_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_DOCUMENT_BYTES = 512 * 1024;

    /** How remote key sets are fetched and cached; see {@link JwtTokenVerifier.Builder}. */
    record Tuning(Duration cacheTtl, Duration minRefreshInterval, Duration outageTolerance, Duration httpTimeout,
            boolean allowPlainHttp) {

        ResourceRetriever retriever() {
            int millis = Math.toIntExact(httpTimeout.toMillis());
            return new DefaultResourceRetriever(millis, millis, MAX_DOCUMENT_BYTES);
        }
    }

    private JwksLocations() {}

    static KeySet open(String location, Tuning tuning) {
        String trimmed = location.trim();
        if (isHttp(trimmed)) {
            return new KeySet(remote(httpUrl(trimmed, "governed.jwks", tuning), tuning), trimmed);
        }
        Path path = filePath(trimmed);
        return new KeySet(new FileJwks(path, FILE_CHECK_INTERVAL), path.toAbsolutePath().toString());
    }

    /** The issuer's keys found through OIDC discovery, on first use (an IdP down at startup is not fatal). */
    static KeySet discover(String issuer, Tuning tuning) {
        httpUrl(issuer, "governed.issuer (used for OIDC discovery because no JWKS location is set)", tuning);
        DiscoveredJwks source = new DiscoveredJwks(issuer, tuning);
        return new KeySet(source, "the jwks_uri of " + source.discoveryUrl());
    }

    /** Nimbus' remote source: cached, refreshed ahead of expiry, rate limited on misses, outage tolerant. */
    static JWKSource<SecurityContext> remote(URL url, Tuning tuning) {
        long ttl = tuning.cacheTtl().toMillis();
        // Nimbus requires refresh-ahead + refresh wait <= ttl; a quarter each keeps short test TTLs legal.
        long refreshWait = Math.min(tuning.httpTimeout().toMillis(), ttl / 4);
        return JWKSourceBuilder.<SecurityContext>create(url, tuning.retriever())
                .cache(ttl, refreshWait)
                .refreshAheadCache(Math.min(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME, ttl / 4), false)
                .rateLimited(tuning.minRefreshInterval().toMillis())
                .outageTolerant(tuning.outageTolerance().toMillis(), event -> {
                    if (event instanceof OutageTolerantJWKSetSource.OutageEvent<SecurityContext> outage) {
                        LOG.warn("JWKS at {} cannot be fetched ({}); verifying with the last good keys for at most {} s more",
                                url, outage.getException().getMessage(), outage.getRemainingTime() / 1000);
                    }
                })
                .retrying(true)
                .build();
    }

    static boolean isHttp(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    /** Parses an http(s) URL; plain http only to loopback unless allowed, since a forged key set forges every identity. */
    static URL httpUrl(String value, String what, Tuning tuning) {
        URI uri;
        try {
            uri = URI.create(value);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a valid http(s) URL; use e.g. https://idp.example.com", e);
        }
        boolean plain = "http".equalsIgnoreCase(uri.getScheme());
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !plain) {
            throw new IllegalArgumentException(what + " '" + value + "' must be an https:// URL");
        }
        if (plain && !isLoopback(uri.getHost()) && !tuning.allowPlainHttp()) {
            throw new IllegalArgumentException(what + " '" + value + "' uses plain http to a non-loopback host; anyone on the path "
                    + "could substitute keys and forge identities. Use https, or allow plain http explicitly for a test setup");
        }
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a valid URL", e);
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    private static Path filePath(String location) {
        if (location.startsWith("file://")) {
            return Path.of(URI.create(location));
        }
        return Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
    }
}
