package dev.governed.jdbc.internal.sql;

import dev.governed.policy.SqlOperation;
import java.util.List;

/** What the token-level recogniser made of one statement, before (or instead of) JSqlParser. */
sealed interface Recognition {

    /** Fully recognised: no parse needed. */
    record Known(AnalysedStatement statement) implements Recognition {}

    /**
     * A wrapper (EXPLAIN, PREPARE, COPY (query)) to be judged as the statement it wraps,
     * under {@code asOperation} when that is not null.
     */
    record Wrapped(List<SqlLexer.Token> inner, SqlOperation asOperation) implements Recognition {}

    /** Recognised as something Governed refuses to analyse. */
    record Refused(String reason) implements Recognition {}

    /** Not a statement the recogniser handles: JSqlParser decides. */
    record Unknown() implements Recognition {}
}
