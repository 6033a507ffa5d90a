package dev.governed.policy;

import java.util.List;

/**
 * One SQL text to decide on: who sends it, to which resource and environment, and
 * the facts of each statement in it. One denied statement denies the whole text.
 *
 * @param environment may be null when the datasource declares none
 */
public record SqlRequest(Caller caller, String resource, String environment, List<SqlStatementFacts> statements) {
    public SqlRequest {
        statements = List.copyOf(statements);
    }
}
