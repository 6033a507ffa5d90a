package dev.governed.jdbc;

import dev.governed.jdbc.internal.sql.AnalysedStatement;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlStatementFacts;
import java.util.List;

/**
 * What a statement text needs of the session's read-only mode, for a caller who may write some
 * things: a text that only reads runs read-only at the database, so a write hidden in it (a view
 * over a writing function) fails there; a text with any other statement runs read-write.
 */
enum SessionNeed {
    /** Queries only (SELECT, VALUES, TABLE, FETCH …, with no lock, nextval or untrusted call): read-only. */
    READ,
    /** SET, RESET or SHOW alone: runs the same either way, so the mode is left as it is. */
    EITHER,
    /** Anything else, including BEGIN, whose transaction may write later. */
    WRITE;

    /** The need of the whole text, from its statements as resolved (an untrusted call is already an EXECUTE). */
    static SessionNeed of(StatementAnalysis analysis, List<SqlStatementFacts> facts) {
        List<AnalysedStatement> statements = analysis.statements();
        if (statements.size() != facts.size()) {
            return WRITE;
        }
        SessionNeed result = EITHER;
        for (int i = 0; i < facts.size(); i++) {
            SessionNeed each = of(facts.get(i), statements.get(i));
            if (each == WRITE) {
                return WRITE;
            }
            if (each == READ) {
                result = READ;
            }
        }
        return result;
    }

    private static SessionNeed of(SqlStatementFacts facts, AnalysedStatement statement) {
        if (statement.liftsReadOnly()) {
            return WRITE; // it changes the mode itself: Governed must not believe its own setting still holds
        }
        SqlOperation operation = facts.operation();
        if (operation == SqlOperation.SELECT && facts.tablesWritten().isEmpty()) {
            return READ;
        }
        if (operation == SqlOperation.SET || operation == SqlOperation.RESET || operation == SqlOperation.SHOW) {
            return EITHER;
        }
        return WRITE;
    }
}
