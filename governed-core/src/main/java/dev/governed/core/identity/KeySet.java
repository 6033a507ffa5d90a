package dev.governed.core.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.List;

/** One issuer's verification keys and where they come from (named in error messages). */
record KeySet(JWKSource<SecurityContext> source, String location) {

    /** The keys that fit; sources refetch once (rate limited) when nothing matches, which is how rotation lands. */
    List<JWK> select(JWKMatcher matcher) throws KeySourceException {
        return source.get(new JWKSelector(matcher), null);
    }

    List<JWK> all() throws KeySourceException {
        return select(new JWKMatcher.Builder().build());
    }
}
