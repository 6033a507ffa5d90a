package dev.governed.policy;

/** What a rule does when it matches. Deny overrides approve overrides allow. */
public enum Effect {
    ALLOW, APPROVE, DENY;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
