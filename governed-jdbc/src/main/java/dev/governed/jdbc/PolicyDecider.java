package dev.governed.jdbc;

import dev.governed.policy.Decision;
import dev.governed.policy.MaskRule;
import dev.governed.policy.SqlRequest;
import java.util.List;

/**
 * Decides on a request with the policy in force for its caller; a seam between
 * enforcement and where policies come from (a file, or the enforcement service).
 */
interface PolicyDecider {
    Decision decide(SqlRequest request, VerifiedCaller caller) throws PolicyUnavailableException;

    /** The masks of the policy in force for this caller (the one {@link #decide} used). */
    List<MaskRule> masks(VerifiedCaller caller) throws PolicyUnavailableException;

    /**
     * Whether this caller may run anything but reads on this datasource under the policy in force
     * (see {@link dev.governed.policy.CompiledPolicy#allowsWrites}); when not, the session runs read-only.
     */
    boolean allowsWrites(VerifiedCaller caller) throws PolicyUnavailableException;
}
