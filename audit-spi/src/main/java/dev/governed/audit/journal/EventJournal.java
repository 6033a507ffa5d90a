package dev.governed.audit.journal;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.EventEncoder;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, memory-mapped write-ahead journal of accepted audit events, so that an event whose
 * {@code record} returned survives {@code kill -9} of the process: the caller copies the event's
 * JSON into a shared mapping of {@code <dir>/audit.journal}, which lives in the OS page cache and
 * outlives the process, without a system call (one file per set of sinks, see {@link #fileNameFor}). The writer marks each event delivered once the
 * sinks took it and trims the ring behind it; the next dispatcher on the same directory replays
 * what was not delivered ({@link #recovered()}).
 *
 * <p><b>Fsync policy.</b> The journal is never forced to disk on the hot path: it survives a
 * process crash, not a power loss or kernel crash (for that, the {@code jsonl} sink's
 * {@code fsync=batch} makes each delivered batch durable). A torn or stale record is never replayed:
 * each carries its position xor a per-file random nonce, written last, and a CRC-32C of its bytes.
 *
 * <p>Ring layout: a 4 KiB header (magic, capacity, nonce, head) and {@code capacity} bytes of
 * 16-byte aligned records {@code [tag:8][length:4][crc:4][json]}; {@code tag} is
 * {@code position ^ nonce} once written and {@code position ^ nonce ^ DELIVERED} once delivered (or
 * for padding at the ring's end, whose length is the negated record size). Producers claim space
 * with a CAS on the tail and never wait on each other; a full ring makes them wait, then fail.
 */
public final class EventJournal implements AutoCloseable {

    public static final String FILE_NAME = "audit.journal";
    public static final long DEFAULT_CAPACITY = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(EventJournal.class);
    private static final long MAGIC = 0x474f564a524e4c31L; // "GOVJRNL1"
    private static final long DELIVERED = 0x5a5a_5a5a_5a5a_5a5aL;
    private static final int HEADER = 4096;
    private static final int RECORD_HEADER = 16;
    private static final int H_MAGIC = 0;
    private static final int H_CAPACITY = 8;
    private static final int H_NONCE = 16;
    private static final int H_HEAD = 24;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final ThreadLocal<EventEncoder> ENCODERS = ThreadLocal.withInitial(EventEncoder::new);
    private static final ThreadLocal<CRC32C> CRCS = ThreadLocal.withInitial(CRC32C::new);

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final MappedByteBuffer map;
    private final long capacity;
    private final long nonce;
    private final AtomicLong tail = new AtomicLong();
    private volatile long head;
    private final List<Entry> recovered;

    /** A replayed event and where it sits in the journal, to be marked delivered like any other. */
    public record Entry(AuditEvent event, long position) {}

    private EventJournal(Path directory, String name, long requestedCapacity) throws IOException {
        Files.createDirectories(directory);
        this.file = directory.resolve(name).toAbsolutePath();
        boolean existed = Files.exists(file) && Files.size(file) > HEADER;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            this.lock = lockOrExplain();
            long fileCapacity = existed ? readCapacity() : -1;
            this.capacity = fileCapacity > 0 ? fileCapacity : requestedCapacity;
            this.map = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + capacity);
            map.order(ByteOrder.nativeOrder());
            if (fileCapacity > 0) {
                this.nonce = map.getLong(H_NONCE);
                this.head = map.getLong(H_HEAD);
                this.recovered = recover();
            } else {
                this.nonce = new SecureRandom().nextLong();
                map.putLong(H_CAPACITY, capacity);
                map.putLong(H_NONCE, nonce);
                map.putLong(H_HEAD, 0);
                map.putLong(H_MAGIC, MAGIC);
                this.head = 0;
                this.tail.set(0);
                this.recovered = List.of();
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Opens (creating it if needed) the journal in {@code directory}, holding an exclusive lock on
     * it, and reads back what a crashed predecessor left undelivered. An existing journal keeps its
     * capacity; {@code capacity} applies to a new one.
     */
    public static EventJournal open(Path directory, long capacity) {
        return open(directory, FILE_NAME, capacity);
    }

    /**
     * The journal file for a set of sinks: {@code audit-<hash of their descriptions>.journal}, so
     * dispatchers writing to different sinks can share a directory, and a replay only ever goes to
     * the sinks the events were meant for.
     */
    public static String fileNameFor(List<String> sinkDescriptions) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", sinkDescriptions).getBytes(StandardCharsets.UTF_8));
            return "audit-" + java.util.HexFormat.of().formatHex(digest, 0, 6) + ".journal";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    public static EventJournal open(Path directory, String fileName, long capacity) {
        if (capacity < 64 * 1024 || capacity > Integer.MAX_VALUE - HEADER || capacity % RECORD_HEADER != 0) {
            throw new IllegalArgumentException("journal capacity must be a multiple of 16 bytes from 64KB to 2GB, was "
                    + capacity);
        }
        try {
            return new EventJournal(directory, fileName, capacity);
        } catch (IOException e) {
            throw new AuditException("cannot open the audit journal in " + directory + ": " + e.getMessage()
                    + ". Point governed.audit.journal at a writable local directory", e);
        }
    }

    private FileLock lockOrExplain() throws IOException {
        FileLock result;
        try {
            result = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            result = null;
        }
        if (result == null) {
            throw new IOException("the journal " + file + " is in use by another dispatcher with the same sinks (in"
                    + " this or another process); give each of them its own journal directory");
        }
        return result;
    }

    private long readCapacity() throws IOException {
        MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER);
        header.order(ByteOrder.nativeOrder());
        if (header.getLong(H_MAGIC) != MAGIC) {
            throw new IOException(file + " is not an audit journal (bad magic number); move it away");
        }
        long result = header.getLong(H_CAPACITY);
        if (result < RECORD_HEADER || result % RECORD_HEADER != 0 || HEADER + result > channel.size()) {
            throw new IOException(file + " has a damaged header (capacity " + result + "); move it away");
        }
        return result;
    }

    public Path file() {
        return file;
    }

    public long capacity() {
        return capacity;
    }

    /** Events a crashed predecessor accepted but did not deliver, in journal order, one per event id. */
    public List<Entry> recovered() {
        return recovered;
    }

    /**
     * Writes the event into the journal and returns its position; waits up to {@code waitNanos}
     * for room, then throws {@link AuditException}. Thread-safe and lock-free.
     */
    public long append(AuditEvent event, long waitNanos) {
        EventEncoder encoder = ENCODERS.get().line(event);
        int length = encoder.length();
        long size = RECORD_HEADER + align(length);
        if (size > capacity) {
            throw new AuditException("audit event " + event.id() + " is " + length + " bytes, more than the whole audit"
                    + " journal (" + capacity + " bytes); raise governed.audit.journal.maxSize");
        }
        CRC32C crc = CRCS.get();
        crc.reset();
        crc.update(encoder.buffer(), 0, length);
        long deadline = 0;
        while (true) {
            long at = tail.get();
            long offset = at % capacity;
            long pad = offset + size > capacity ? capacity - offset : 0;
            if (at + pad + size - head > capacity) {
                if (deadline == 0) {
                    deadline = System.nanoTime() + waitNanos;
                } else if (System.nanoTime() - deadline > 0) {
                    throw new AuditException("the audit journal " + file + " (" + capacity + " bytes) stayed full for "
                            + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms because the sinks are not taking events;"
                            + " event " + event.id() + " was not recorded. Fix the sink or raise"
                            + " governed.audit.journal.maxSize");
                }
                LockSupport.parkNanos(50_000);
                continue;
            }
            if (!tail.compareAndSet(at, at + pad + size)) {
                continue;
            }
            if (pad > 0) {
                int p = physical(at);
                map.putInt(p + 8, (int) -pad);
                map.putInt(p + 12, 0);
                LONGS.setRelease(map, p, at ^ nonce ^ DELIVERED);
            }
            long position = at + pad;
            int p = physical(position);
            map.putInt(p + 8, length);
            map.putInt(p + 12, (int) crc.getValue());
            map.put(p + RECORD_HEADER, encoder.buffer(), 0, length);
            LONGS.setRelease(map, p, position ^ nonce); // last: a record is whole once its tag is right
            return position;
        }
    }

    /** Marks the event at {@code position} delivered; writer thread only. Call {@link #trim} after a batch. */
    public void delivered(long position) {
        LONGS.setRelease(map, physical(position), position ^ nonce ^ DELIVERED);
    }

    /** Moves the head over delivered records, giving their room back to producers; writer thread only. */
    public void trim() {
        long at = head;
        long end = tail.get();
        while (at < end) {
            int p = physical(at);
            if ((long) LONGS.getAcquire(map, p) != (at ^ nonce ^ DELIVERED)) {
                break;
            }
            at += recordSize(map.getInt(p + 8));
        }
        if (at != head) {
            LONGS.setRelease(map, H_HEAD, at);
            head = at;
        }
    }

    /** Bytes held by events not yet delivered (and padding among them). */
    public long used() {
        return tail.get() - head;
    }

    @Override
    public void close() {
        try {
            trim();
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing the audit journal {} failed: {}", file, e.getMessage());
        }
    }

    // Scans one ring length from the head: whole records (right tag, sane length, right CRC) whose tag
    // says undelivered are replayed; gaps left by writers killed mid-record become padding.
    private List<Entry> recover() {
        long start = head;
        long at = start;
        long lastEnd = start;
        List<long[]> gaps = new ArrayList<>();
        Map<String, Entry> byId = new LinkedHashMap<>();
        int unreadable = 0;
        while (at < start + capacity) {
            int p = physical(at);
            long tag = map.getLong(p);
            boolean pending = tag == (at ^ nonce);
            boolean done = tag == (at ^ nonce ^ DELIVERED);
            long size = (pending || done) ? validSize(at, p, pending) : -1;
            if (size < 0) {
                at += RECORD_HEADER;
                continue;
            }
            if (at > lastEnd) {
                gaps.add(new long[] {lastEnd, at});
            }
            if (pending) {
                try {
                    AuditEvent event = AuditJson.fromJson(payload(p));
                    if (byId.putIfAbsent(event.id(), new Entry(event, at)) != null) {
                        delivered(at);
                    }
                } catch (AuditException e) {
                    unreadable++;
                    delivered(at);
                }
            }
            at += size;
            lastEnd = at;
        }
        for (long[] gap : gaps) {
            pad(gap[0], gap[1]);
        }
        tail.set(lastEnd);
        if (unreadable > 0) {
            LOG.error("{} records of the audit journal {} passed their checksum but are not audit events; skipped",
                    unreadable, file);
        }
        if (!byId.isEmpty()) {
            LOG.warn("recovering {} audit events from the journal {} that a previous run accepted but did not deliver",
                    byId.size(), file);
        }
        trim();
        return List.copyOf(byId.values());
    }

    private long validSize(long at, int p, boolean pending) {
        int length = map.getInt(p + 8);
        long size = recordSize(length);
        if (length < 0 && pending || size < RECORD_HEADER || at % capacity + size > capacity) {
            return -1;
        }
        if (length >= 0 && pending) {
            byte[] bytes = new byte[length];
            map.get(p + RECORD_HEADER, bytes);
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            if ((int) crc.getValue() != map.getInt(p + 12)) {
                return -1;
            }
        }
        return size;
    }

    private String payload(int p) {
        byte[] bytes = new byte[map.getInt(p + 8)];
        map.get(p + RECORD_HEADER, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // fills [from, to) with delivered padding records, split where the ring wraps
    private void pad(long from, long to) {
        while (from < to) {
            long size = Math.min(to - from, capacity - from % capacity);
            int p = physical(from);
            map.putInt(p + 8, (int) -size);
            map.putInt(p + 12, 0);
            LONGS.setRelease(map, p, from ^ nonce ^ DELIVERED);
            from += size;
        }
    }

    private static long recordSize(int length) {
        return length >= 0 ? RECORD_HEADER + align(length) : -(long) length;
    }

    private int physical(long position) {
        return (int) (HEADER + position % capacity);
    }

    private static long align(long length) {
        return (length + RECORD_HEADER - 1) & -RECORD_HEADER;
    }
}
