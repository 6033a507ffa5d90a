package dev.governed.jdbc;

import dev.governed.policy.Decision;
import dev.governed.policy.SqlRequest;

/**
 * Decides on a request with the policy in force for its caller; a seam between
 * enforcement and where policies come from (a file, or the enforcement service).
 */
@FunctionalInterface
interface PolicyDecider {
    Decision decide(SqlRequest request, VerifiedCaller caller) throws PolicyUnavailableException;
}
