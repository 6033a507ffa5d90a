package dev.governed.policy;

import java.util.Set;

/**
 * The verified identity as policy sees it.
 *
 * @param subject    the token's {@code sub} claim: for a delegated token (RFC 8693 {@code act}) the user
 *                   represented, otherwise the caller itself; what {@code when.subjects} matches
 * @param groups     the token's own groups claim, which describes {@code subject}; what {@code when.groups} matches
 * @param actor      the party acting now: the outermost {@code act.sub} of a delegated token, else the
 *                   token's {@code sub}; what {@code when.actors} matches
 * @param onBehalfOf the represented user of a delegated token, null otherwise; what {@code when.onBehalfOf} matches
 */
public record Caller(String subject, Set<String> groups, String actor, String onBehalfOf) {
    public Caller {
        groups = Set.copyOf(groups);
    }

    /** A caller acting for itself. */
    public Caller(String subject, Set<String> groups) {
        this(subject, groups, subject, null);
    }

    /** "agent:billing on behalf of alice", or the subject alone; for messages. */
    public String describe() {
        if (onBehalfOf != null) {
            return actor + " on behalf of " + onBehalfOf;
        }
        return subject == null ? "an unnamed caller" : subject;
    }
}
