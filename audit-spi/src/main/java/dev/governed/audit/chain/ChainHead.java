package dev.governed.audit.chain;

/**
 * Where a stream stood: the hash of its event at {@code seq}. A restarted writer continues from the newest head
 * its sink holds, so a tail its predecessor wrote after the last checkpoint (a crash) is covered by the new
 * stream's first checkpoint instead of being left open.
 */
public record ChainHead(String stream, long seq, String hash) {

    public static ChainHead of(Checkpoint checkpoint) {
        return new ChainHead(checkpoint.stream(), checkpoint.seq(), checkpoint.head());
    }
}
