package dev.governed.jdbc;

import java.sql.SQLInvalidAuthorizationSpecException;

/** A missing, invalid or expired caller token (SQLState 28000); nothing reached the database. */
public final class TokenRejectedException extends SQLInvalidAuthorizationSpecException {
    private static final long serialVersionUID = 1L;

    public static final String SQL_STATE = "28000";

    TokenRejectedException(String message, Throwable cause) {
        super(message, SQL_STATE, cause);
    }
}
