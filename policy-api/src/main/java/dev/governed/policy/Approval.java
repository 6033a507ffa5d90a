package dev.governed.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How an approve rule's requests get approved.
 *
 * @param approverGroups callers in any of these groups may approve
 * @param mode           {@code once}: each request needs its own approval; {@code window}: one
 *                       approval covers the same rule for the same caller during {@code ttl}
 * @param ttl            the window's length; null for {@code once}
 * @param minApprovals   how many different approvers must approve (default 1); one denial denies
 */
public record Approval(Set<String> approverGroups, Mode mode, Duration ttl, int minApprovals) {

    public enum Mode {
        ONCE, WINDOW;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Approval {
        approverGroups = Set.copyOf(approverGroups);
        Objects.requireNonNull(mode, "mode");
        if (approverGroups.isEmpty()) {
            throw new IllegalArgumentException("an approval needs at least one approver group");
        }
        if ((mode == Mode.WINDOW) != (ttl != null)) {
            throw new IllegalArgumentException("ttl is required for mode window and not allowed for mode once");
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        if (minApprovals < 1) {
            throw new IllegalArgumentException("minApprovals must be at least 1");
        }
    }

    /** One approver suffices. */
    public Approval(Set<String> approverGroups, Mode mode, Duration ttl) {
        this(approverGroups, mode, ttl, 1);
    }

    public static Approval once(Set<String> approverGroups) {
        return new Approval(approverGroups, Mode.ONCE, null);
    }
}
