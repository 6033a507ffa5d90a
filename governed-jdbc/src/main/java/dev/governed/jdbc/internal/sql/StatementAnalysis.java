package dev.governed.jdbc.internal.sql;

import java.util.List;

/**
 * Everything Governed knows about one SQL text, cached by its fingerprint, so it
 * holds no literal values. A text that is not fully understood is unanalysable
 * and carries the reason; enforcement denies it.
 */
public record StatementAnalysis(String fingerprint, List<AnalysedStatement> statements, String unanalysableReason) {

    public StatementAnalysis {
        statements = List.copyOf(statements);
    }

    public static StatementAnalysis unanalysable(String fingerprint, String reason) {
        return new StatementAnalysis(fingerprint, List.of(), reason);
    }

    public boolean isAnalysable() {
        return unanalysableReason == null;
    }
}
