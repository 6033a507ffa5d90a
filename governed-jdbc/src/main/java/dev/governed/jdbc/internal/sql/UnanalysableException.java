package dev.governed.jdbc.internal.sql;

/** Raised inside analysis when a statement is not fully understood; becomes an unanalysable result. */
final class UnanalysableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnanalysableException(String reason) {
        super(reason, null, false, false);
    }
}
