package dev.governed.jdbc;

import java.sql.SQLSyntaxErrorException;

/** A statement that policy denies, or that Governed cannot analyse well enough to decide on (SQLState 42501). */
public final class PolicyDeniedException extends SQLSyntaxErrorException {
    private static final long serialVersionUID = 1L;

    public static final String SQL_STATE = "42501";

    private final String ruleId;

    PolicyDeniedException(String ruleId, String message) {
        super(message, SQL_STATE);
        this.ruleId = ruleId;
    }

    /** The id of the rule that denied, {@code default} when none matched, or {@code unanalysable}. */
    public String ruleId() {
        return ruleId;
    }
}
