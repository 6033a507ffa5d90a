package dev.governed.audit.export;

import dev.governed.audit.AuditEvent;
import java.time.Instant;
import java.util.Locale;

/**
 * Which events an export keeps; every criterion left null matches all. Immutable: each
 * {@code with…} returns a new filter, e.g.
 * {@code ExportFilter.all().withSubject("agent:billing").withDecision("deny")}.
 *
 * @param subject exact {@code actor.subject}
 * @param resource exact {@code resource.name}
 * @param from inclusive lower bound of {@code time}
 * @param to exclusive upper bound of {@code time}
 * @param decision {@code decision.effect}: allow, deny or approve (case-insensitive)
 */
public record ExportFilter(String subject, String resource, Instant from, Instant to, String decision) {

    public static ExportFilter all() {
        return new ExportFilter(null, null, null, null, null);
    }

    public ExportFilter withSubject(String value) {
        return new ExportFilter(value, resource, from, to, decision);
    }

    public ExportFilter withResource(String value) {
        return new ExportFilter(subject, value, from, to, decision);
    }

    public ExportFilter between(Instant fromInclusive, Instant toExclusive) {
        return new ExportFilter(subject, resource, fromInclusive, toExclusive, decision);
    }

    public ExportFilter withDecision(String value) {
        return new ExportFilter(subject, resource, from, to, value == null ? null : value.toLowerCase(Locale.ROOT));
    }

    public boolean matches(AuditEvent event) {
        if (subject != null && (event.actor() == null || !subject.equals(event.actor().subject()))) {
            return false;
        }
        if (resource != null && (event.resource() == null || !resource.equals(event.resource().name()))) {
            return false;
        }
        if (from != null && (event.time() == null || event.time().isBefore(from))) {
            return false;
        }
        if (to != null && (event.time() == null || !event.time().isBefore(to))) {
            return false;
        }
        return decision == null
                || event.decision() != null && decision.equalsIgnoreCase(String.valueOf(event.decision().effect()));
    }
}
