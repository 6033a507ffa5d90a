package dev.governed.service.audit;

import java.util.List;

/**
 * The state of one stream's hash chain as stored: intact when every seq from the first to the last is present
 * once, each {@code prev} is the hash before it and every hash matches its event.
 *
 * @param missing       seq ranges not (yet) received, e.g. {@code "5-7"}; at most 100 listed
 * @param brokenLinks   seqs whose {@code prev} is not the previous event's hash
 * @param invalidHashes seqs whose hash does not match their content (changed after hashing)
 * @param forks         seqs held more than once with different ids
 * @param expiredThrough the last seq retention removed (its signed record links to {@code firstSeq}); 0 when none
 */
public record ChainStatus(String stream, long events, long firstSeq, long lastSeq, String head, String startsAfter,
                          boolean intact, List<String> missing, List<Long> brokenLinks, List<Long> invalidHashes,
                          List<Long> forks, Checkpoint lastCheckpoint, long expiredThrough) {

    /**
     * The last checkpoint received for the stream, whether the stored chain agrees with it, and its signature:
     * valid, invalid, unknown-key (no trusted key with its kid) or unsigned.
     */
    public record Checkpoint(long seq, String head, boolean matches, String signature) {}
}
