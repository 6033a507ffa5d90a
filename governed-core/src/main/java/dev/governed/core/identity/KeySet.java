package dev.governed.core.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.List;

/** One issuer's verification keys and where they come from (named in error messages). */
record KeySet(JWKSource<SecurityContext> source, String location) {

    /**
     * The keys that fit. Remote sources refetch once when nothing matches, which is how rotation lands;
     * when that refetch is rate limited, nothing matched in the keys already held, so the answer is none.
     */
    List<JWK> select(JWKMatcher matcher) throws KeySourceException {
        try {
            return source.get(new JWKSelector(matcher), null);
        } catch (RateLimitReachedException e) {
            return List.of();
        }
    }

    /** Whether keys are refetched from a URL (rotation lands by itself) rather than read from a file. */
    boolean remote() {
        return source instanceof DiscoveredJwks || JwksLocations.isHttp(location);
    }

    List<JWK> all() throws KeySourceException {
        return select(new JWKMatcher.Builder().build());
    }
}
