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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(AppendFile.class);

    private final Path file;
    private FileChannel channel;
    private int users;
    /** Bytes were appended since the last force: a force of a clean file is skipped (the sinks sharing it force it in turn). */
    private boolean unforced;

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
                    force();
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
        unforced |= bytes.hasRemaining();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Forces what was appended to disk; a no-op when nothing was appended since the last force. */
    synchronized void force() throws IOException {
        if (unforced) {
            channel.force(false);
            unforced = false;
        }
    }

    private void rotate() throws IOException {
        force();
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
            setAsideCutOffLine(file, channel);
            return channel;
        } catch (IOException e) {
            throw new IOException("cannot open audit file " + file + " for appending: " + reason(e)
                    + ". Make sure the directory exists or can be created and is writable by this process,"
                    + " or point governed.audit at a writable path (e.g. jsonl:/tmp/governed/audit.jsonl)", e);
        }
    }

    /**
     * A crash can leave half a line. Glued to the next event it would damage both, and left in place it
     * reads as a damaged trail forever; the event it held is still in the journal (which redelivers it)
     * or was never acknowledged. So the fragment moves to a sibling file, kept as evidence, and the
     * trail ends at its last whole line.
     */
    private static void setAsideCutOffLine(Path file, FileChannel appender) throws IOException {
        long size = appender.size();
        long lineEnd = size;
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            while (lineEnd > 0) {
                long from = Math.max(0, lineEnd - chunk.capacity());
                chunk.clear().limit((int) (lineEnd - from));
                while (chunk.hasRemaining() && reader.read(chunk, from + chunk.position()) >= 0) {
                    // read the whole chunk
                }
                int newline = lastNewline(chunk);
                if (newline >= 0) {
                    lineEnd = from + newline + 1;
                    break;
                }
                lineEnd = from;
            }
            if (lineEnd == size) {
                return;
            }
            Path aside = file.resolveSibling(file.getFileName() + ".cut-" + ROTATED.format(Instant.now()));
            try (FileChannel fragment = FileChannel.open(aside, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OwnerOnly.attributes(aside, "rw-r-----"))) {
                reader.transferTo(lineEnd, size - lineEnd, fragment);
                fragment.force(false);
            }
            LOG.warn("audit file {} ended in a cut-off line (a crash while writing): its {} bytes were moved to {};"
                    + " the event it held is redelivered from the journal if one is configured", file, size - lineEnd, aside);
        }
        appender.truncate(lineEnd);
        appender.force(false);
    }

    private static int lastNewline(ByteBuffer chunk) {
        for (int i = chunk.position() - 1; i >= 0; i--) {
            if (chunk.get(i) == '\n') {
                return i;
            }
        }
        return -1;
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
