package dev.governed.core.engine;

import dev.governed.audit.AuditEvent;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One request a transport asks the engine to admit.
 *
 * @param kind        {@code http} or {@code sql}: the audit event's action kind
 * @param transport   the audit event's resource kind: {@code http}, {@code jdbc}
 * @param resource    the resource's name in policies
 * @param target      where the resource is, for the audit event (a base URI, a JDBC URL without secrets)
 * @param operation   the audit event's action operation, e.g. {@code get}
 * @param statement   the audit event's action statement, already stripped of what must not be recorded
 * @param withoutLiterals the statement with its literals replaced, recorded instead when they may be values a
 *                    mask hides ({@link PolicyQuestion#mayQuoteMasked}); null when the statement has none
 * @param fingerprint the statement's fingerprint for the audit event (SQL), or null
 * @param tables      the tables the statement touches (SQL), for the audit event
 * @param connection  the transport's connection id for the audit event's session, or null
 * @param question    what to ask the policy snapshot
 */
public record Request(String kind, String transport, String resource, String target, String operation,
                      String statement, Supplier<String> withoutLiterals, String fingerprint, List<String> tables,
                      String connection, PolicyQuestion question) {
    public Request {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(question, "question");
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    /** A request without fingerprint, tables or connection, as HTTP sends them. */
    public Request(String kind, String resource, String target, String operation, String statement,
                   PolicyQuestion question) {
        this(kind, kind, resource, target, operation, statement, null, null, List.of(), null, question);
    }

    /** The same request, asking {@code other} of the policy instead (a refusal the transport makes itself). */
    public Request asking(PolicyQuestion other) {
        return new Request(kind, transport, resource, target, operation, statement, withoutLiterals, fingerprint,
                tables, connection, other);
    }

    /** What the audit event's action says of this request; {@code quotesMasked}: without its literals. */
    AuditEvent.Action action(boolean quotesMasked) {
        String text = quotesMasked && withoutLiterals != null ? withoutLiterals.get() : statement;
        return new AuditEvent.Action(kind, operation, text, fingerprint, tables);
    }
}
