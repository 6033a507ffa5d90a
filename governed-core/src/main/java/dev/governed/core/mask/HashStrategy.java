package dev.governed.core.mask;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code hash}: the lower-case hex HMAC-SHA-256 of the value's text, keyed with
 * {@code governed.mask.hashKey}, cut to {@code length} characters (default 32). Equal values
 * give equal hashes, so joins and counts by the hash still work; without the key nothing
 * can be reversed or confirmed by guessing. Any column type comes back as text.
 */
public final class HashStrategy implements MaskStrategy {

    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;
    private final int length;
    /** A Mac per thread: creating one per value would cost more than the hashing. */
    private final ThreadLocal<Mac> macs;

    public HashStrategy() {
        this.key = null;
        this.length = 32;
        this.macs = null;
    }

    private HashStrategy(SecretKeySpec key, int length) {
        this.key = key;
        this.length = length;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA-256 is unavailable in this JVM", e);
            }
        });
    }

    @Override
    public String type() {
        return "hash";
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        return new HashStrategy(new SecretKeySpec(configuration.hashKey(), ALGORITHM),
                Options.number(options, "length", 32, 8, 64));
    }

    @Override
    public Object mask(Object value) {
        if (key == null) {
            throw new IllegalStateException("hash must be configured with init before use");
        }
        byte[] digest = macs.get().doFinal(MaskText.of(value).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest).substring(0, length);
    }
}
