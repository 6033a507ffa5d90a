package dev.governed.policy;

import java.util.Objects;

/**
 * One SQL rule: who it applies to ({@code when}), which statements ({@code sql}) and
 * what it does. Deny overrides approve overrides allow; document order is irrelevant.
 *
 * @param reason   free text shown to the caller and audited; may be null
 * @param approval present exactly when {@code effect} is approve
 */
public record Rule(String id, When when, SqlMatch sql, Effect effect, String reason, Approval approval) {
    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(effect, "effect");
        if ((effect == Effect.APPROVE) != (approval != null)) {
            throw new IllegalArgumentException("rule " + id + ": an approval block is required for effect approve"
                    + " and not allowed otherwise");
        }
    }
}
