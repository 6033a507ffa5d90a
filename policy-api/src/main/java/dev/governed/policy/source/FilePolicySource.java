package dev.governed.policy.source;

import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.PolicyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A policy file, re-read when its modification time, size or identity changes. The file
 * is checked at most once per check interval (one {@code stat}), by whichever caller
 * comes first; others keep using the policy in force. While the file is missing or
 * invalid, {@link #current()} throws, so callers fail closed until it is fixed.
 */
public final class FilePolicySource implements PolicySource {
    private static final Logger log = LoggerFactory.getLogger(FilePolicySource.class);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
    /** Policies are small; a huge file is a mistake, and reading it would cost memory on every change. */
    static final long MAX_BYTES = 8L * 1024 * 1024;

    /** What was loaded for one version of the file: a policy or the reason there is none. */
    private record Loaded(Stamp stamp, CompiledPolicy policy, PolicyException error) {
    }

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final Path path;
    private final String location;
    private final long checkIntervalNanos;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Loaded loaded;
    private volatile long nextCheckNanos;

    /**
     * Loads the file now.
     *
     * @throws PolicyException naming the file when it cannot be read or is invalid
     */
    public FilePolicySource(Path path) {
        this(path, DEFAULT_CHECK_INTERVAL);
    }

    public FilePolicySource(Path path, Duration checkInterval) {
        this.path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        this.location = this.path.toString();
        this.checkIntervalNanos = checkInterval.toNanos();
        this.loaded = load(null);
        this.nextCheckNanos = System.nanoTime() + checkIntervalNanos;
        if (loaded.error != null) {
            throw loaded.error;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public CompiledPolicy current() {
        long now = System.nanoTime();
        if (now - nextCheckNanos >= 0 && checking.compareAndSet(false, true)) {
            try {
                Loaded previous = loaded;
                Loaded next = load(previous);
                if (next != previous) {
                    report(previous, next);
                    loaded = next;
                }
            } finally {
                nextCheckNanos = System.nanoTime() + checkIntervalNanos;
                checking.set(false);
            }
        }
        Loaded current = loaded;
        if (current.error != null) {
            throw new PolicyException(current.error.getMessage(), current.error);
        }
        return current.policy;
    }

    /** Returns {@code previous} itself when the file has not changed since it was loaded. */
    private Loaded load(Loaded previous) {
        Stamp stamp;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            stamp = new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException e) {
            return failed(previous, "Cannot read policy file " + location + ": it does not exist;"
                    + " create it or fix the policy location", e);
        } catch (IOException e) {
            return failed(previous, "Cannot read policy file " + location + ": " + e, e);
        }
        if (previous != null && stamp.equals(previous.stamp)) {
            return previous;
        }
        if (stamp.size() > MAX_BYTES) {
            return new Loaded(stamp, null, new PolicyException("Cannot read policy file " + location + ": it is "
                    + stamp.size() + " bytes, more than the limit of " + MAX_BYTES + "; is this the right file?"));
        }
        try {
            // Stamp taken before reading: a write racing this read changes the stamp and is picked up next time.
            String text = StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path))).toString();
            return new Loaded(stamp, CompiledPolicy.compile(PolicyDocuments.parse(text, "file " + location)), null);
        } catch (PolicyException e) {
            return new Loaded(stamp, null, e);
        } catch (CharacterCodingException e) {
            return new Loaded(stamp, null, new PolicyException("Cannot read policy file " + location
                    + ": it is not valid UTF-8; save it as UTF-8", e));
        } catch (IOException e) {
            return new Loaded(stamp, null, new PolicyException("Cannot read policy file " + location + ": " + e, e));
        }
    }

    /** A missing or unreadable file has no stamp; one failure is reported once, not at every check. */
    private static Loaded failed(Loaded previous, String message, Exception cause) {
        if (previous != null && previous.stamp == null) {
            return previous;
        }
        return new Loaded(null, null, new PolicyException(message, cause));
    }

    private void report(Loaded previous, Loaded next) {
        if (next.error != null) {
            log.error("Policy file {} is no longer usable; statements are denied until it is fixed: {}",
                    location, next.error.getMessage());
        } else {
            log.info("Reloaded policy file {}: version {} (was {})", location, next.policy.version(),
                    previous.policy == null ? "unavailable" : String.valueOf(previous.policy.version()));
        }
    }
}
