package dev.governed.core.internal.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last policy fetched for each caller, kept on disk as the service sent it
 * (signed, when signatures are required, and verified again when read back).
 */
final class PolicyCacheFile {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyCacheFile.class);

    private final Path directory;
    private final String scope;

    record Cached(Path path, String text, Instant savedAt) {}

    PolicyCacheFile(Path directory, String resource, String environment) {
        this.directory = directory;
        this.scope = resource + "|" + (environment == null ? "" : environment);
    }

    void write(PolicyKey key, String text) {
        Path file = fileFor(key);
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "policy", ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Governed: could not cache the policy in {}: {}", file, e.getMessage());
        }
    }

    Optional<Cached> read(PolicyKey key) {
        Path file = fileFor(key);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            return Optional.of(new Cached(file, Files.readString(file, StandardCharsets.UTF_8),
                    Files.getLastModifiedTime(file).toInstant()));
        } catch (IOException e) {
            LOG.warn("Governed: could not read the cached policy {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** One file per caller and scope, named by a digest so no subject can steer the path. */
    private Path fileFor(PolicyKey key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String caller = scope + "|" + key.subject() + "|" + String.join(",", new java.util.TreeSet<>(key.groups()));
            if (key.onBehalfOf() != null) {
                // only delegated keys get the suffix, so files written before delegation keep their names
                caller += "|onBehalfOf:" + key.onBehalfOf().length() + ":" + key.onBehalfOf();
            }
            digest.update(caller.getBytes(StandardCharsets.UTF_8));
            return directory.resolve("policy-" + HexFormat.of().formatHex(digest.digest(), 0, 16) + ".cache");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
