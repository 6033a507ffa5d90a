package dev.governed.policy;

import java.util.Objects;

/** One rule of the {@code http} section: the HTTP decorator's counterpart of {@link Rule}. */
public record HttpRule(String id, When when, HttpRequestMatch request, Effect effect, String reason, Approval approval) {
    public HttpRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(effect, "effect");
        if ((effect == Effect.APPROVE) != (approval != null)) {
            throw new IllegalArgumentException("http rule " + id + ": an approval block is required for effect approve"
                    + " and not allowed otherwise");
        }
    }
}
