package dev.governed.samples;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Stands in for your identity provider in the samples: an ES256 key made in memory, its public JWKS
 * written to a file the driver reads ({@code governed.jwks=file:…}), and tokens signed with it.
 * In production, your IdP issues the tokens and {@code governed.jwks} points at its JWKS URL.
 */
final class LocalIssuer {
    static final String ISSUER = "https://idp.samples.invalid";
    static final String AUDIENCE = "orders-db";

    private final ECKey key;
    private final Path jwks;

    LocalIssuer(Path folder) throws IOException, JOSEException {
        this.key = new ECKeyGenerator(Curve.P_256).keyID("samples-" + UUID.randomUUID()).generate();
        this.jwks = Files.writeString(folder.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
    }

    /** The {@code governed.jwks} value for this issuer. */
    String jwks() {
        return "file:" + jwks.toAbsolutePath();
    }

    /** A token for {@code subject} in {@code groups}, valid for ten minutes. */
    String token(String subject, String... groups) throws JOSEException {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .claim("groups", List.of(groups)).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
