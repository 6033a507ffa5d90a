package dev.governed.core.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;

/**
 * A token kept in a file that something else refreshes (a sidecar, a credential helper). Asking costs a
 * volatile read; at most once per check interval it also costs a stat call, and a read when the
 * modification time or size changed. A missing or unreadable file has no token.
 */
final class FileTokenSource implements TokenSource {
    private static final long MAX_FILE_BYTES = JwtTokenVerifier.MAX_TOKEN_LENGTH * 4L;

    private final Path path;
    private final long checkIntervalNanos;
    private volatile Snapshot snapshot = new Snapshot(Optional.empty(), -1, -1);
    private volatile long nextCheck = System.nanoTime();

    private record Snapshot(Optional<String> token, long modified, long size) {}

    FileTokenSource(Path path, Duration checkInterval) {
        this.path = path;
        this.checkIntervalNanos = checkInterval.toNanos();
    }

    @Override
    public Optional<String> token() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0) {
            nextCheck = now + checkIntervalNanos;
            snapshot = refreshed(snapshot);
        }
        return snapshot.token();
    }

    private Snapshot refreshed(Snapshot current) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            long modified = attributes.lastModifiedTime().toMillis();
            if (modified == current.modified() && attributes.size() == current.size()) {
                return current;
            }
            if (attributes.size() > MAX_FILE_BYTES) {
                return new Snapshot(Optional.empty(), modified, attributes.size());
            }
            String content = Files.readString(path, StandardCharsets.UTF_8).trim();
            return new Snapshot(content.isEmpty() ? Optional.empty() : Optional.of(content), modified, attributes.size());
        } catch (IOException e) {
            return new Snapshot(Optional.empty(), -1, -1);
        }
    }

    @Override
    public String description() {
        return "token file " + path.toAbsolutePath();
    }
}
