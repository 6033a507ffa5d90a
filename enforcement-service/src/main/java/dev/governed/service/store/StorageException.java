package dev.governed.service.store;

import java.sql.SQLException;

/** The service database failed; answered as 503 so clients retry rather than treat it as a refusal. */
public final class StorageException extends RuntimeException {
    public StorageException(SQLException cause) {
        super("the service database failed: " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
    }

    /** True for a unique-key violation, the same SQLState on H2 and PostgreSQL. */
    public static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }
}
