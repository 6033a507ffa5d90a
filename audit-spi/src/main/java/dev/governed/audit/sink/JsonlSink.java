package dev.governed.audit.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Appends one JSON line per entry to a file. A batch is assembled in memory and appended with one
 * write, so concurrent appenders to the same file (O_APPEND) never interleave inside a line.
 *
 * <p>Options: {@code fsync=batch} (default: force the file to disk after each batch, so a delivered
 * batch survives a power loss) or {@code fsync=none} (leave it to the OS: survives a process crash
 * only); {@code maxSize=100MB} rotates the file before a batch that would start beyond that size,
 * renaming it to {@code <name>-<UTC time>.jsonl} in the same directory (names sort in write order).
 */
public final class JsonlSink implements AuditSink {

    private static final DateTimeFormatter ROTATED =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final int TAIL_BYTES = 1 << 20;

    private final Path file;
    private final boolean fsync;
    private final long maxSize;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    private FileChannel channel;

    private JsonlSink(Path file, boolean fsync, long maxSize) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.fsync = fsync;
        this.maxSize = maxSize;
        this.channel = openChannel(this.file);
    }

    /** Opens (creating it and its parent directories if needed) {@code file} for appending. */
    public static JsonlSink open(Path file, boolean fsyncEachBatch, long maxSize) throws IOException {
        return new JsonlSink(file, fsyncEachBatch, maxSize);
    }

    public static JsonlSink open(Path file) throws IOException {
        return new JsonlSink(file, true, Long.MAX_VALUE);
    }

    public Path file() {
        return file;
    }

    @Override
    public void write(List<AuditEntry> batch) throws IOException {
        if (channel == null) {
            throw new IOException("audit file " + file + " is closed");
        }
        if (channel.size() >= maxSize) {
            rotate();
        }
        buffer.reset();
        for (AuditEntry each : batch) {
            buffer.write(each.json().getBytes(StandardCharsets.UTF_8));
            buffer.write('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public void flush() throws IOException {
        if (channel != null && fsync) {
            channel.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            try {
                flush();
            } finally {
                channel.close();
                channel = null;
            }
        }
    }

    @Override
    public String describe() {
        return "jsonl:" + file;
    }

    /** Scans the end of the file for the last checkpoint line. */
    @Override
    public Optional<Checkpoint> lastCheckpoint() throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return Optional.empty();
        }
        int length = (int) Math.min(size, TAIL_BYTES);
        ByteBuffer tail = ByteBuffer.allocate(length);
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            reader.position(size - length);
            while (tail.hasRemaining() && reader.read(tail) >= 0) {
                // read until full
            }
        }
        String[] lines = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8).split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].trim();
            if (!line.contains("\"checkpoint\"")) {
                continue;
            }
            try {
                JsonNode tree = AuditJson.readTree(line);
                if (Checkpoint.isCheckpoint(tree)) {
                    return Optional.of(Checkpoint.fromTree(tree));
                }
            } catch (AuditException partialOrForeignLine) {
                // the first line of the tail may be cut; keep looking
            }
        }
        return Optional.empty();
    }

    private void rotate() throws IOException {
        channel.force(false);
        channel.close();
        channel = null;
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        Path target = file.resolveSibling(stem + "-" + ROTATED.format(Instant.now()) + extension);
        for (int n = 1; Files.exists(target); n++) {
            target = file.resolveSibling(stem + "-" + ROTATED.format(Instant.now()) + "-" + n + extension);
        }
        Files.move(file, target);
        channel = openChannel(file);
    }

    private static FileChannel openChannel(Path file) throws IOException {
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            endCutOffLine(file, channel);
            return channel;
        } catch (IOException e) {
            throw new IOException("cannot open audit file " + file + " for appending: " + reason(e)
                    + ". Make sure the directory exists or can be created and is writable by this process,"
                    + " or point governed.audit at a writable path (e.g. jsonl:/tmp/governed/audit.jsonl)", e);
        }
    }

    // a crash can leave half a line; without a line break the next event would be glued to it and lost too
    private static void endCutOffLine(Path file, FileChannel appender) throws IOException {
        long size = appender.size();
        if (size == 0) {
            return;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            reader.read(last, size - 1);
        }
        if (last.get(0) != '\n') {
            appender.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + e.getMessage() + ")";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory (" + e.getMessage() + ")";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file is in the way of a directory (" + e.getMessage() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
