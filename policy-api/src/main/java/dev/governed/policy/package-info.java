/**
 * The policy model and its evaluation: {@link dev.governed.policy.PolicyDocuments} reads
 * and validates a document into a {@link dev.governed.policy.PolicyDocument};
 * {@link dev.governed.policy.CompiledPolicy} decides on a {@link dev.governed.policy.SqlRequest}.
 */
package dev.governed.policy;
