package dev.governed.jdbc;

import dev.governed.policy.Decision;
import dev.governed.policy.SqlRequest;

/** Decides on a request with the policy in force; a seam between enforcement and where policies come from. */
@FunctionalInterface
interface PolicyDecider {
    Decision decide(SqlRequest request) throws PolicyUnavailableException;
}
