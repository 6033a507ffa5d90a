package dev.governed.core.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWKS file, re-read when its modification time or size changes. The change check is a stat call,
 * throttled to once per {@code checkInterval}, and made at once when no key matches (a rotated key).
 * A file that cannot be parsed after a change keeps the previous keys, since it is likely mid-write.
 */
final class FileJwks implements JWKSource<SecurityContext> {
    private static final Logger LOG = LoggerFactory.getLogger(FileJwks.class);

    private final Path file;
    private final long checkIntervalNanos;
    private volatile Snapshot snapshot;
    private volatile long lastCheck;

    private record Snapshot(JWKSet keys, long modified, long size) {}

    /** Loads the file now; a missing or unreadable file fails here, at configuration time. */
    FileJwks(Path file, Duration checkInterval) {
        this.file = file;
        this.checkIntervalNanos = checkInterval.toNanos();
        try {
            this.snapshot = load();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("JWKS file " + file.toAbsolutePath() + " does not exist; point governed.jwks "
                    + "at the identity provider's public key set (a JSON file with a \"keys\" array) or at its https:// URL", e);
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("JWKS file " + file.toAbsolutePath() + " cannot be read as a JSON Web Key Set ("
                    + e.getMessage() + "); it must be a JSON object with a \"keys\" array of public keys", e);
        }
        this.lastCheck = System.nanoTime();
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        long now = System.nanoTime();
        if (now - lastCheck >= checkIntervalNanos) {
            reloadIfChanged(now);
        }
        List<JWK> result = selector.select(snapshot.keys());
        if (result.isEmpty()) {
            reloadIfChanged(now);
            result = selector.select(snapshot.keys());
        }
        return result;
    }

    private void reloadIfChanged(long now) {
        lastCheck = now;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Snapshot current = snapshot;
            if (attributes.lastModifiedTime().toMillis() != current.modified() || attributes.size() != current.size()) {
                snapshot = load();
            }
        } catch (IOException | ParseException e) {
            LOG.warn("JWKS file {} changed but cannot be read ({}); keeping the {} keys loaded before",
                    file.toAbsolutePath(), e.getMessage(), snapshot.keys().size());
        }
    }

    private Snapshot load() throws IOException, ParseException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        JWKSet keys = JWKSet.parse(Files.readString(file)).toPublicJWKSet();
        return new Snapshot(keys, attributes.lastModifiedTime().toMillis(), attributes.size());
    }

    @Override
    public String toString() {
        return file.toAbsolutePath().toString();
    }
}
