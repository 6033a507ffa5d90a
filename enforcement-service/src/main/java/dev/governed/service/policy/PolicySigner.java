package dev.governed.service.policy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.governed.service.secret.SecretCipher;
import dev.governed.service.store.Database;
import dev.governed.service.store.StorageException;
import dev.governed.service.store.Times;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Signs served policy documents (compact JWS, ES256) with the service's key, which lives in the database
 * so that every instance on it signs with the same key; it is encrypted there when a secret key is configured.
 * The payload is the policy document's JSON, unchanged; the protected header binds it to the caller,
 * resource and environment it was served for ({@code governed.sub}, {@code governed.resource},
 * {@code governed.env}, {@code iat}), so a document served to one agent cannot be replayed as another's.
 */
public final class PolicySigner {
    public static final JOSEObjectType TYPE = new JOSEObjectType("governed-policy+jws");
    private static final String KEY_NAME = "policy-signing";

    private final ECKey key;
    private final ECDSASigner signer;
    private final Clock clock;

    private PolicySigner(ECKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("the policy signing key cannot sign: " + e.getMessage(), e);
        }
    }

    /** The shared key from the database, created by whichever instance gets there first. */
    public static PolicySigner load(Database database, Optional<SecretCipher> cipher, Clock clock) {
        Optional<ECKey> stored = read(database, cipher);
        if (stored.isPresent()) {
            return new PolicySigner(stored.get(), clock);
        }
        ECKey fresh;
        try {
            fresh = new ECKeyGenerator(Curve.P_256).keyID("governed-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the policy signing key", e);
        }
        String jwk = fresh.toJSONString();
        boolean inserted = database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO service_keys (name, kid, jwk, encrypted, created_at) VALUES (?,?,?,?,?)")) {
                statement.setString(1, KEY_NAME);
                statement.setString(2, fresh.getKeyID());
                statement.setString(3, cipher.map(c -> c.encrypt(jwk, KEY_NAME)).orElse(jwk));
                statement.setBoolean(4, cipher.isPresent());
                statement.setLong(5, Times.micros(clock.instant()));
                statement.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (StorageException.isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        });
        return inserted ? new PolicySigner(fresh, clock) : new PolicySigner(read(database, cipher).orElseThrow(), clock);
    }

    private static Optional<ECKey> read(Database database, Optional<SecretCipher> cipher) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT jwk, encrypted FROM service_keys WHERE name = ?")) {
                statement.setString(1, KEY_NAME);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    String text = rows.getString(1);
                    if (rows.getBoolean(2)) {
                        if (cipher.isEmpty()) {
                            throw new IllegalStateException("the stored policy signing key is encrypted but no governed.service.secretKey "
                                    + "is configured; start the service with the same secret key as the other instances");
                        }
                        text = cipher.get().decrypt(text, KEY_NAME);
                    }
                    try {
                        return Optional.of(ECKey.parse(text));
                    } catch (ParseException e) {
                        throw new IllegalStateException("the stored policy signing key is not a valid EC JWK: " + e.getMessage(), e);
                    }
                }
            }
        });
    }

    public String sign(byte[] document, String subject, String resource, String environment) {
        Instant now = clock.instant();
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(TYPE)
                .contentType("application/json")
                .customParam("governed.sub", subject)
                .customParam("governed.resource", resource)
                .customParam("iat", now.getEpochSecond());
        if (environment != null) {
            header.customParam("governed.env", environment);
        }
        JWSObject jws = new JWSObject(header.build(), new Payload(document));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the policy document: " + e.getMessage(), e);
        }
        return jws.serialize();
    }

    /** The public key set that verifies served documents. */
    public Map<String, Object> publicJwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject(true);
    }

    /** Signs the service's own audit checkpoints with the same key, so /v1/keys verifies both. */
    public dev.governed.audit.chain.CheckpointSigner checkpointSigner() {
        return dev.governed.audit.chain.CheckpointSigner.fromJwk(key);
    }

    /** The service's public key, e.g. to check its own checkpoints. */
    public java.util.List<com.nimbusds.jose.jwk.JWK> publicKeys() {
        return java.util.List.of(key.toPublicJWK());
    }

    public String keyId() {
        return key.getKeyID();
    }
}
