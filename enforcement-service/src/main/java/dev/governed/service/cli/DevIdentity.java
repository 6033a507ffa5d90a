package dev.governed.service.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A local token issuer for trying the service without an identity provider ({@code serve --dev},
 * {@code governed token --dev}): an RSA key kept in the data directory (owner-only), its public JWKS next to it.
 * Anyone who can read the data directory can mint any identity, so it is for a developer's machine only.
 */
final class DevIdentity {
    static final String ISSUER = "urn:governed:dev";
    static final String AUDIENCE = "governed-dev";

    private final RSAKey key;
    private final Path jwks;

    private DevIdentity(RSAKey key, Path jwks) {
        this.key = key;
        this.jwks = jwks;
    }

    static DevIdentity open(Path dataDir) {
        Path keyFile = dataDir.resolve("dev-idp-key.json");
        Path jwksFile = dataDir.resolve("dev-idp-jwks.json");
        try {
            RSAKey key;
            if (Files.exists(keyFile)) {
                key = RSAKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
            } else {
                key = new RSAKeyGenerator(2048).keyID("dev-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
                Files.createDirectories(dataDir);
                Files.writeString(keyFile, key.toJSONString(), StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system.
                }
            }
            Files.writeString(jwksFile, new JWKSet(key.toPublicJWK()).toString(true), StandardCharsets.UTF_8);
            return new DevIdentity(key, jwksFile);
        } catch (IOException | ParseException | JOSEException e) {
            throw new CliException("cannot set up the development token issuer in " + dataDir + ": " + e.getMessage());
        }
    }

    String jwksLocation() {
        return "file:" + jwks.toAbsolutePath();
    }

    String mint(String subject, List<String> groups, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject).claim("groups", groups)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime))).jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new CliException("cannot sign the development token: " + e.getMessage());
        }
        return jwt.serialize();
    }
}
