package dev.governed.jdbc;

import dev.governed.policy.Decision;
import dev.governed.policy.MaskRule;
import dev.governed.policy.SqlRequest;
import java.util.List;

/** Decides on a request with the policy in force; a seam between enforcement and where policies come from. */
interface PolicyDecider {
    Decision decide(SqlRequest request) throws PolicyUnavailableException;

    /** The masks of the policy in force. */
    List<MaskRule> masks() throws PolicyUnavailableException;
}
