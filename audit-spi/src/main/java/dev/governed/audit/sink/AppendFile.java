package dev.governed.audit.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One open audit file per path in this JVM, shared by every {@link JsonlSink} on that path, so
 * dispatchers of different datasources can log to the same file: appends and rotation take turns
 * under this object's lock (writer threads only, never a caller's thread), and the file closes with
 * its last user.
 */
final class AppendFile {

    private static final DateTimeFormatter ROTATED =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Map<Path, AppendFile> OPEN = new HashMap<>();

    private final Path file;
    private FileChannel channel;
    private int users;

    private AppendFile(Path file) throws IOException {
        this.file = file;
        this.channel = openChannel(file);
    }

    static AppendFile acquire(Path file) throws IOException {
        synchronized (OPEN) {
            AppendFile result = OPEN.get(file);
            if (result == null) {
                result = new AppendFile(file);
                OPEN.put(file, result);
            }
            result.users++;
            return result;
        }
    }

    void release() throws IOException {
        synchronized (OPEN) {
            synchronized (this) {
                if (--users > 0) {
                    return;
                }
                OPEN.remove(file);
                try {
                    channel.force(false);
                } finally {
                    channel.close();
                }
            }
        }
    }

    /** Appends with one write (so no line is split), rotating first if the file reached {@code maxSize}. */
    synchronized void append(byte[] content, int length, long maxSize) throws IOException {
        if (maxSize != Long.MAX_VALUE && channel.size() >= maxSize) {
            rotate();
        }
        ByteBuffer bytes = ByteBuffer.wrap(content, 0, length);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    synchronized void force() throws IOException {
        channel.force(false);
    }

    private void rotate() throws IOException {
        channel.force(false);
        channel.close();
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
            FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), OwnerOnly.attributes(file, "rw-r-----"));
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
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way of a directory (" + e.getMessage() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
