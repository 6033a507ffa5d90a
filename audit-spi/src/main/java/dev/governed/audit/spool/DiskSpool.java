package dev.governed.audit.spool;

import dev.governed.audit.sink.AuditEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A bounded, ordered, crash-safe queue of batches on disk: one segment file per batch, named by a
 * zero-padded sequence number so names sort in spool order.
 *
 * <p>Fsync policy: a segment is written to {@code <n>.tmp}, forced to disk, renamed atomically to
 * {@code <n>.jsonl} and the directory is forced, so an {@link #append} that returned survives a
 * power loss; a crash before the rename leaves only a {@code .tmp} that the next open deletes (that
 * batch was never acknowledged as spooled). A segment is deleted only after its sink took it, so a
 * crash in between re-delivers it: at-least-once, de-duplicate by {@link AuditEntry#dedupKey()}.
 * Not thread-safe: the dispatcher's writer thread owns it.
 */
public final class DiskSpool {

    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final long maxBytes;
    private long bytes;
    private long nextNumber;
    // segment numbers in spool order, so draining does not list the directory per segment
    private final TreeSet<Long> numbers = new TreeSet<>();

    private DiskSpool(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /** Opens (creating if needed) a spool directory and counts what an earlier run left in it. */
    public static DiskSpool open(Path directory, long maxBytes) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        DiskSpool spool = new DiskSpool(absolute, maxBytes);
        try {
            if (!Files.isDirectory(absolute)) {
                Files.createDirectories(absolute, ownerOnly(absolute, "rwx------"));
            }
            if (!Files.isWritable(absolute)) {
                throw new IOException("directory is not writable");
            }
            try (Stream<Path> files = Files.list(absolute)) {
                for (Path each : (Iterable<Path>) files::iterator) {
                    String name = each.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(each);
                    } else if (name.endsWith(SUFFIX) && number(each) >= 0) {
                        spool.bytes += Files.size(each);
                        spool.numbers.add(number(each));
                        spool.nextNumber = Math.max(spool.nextNumber, number(each) + 1);
                    }
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot use audit spool directory " + absolute + ": " + e.getMessage()
                    + ". Create it and make it writable by this process, or configure another spool directory", e);
        }
        return spool;
    }

    public Path directory() {
        return directory;
    }

    public boolean isEmpty() {
        return numbers.isEmpty();
    }

    public long bytes() {
        return bytes;
    }

    public int segments() {
        return numbers.size();
    }

    /** Durably appends one batch; {@link SpoolFullException} when it would exceed the byte limit. */
    public void append(List<AuditEntry> batch) throws IOException {
        StringBuilder text = new StringBuilder();
        for (AuditEntry each : batch) {
            text.append(each.json()).append('\n');
        }
        byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes + content.length > maxBytes) {
            throw new SpoolFullException("audit spool " + directory + " is full: " + bytes + " bytes held, limit "
                    + maxBytes + ", a batch of " + batch.size() + " entries needs " + content.length
                    + " more. The sink has been failing; fix it (the spool drains by itself),"
                    + " or raise the spool limit");
        }
        Path temp = directory.resolve(String.format("%020d", nextNumber) + ".tmp");
        Path segment = segmentFile(nextNumber);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    ownerOnly(temp, "rw-------"))) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, segment, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup); // the write failure is the one to report
            }
            throw new IOException("cannot write to audit spool " + directory + ": " + e.getClass().getSimpleName()
                    + " " + e.getMessage() + ". Check free space and permissions of the spool directory", e);
        }
        numbers.add(nextNumber);
        nextNumber++;
        bytes += content.length;
    }

    /** The oldest spooled batch, if any. */
    public Optional<Segment> oldest() throws IOException {
        if (numbers.isEmpty()) {
            return Optional.empty();
        }
        Path first = segmentFile(numbers.first());
        List<AuditEntry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(first, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                entries.add(AuditEntry.parse(line));
            }
        }
        return Optional.of(new Segment(first, Files.size(first), List.copyOf(entries)));
    }

    /** Forgets a batch its sink has taken. */
    public void remove(Segment segment) throws IOException {
        Files.deleteIfExists(segment.file());
        numbers.remove(number(segment.file()));
        bytes -= segment.bytes();
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException notSupportedHere) {
            // some platforms cannot open directories; the rename is still atomic there
        }
    }

    // spooled entries are audit evidence: only this process's user may read or change them
    private static FileAttribute<?>[] ownerOnly(Path path, String permissions) {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
    }

    private Path segmentFile(long number) {
        return directory.resolve(String.format("%020d", number) + SUFFIX);
    }

    private static long number(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One spooled batch. */
    public record Segment(Path file, long bytes, List<AuditEntry> entries) {}

    /** The spool has reached its byte limit. */
    public static final class SpoolFullException extends IOException {
        public SpoolFullException(String message) {
            super(message);
        }
    }
}
