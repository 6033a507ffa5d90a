package dev.governed.core.engine;

import java.util.List;
import java.util.Objects;

/**
 * One request a transport asks the engine to admit.
 *
 * @param kind      {@code http} or {@code sql}: the audit event's resource and action kind
 * @param resource  the resource's name in policies
 * @param target    where the resource is, for the audit event (a base URI, a JDBC URL without secrets)
 * @param operation the audit event's action operation, e.g. {@code get}
 * @param statement   the audit event's action statement, already stripped of what must not be recorded
 * @param fingerprint the statement's fingerprint for the audit event (SQL), or null
 * @param tables      the tables the statement touches (SQL), for the audit event
 * @param connection  the transport's connection id for the audit event's session, or null
 * @param question    what to ask the policy snapshot
 */
public record Request(String kind, String resource, String target, String operation, String statement,
                      String fingerprint, List<String> tables, String connection, PolicyQuestion question) {
    public Request {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(question, "question");
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    /** A request without fingerprint, tables or connection, as HTTP sends them. */
    public Request(String kind, String resource, String target, String operation, String statement,
                   PolicyQuestion question) {
        this(kind, resource, target, operation, statement, null, List.of(), null, question);
    }
}
