package dev.governed.service.audit;

import java.util.List;

/**
 * What an upload did: events stored, ids already held with the same content (duplicates, harmless retries),
 * ids already held with different content (conflicts, refused), events whose hash does not match their
 * content, chain gaps seen against what the store holds, and checkpoints ({@code stream#seq}) whose signature
 * does not verify with the key it names.
 */
public record IngestResult(int accepted, int duplicates, List<String> conflicts, List<String> invalidHashes,
                           List<Gap> gaps, int checkpoints, List<String> invalidSignatures) {

    /** Event {@code id} at {@code seq} in {@code stream} does not follow the stored event before it; {@code kind} says how. */
    public record Gap(String stream, long seq, String id, String kind, String detail) {}
}
