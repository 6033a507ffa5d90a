package dev.governed.audit.verify;

import dev.governed.audit.chain.Checkpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * What the streaming verifier remembers of one stream: its position, the hashes of the last {@link #WINDOW}
 * events (for duplicates, links and checkpoints that trail their event), open gaps, checkpoints that came
 * before their event, and how far trusted checkpoints reach. Its size does not grow with the stream.
 */
final class StreamState {

    static final int WINDOW = 4096;
    static final int MAX_GAPS = 1024;

    /** Where a line is: an index into the run's file names and a 1-based line number. */
    record At(int file, long line) {}

    /** Sequence numbers {@code from..to} not seen yet, first noticed when {@code jumper} arrived at {@code at}. */
    static final class Gap {
        long from;
        long to;
        final long jumper;
        final At at;

        Gap(long from, long to, long jumper, At at) {
            this.from = from;
            this.to = to;
            this.jumper = jumper;
            this.at = at;
        }
    }

    record PendingCheckpoint(Checkpoint checkpoint, At at) {}

    final String id;
    private final byte[] hashes = new byte[WINDOW * 32];
    private final long[] seqs = new long[WINDOW];
    private final int[] files = new int[WINDOW];
    private final long[] lines = new long[WINDOW];

    long lastSeq;
    byte[] lastHash;
    At lastAt;
    long events;
    /** prev of seq 1: genesis, or the head this stream resumed from. */
    String origin;
    At originAt;
    /** The stream and seq whose event this stream resumed from, when it was seen before this stream began. */
    StreamState resumedFrom;
    long resumedFromSeq;
    final List<Gap> gaps = new ArrayList<>();
    final TreeMap<Long, PendingCheckpoint> ahead = new TreeMap<>();

    /** The last seq a retention record removed (0: none) and that event's hash, the first remaining event's prev. */
    long expiredThrough;
    String expiredHash;

    long lastCheckpointSeq;
    long lastTrustedSeq;
    Unproven.Reason weakReason;
    String weakDetail;

    /** The witness's latest head of this stream, checked when that event passes. */
    Checkpoint witnessed;
    boolean witnessMatched;

    StreamState(String id) {
        this.id = id;
        Arrays.fill(seqs, -1);
    }

    void remember(long seq, byte[] hash, At at) {
        int slot = (int) (seq % WINDOW);
        seqs[slot] = seq;
        System.arraycopy(hash, 0, hashes, slot * 32, 32);
        files[slot] = at.file();
        lines[slot] = at.line();
    }

    boolean knows(long seq) {
        return seq > 0 && seqs[(int) (seq % WINDOW)] == seq;
    }

    boolean hashEquals(long seq, byte[] hash) {
        return Arrays.equals(hashes, (int) (seq % WINDOW) * 32, (int) (seq % WINDOW) * 32 + 32, hash, 0, 32);
    }

    byte[] hashCopy(long seq) {
        int from = (int) (seq % WINDOW) * 32;
        return Arrays.copyOfRange(hashes, from, from + 32);
    }

    /** The seq of a remembered event with this hash, or -1. */
    long find(byte[] hash) {
        for (int slot = 0; slot < WINDOW; slot++) {
            if (seqs[slot] >= 0 && Arrays.equals(hashes, slot * 32, slot * 32 + 32, hash, 0, 32)) {
                return seqs[slot];
            }
        }
        return -1;
    }

    At at(long seq) {
        int slot = (int) (seq % WINDOW);
        return new At(files[slot], lines[slot]);
    }

    /** Takes {@code seq} out of the gap that holds it; the gap, or null when no gap does. */
    Gap fill(long seq) {
        for (int i = 0; i < gaps.size(); i++) {
            Gap each = gaps.get(i);
            if (seq < each.from || seq > each.to) {
                continue;
            }
            if (each.from == each.to) {
                gaps.remove(i);
            } else if (seq == each.from) {
                each.from++;
            } else if (seq == each.to) {
                each.to--;
            } else {
                gaps.add(i + 1, new Gap(seq + 1, each.to, each.jumper, each.at));
                each.to = seq - 1;
            }
            return each;
        }
        return null;
    }

    void covered(long seq, Unproven.Reason weakness, String detail) {
        lastCheckpointSeq = Math.max(lastCheckpointSeq, seq);
        if (weakness == null) {
            lastTrustedSeq = Math.max(lastTrustedSeq, seq);
        } else if (weakReason == null || seq >= lastCheckpointSeq) {
            weakReason = weakness;
            weakDetail = detail;
        }
    }
}
