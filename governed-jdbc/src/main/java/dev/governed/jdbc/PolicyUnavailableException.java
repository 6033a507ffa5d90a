package dev.governed.jdbc;

import java.sql.SQLTransientConnectionException;

/** No policy can be had that is fresh enough to decide on (SQLState 08G01); retry once the source is back. */
public final class PolicyUnavailableException extends SQLTransientConnectionException {
    private static final long serialVersionUID = 1L;

    public static final String SQL_STATE = "08G01";

    public PolicyUnavailableException(String message, Throwable cause) {
        super(message, SQL_STATE, cause);
    }
}
