package dev.governed.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Remembers the last delivered checkpoint across restarts, so the next stream's first {@code prev}
 * is that checkpoint's head. Written atomically (temp file, fsync, rename).
 */
public final class ChainStateFile {

    private final Path file;

    public ChainStateFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public Path file() {
        return file;
    }

    public Optional<Checkpoint> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode tree = AuditJson.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return Optional.of(Checkpoint.fromTree(tree));
        } catch (IOException | AuditException e) {
            throw new AuditException("cannot read the audit chain state " + file + ": " + e.getMessage()
                    + "; restore it from a backup, or delete it to start an unlinked chain (verify will report the break)", e);
        }
    }

    public void write(Checkpoint checkpoint) throws IOException {
        Path parent = file.getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(checkpoint.toJson().getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
