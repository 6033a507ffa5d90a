/**
 * Where policies come from: {@link dev.governed.policy.source.PolicySources#fromLocation(String)}
 * turns a {@code governed.policy} location into a {@link dev.governed.policy.source.PolicySource}.
 */
package dev.governed.policy.source;
