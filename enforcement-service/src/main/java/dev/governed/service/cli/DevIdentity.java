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
public final class DevIdentity {
    public static final String ISSUER = "urn:governed:dev";
    public static final String AUDIENCE = "governed-dev";
    static final String KEY_FILE = "dev-idp-key.json";

    private final RSAKey key;
    private final Path jwks;

    private DevIdentity(RSAKey key, Path jwks) {
        this.key = key;
        this.jwks = jwks;
    }

    /**
     * Where {@code serve --dev} keeps its data and {@code token --dev} looks for the issuer when no {@code --data} is given:
     * one folder per user, so both agree wherever they are run from, and nothing lands in a source checkout.
     */
    static Path defaultDataDir() {
        return Path.of(System.getProperty("user.home"), ".governed", "dev");
    }

    /** The issuer of a data directory, created (owner-only) on first use: for {@code serve --dev} and the demo. */
    public static DevIdentity open(Path dataDir) {
        Path keyFile = dataDir.resolve(KEY_FILE);
        try {
            if (!Files.exists(keyFile)) {
                RSAKey key = new RSAKeyGenerator(2048).keyID("dev-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256).generate();
                PrivateFiles.write(keyFile, key.toJSONString());
            }
            return existing(dataDir);
        } catch (IOException | JOSEException e) {
            throw new CliException("cannot set up the development token issuer in " + dataDir + ": " + e.getMessage());
        }
    }

    /** The issuer {@code serve --dev} created in a data directory; never creates one, whose tokens nobody would trust. */
    static DevIdentity existing(Path dataDir) {
        if (!Files.isDirectory(dataDir)) {
            throw new CliException(CliException.NO_FILE, "the data directory " + dataDir.toAbsolutePath() + " does not exist; start"
                    + " `governed serve --dev" + dataOption(dataDir) + "` first (it creates the development issuer there), or pass"
                    + " the --data of the running service");
        }
        Path keyFile = dataDir.resolve(KEY_FILE);
        if (!Files.exists(keyFile)) {
            throw new CliException(CliException.NO_FILE, dataDir.toAbsolutePath() + " holds no development issuer (" + KEY_FILE
                    + "); start `governed serve --dev" + dataOption(dataDir) + "` first, or pass the --data of the running service");
        }
        Path jwksFile = dataDir.resolve("dev-idp-jwks.json");
        try {
            RSAKey key = RSAKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
            String jwks = new JWKSet(key.toPublicJWK()).toString(true);
            if (!Files.exists(jwksFile) || !Files.readString(jwksFile, StandardCharsets.UTF_8).equals(jwks)) {
                Files.writeString(jwksFile, jwks, StandardCharsets.UTF_8);
            }
            return new DevIdentity(key, jwksFile);
        } catch (IOException e) {
            throw CliException.unreadable("the development issuer key", keyFile, e);
        } catch (ParseException e) {
            throw new CliException(keyFile.toAbsolutePath() + " is not a JWK (" + e.getMessage() + "); delete it and restart"
                    + " `governed serve --dev` to create a new development issuer");
        }
    }

    private static String dataOption(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().equals(defaultDataDir().toAbsolutePath().normalize()) ? "" : " --data " + dataDir;
    }

    public String jwksLocation() {
        return "file:" + jwks.toAbsolutePath();
    }

    public String mint(String subject, List<String> groups, Duration lifetime) {
        return mint(subject, groups, List.of(AUDIENCE), lifetime);
    }

    String mint(String subject, List<String> groups, List<String> audiences, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(audiences).subject(subject).claim("groups", groups)
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
