package dev.governed.core.engine;

import java.util.Objects;

/**
 * One request a transport asks the engine to admit.
 *
 * @param kind      {@code http} or {@code sql}: the audit event's resource and action kind
 * @param resource  the resource's name in policies
 * @param target    where the resource is, for the audit event (a base URI, a JDBC URL without secrets)
 * @param operation the audit event's action operation, e.g. {@code get}
 * @param statement the audit event's action statement, already stripped of what must not be recorded
 * @param question  what to ask the policy snapshot
 */
public record Request(String kind, String resource, String target, String operation, String statement,
                      PolicyQuestion question) {
    public Request {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(question, "question");
    }
}
