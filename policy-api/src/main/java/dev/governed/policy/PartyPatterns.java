package dev.governed.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Patterns over one party of a call ({@code when.actors}, {@code when.onBehalfOf}): exact names, prefixes
 * ending in {@code *} ({@code agent:*}, or {@code *} for any party), or {@link #ABSENT}, which matches only
 * when there is no such party. Exact names are one hash lookup; prefixes are few and checked in a loop, so
 * matching stays cheap on the statement path. Names are compared exactly, like {@code subjects}.
 */
public final class PartyPatterns {
    public static final String ABSENT_KEYWORD = "absent";
    public static final String SHAPE = "a name, or a prefix ending in * such as agent:*";

    /** No constraint: the key was left out. */
    public static final PartyPatterns ANY = new PartyPatterns(List.of(), false);
    /** Only calls without this party, e.g. {@code onBehalfOf: absent} refuses delegated tokens. */
    public static final PartyPatterns ABSENT = new PartyPatterns(List.of(), true);

    private final List<String> patterns;
    private final boolean absent;
    private final Set<String> exact;
    private final String[] prefixes;

    private PartyPatterns(List<String> patterns, boolean absent) {
        this.patterns = List.copyOf(patterns);
        this.absent = absent;
        Set<String> names = new HashSet<>();
        List<String> starts = new ArrayList<>();
        for (String each : this.patterns) {
            if (each.endsWith("*")) {
                starts.add(each.substring(0, each.length() - 1));
            } else {
                names.add(each);
            }
        }
        this.exact = Set.copyOf(names);
        this.prefixes = starts.toArray(new String[0]);
    }

    /**
     * @throws IllegalArgumentException when a pattern is blank or has a {@code *} anywhere but at its end
     */
    public static PartyPatterns of(List<String> patterns) {
        if (patterns.isEmpty()) {
            return ANY;
        }
        for (String each : patterns) {
            if (each == null || each.isBlank()) {
                throw new IllegalArgumentException("blank pattern; expected " + SHAPE);
            }
            int star = each.indexOf('*');
            if (star >= 0 && star != each.length() - 1) {
                throw new IllegalArgumentException("\"" + each + "\" has a * before its end; a * may only end a pattern"
                        + " (a prefix match such as agent:*)");
            }
        }
        return new PartyPatterns(patterns, false);
    }

    /** The patterns as written, in order; empty for {@link #ANY} and {@link #ABSENT}. */
    public List<String> patterns() {
        return patterns;
    }

    public boolean isAny() {
        return !absent && patterns.isEmpty();
    }

    public boolean isAbsent() {
        return absent;
    }

    /** Whether {@code party} (null when there is none) is matched. */
    public boolean matches(String party) {
        if (absent) {
            return party == null;
        }
        if (patterns.isEmpty()) {
            return true;
        }
        if (party == null) {
            return false;
        }
        if (exact.contains(party)) {
            return true;
        }
        for (String each : prefixes) {
            if (party.startsWith(each)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PartyPatterns that && absent == that.absent && patterns.equals(that.patterns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(patterns, absent);
    }

    @Override
    public String toString() {
        return absent ? ABSENT_KEYWORD : patterns.toString();
    }
}
