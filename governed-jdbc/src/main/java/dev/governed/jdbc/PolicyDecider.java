package dev.governed.jdbc;

import dev.governed.policy.CompiledPolicy;

/**
 * Finds the policy in force for a caller; a seam between enforcement and where policies come from
 * (a file, or the enforcement service). A statement asks once and takes its decision, its
 * read-only mode and its masks from that one snapshot, so a refresh landing in between cannot
 * give it the decision of one policy version and the masks of another.
 */
interface PolicyDecider {

    /** The compiled policy in force for this caller now. */
    CompiledPolicy policyFor(VerifiedCaller caller) throws PolicyUnavailableException;
}
