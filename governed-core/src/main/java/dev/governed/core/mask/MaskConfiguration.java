package dev.governed.core.mask;

import java.security.SecureRandom;

/**
 * Datasource-wide settings strategies may use.
 *
 * @param hashKey the HMAC key of the {@code hash} strategy ({@code governed.mask.hashKey})
 */
public record MaskConfiguration(byte[] hashKey) {

    public static final String HASH_KEY = "governed.mask.hashKey";

    public MaskConfiguration {
        hashKey = hashKey.clone();
        if (hashKey.length == 0) {
            throw new IllegalArgumentException(HASH_KEY + " must not be empty");
        }
    }

    /**
     * The configuration for a configured key, or a random key when none is set: hashes then
     * stay equal within this process only, and nothing is ever hashed with a guessable key.
     */
    public static MaskConfiguration withKey(String configuredKey) {
        if (configuredKey != null && !configuredKey.isEmpty()) {
            return new MaskConfiguration(configuredKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return new MaskConfiguration(random);
    }

    @Override
    public byte[] hashKey() {
        return hashKey.clone();
    }

    @Override
    public String toString() {
        return "MaskConfiguration[hashKey=<secret>]";
    }
}
