package dev.governed.audit.verify;

import dev.governed.audit.chain.Checkpoint;

/**
 * The latest checkpoint of a stream as a witness (the enforcement service) received it, and the head the
 * stream resumed from ({@code origin}, the {@code prev} of its seq 1; null when the witness does not know it).
 */
public record WitnessedHead(Checkpoint checkpoint, String origin) {}
