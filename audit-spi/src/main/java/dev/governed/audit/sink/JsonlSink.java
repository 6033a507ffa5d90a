package dev.governed.audit.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.ChainHead;
import dev.governed.audit.chain.Checkpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Appends one JSON line per entry to a file. A batch is assembled in memory and appended with one
 * write, so no line is ever split; sinks on the same path in one JVM share the open file
 * (one open file per path), so several dispatchers can log to one file, rotation included.
 *
 * <p>Options: {@code fsync=batch} (default: force the file to disk after each batch, so a delivered
 * batch survives a power loss), {@code fsync=none} (leave it to the OS: survives a process crash
 * only) or {@code fsync=10ms} (group commit: force at most that often, and anything written within
 * that time, so a power loss can take the last 10 ms of delivered events; flush requests,
 * checkpoints, rotation and close still force at once); {@code maxSize=100MB} rotates the file
 * before a batch that would start beyond that size, renaming it to {@code <name>-<UTC time>.jsonl}
 * in the same directory (names sort in write order).
 */
public final class JsonlSink implements AuditSink {

    private static final int TAIL_BYTES = 1 << 20;

    private final Path file;
    private final FsyncPolicy fsync;
    private final long maxSize;
    private final GroupCommit groupCommit; // only for a grouped fsync policy
    private final ForceSeam forceSeam;
    private byte[] buffer = new byte[64 * 1024]; // reused: the writer thread is the only caller
    private AppendFile target;

    /** Wraps every force of the file this sink decides on; tests count them through it. */
    @FunctionalInterface
    interface ForceSeam {
        void force(AppendFile file) throws IOException;
    }

    private JsonlSink(Path file, FsyncPolicy fsync, long maxSize, ForceSeam forceSeam, LongSupplier nanoTime,
            GroupCommit.Timer timer) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.fsync = fsync;
        this.maxSize = maxSize;
        this.forceSeam = forceSeam;
        this.target = AppendFile.acquire(this.file);
        this.groupCommit = fsync.grouped()
                ? new GroupCommit(fsync.interval(), this::force, nanoTime, timer, this.file.toString()) : null;
    }

    /** Opens (creating it and its parent directories if needed) {@code file} for appending. */
    public static JsonlSink open(Path file, FsyncPolicy fsync, long maxSize) throws IOException {
        return new JsonlSink(file, fsync, maxSize, AppendFile::force, System::nanoTime,
                fsync.grouped() ? GroupCommit.daemonTimer() : null);
    }

    public static JsonlSink open(Path file, boolean fsyncEachBatch, long maxSize) throws IOException {
        return open(file, fsyncEachBatch ? FsyncPolicy.EACH_BATCH : FsyncPolicy.NEVER, maxSize);
    }

    public static JsonlSink open(Path file) throws IOException {
        return open(file, FsyncPolicy.EACH_BATCH, Long.MAX_VALUE);
    }

    /** With a clock and timer turned by hand and every force seen: for tests that count forces without sleeping. */
    static JsonlSink open(Path file, FsyncPolicy fsync, long maxSize, ForceSeam forceSeam, LongSupplier nanoTime,
            GroupCommit.Timer timer) throws IOException {
        return new JsonlSink(file, fsync, maxSize, forceSeam, nanoTime, timer);
    }

    public Path file() {
        return file;
    }

    @Override
    public void write(List<AuditEntry> batch) throws IOException {
        if (target == null) {
            throw new IOException("audit file " + file + " is closed");
        }
        int length = 0;
        for (AuditEntry each : batch) {
            byte[] line = each.json().getBytes(StandardCharsets.UTF_8);
            if (length + line.length + 1 > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + line.length + 1));
            }
            System.arraycopy(line, 0, buffer, length, line.length);
            length += line.length;
            buffer[length++] = '\n';
        }
        target.append(buffer, length, maxSize);
    }

    /** Forces the file after every batch ({@code fsync=batch}), or lets group commit force it within its interval. */
    @Override
    public void flush() throws IOException {
        if (target == null) {
            return;
        }
        if (groupCommit != null) {
            groupCommit.written();
        } else if (fsync.eachBatch()) {
            force();
        }
    }

    /** Forces now whatever group commit has not forced yet; {@code fsync=none} leaves it to the OS still. */
    @Override
    public void sync() throws IOException {
        if (target == null) {
            return;
        }
        if (groupCommit != null) {
            groupCommit.forceNow();
        } else if (fsync.eachBatch()) {
            force();
        }
    }

    @Override
    public void close() throws IOException {
        if (target != null) {
            try {
                if (groupCommit != null) {
                    groupCommit.close();
                }
                sync();
            } finally {
                target.release();
                target = null;
            }
        }
    }

    private void force() throws IOException {
        forceSeam.force(target);
    }

    @Override
    public String describe() {
        return "jsonl:" + file;
    }

    /** Scans the end of the file for the last checkpoint line. */
    @Override
    public Optional<Checkpoint> lastCheckpoint() throws IOException {
        String[] lines = tailLines();
        for (int i = lines.length - 1; i >= 0; i--) {
            Optional<Checkpoint> found = checkpointIn(lines[i]);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<ChainHead> lastHead() throws IOException {
        String[] lines = tailLines();
        for (int i = lines.length - 1; i >= 0; i--) {
            Optional<Checkpoint> found = checkpointIn(lines[i]);
            if (found.isEmpty()) {
                continue;
            }
            Checkpoint checkpoint = found.get();
            // events of the checkpoint's stream after it: written by a writer that stopped before its next checkpoint
            for (int j = lines.length - 1; j > i; j--) {
                Optional<ChainHead> event = eventIn(lines[j], checkpoint.stream());
                if (event.isPresent() && event.get().seq() > checkpoint.seq()) {
                    return event;
                }
            }
            return Optional.of(ChainHead.of(checkpoint));
        }
        return Optional.empty();
    }

    private String[] tailLines() throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return new String[0];
        }
        int length = (int) Math.min(size, TAIL_BYTES);
        ByteBuffer tail = ByteBuffer.allocate(length);
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            reader.position(size - length);
            while (tail.hasRemaining() && reader.read(tail) >= 0) {
                // read until full
            }
        }
        return new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8).split("\n");
    }

    private static Optional<Checkpoint> checkpointIn(String line) {
        if (!line.contains("\"checkpoint\"")) {
            return Optional.empty();
        }
        try {
            JsonNode tree = AuditJson.readTree(line.trim());
            return Checkpoint.isCheckpoint(tree) ? Optional.of(Checkpoint.fromTree(tree)) : Optional.empty();
        } catch (AuditException partialOrForeignLine) {
            return Optional.empty(); // the first line of the tail may be cut; keep looking
        }
    }

    private static Optional<ChainHead> eventIn(String line, String stream) {
        if (!line.contains(stream)) {
            return Optional.empty();
        }
        try {
            JsonNode chain = AuditJson.readTree(line.trim()).path("chain");
            return chain.path("stream").asText("").equals(stream) && chain.path("hash").isTextual()
                    ? Optional.of(new ChainHead(stream, chain.path("seq").asLong(), chain.path("hash").textValue()))
                    : Optional.empty();
        } catch (AuditException partialLine) {
            return Optional.empty(); // a line the crash cut short: the event before it is the head
        }
    }
}
