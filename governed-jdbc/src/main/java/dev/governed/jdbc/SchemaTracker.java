package dev.governed.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The schema an unqualified table name resolves to on one connection. On
 * PostgreSQL a name resolves through the whole search path, so when that path
 * has more than one existing schema the answer is "unknown" (null), and policy
 * matches such names conservatively rather than guessing.
 */
final class SchemaTracker {

    private final Connection raw;
    private final boolean postgres;
    private volatile String current;

    SchemaTracker(Connection raw) throws SQLException {
        this.raw = raw;
        this.postgres = "PostgreSQL".equalsIgnoreCase(raw.getMetaData().getDatabaseProductName());
        refresh();
    }

    String current() {
        return current;
    }

    /** Re-reads the schema after anything that may have changed it ({@code SET}, {@code setSchema}). */
    void refresh() {
        try {
            current = postgres ? onlySchemaInSearchPath() : raw.getSchema();
        } catch (SQLException e) {
            current = null;
        }
    }

    private String onlySchemaInSearchPath() throws SQLException {
        try (Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_schemas(false)")) {
            if (!result.next()) {
                return null;
            }
            Array path = result.getArray(1);
            Object[] schemas = (Object[]) path.getArray();
            return schemas.length == 1 ? (String) schemas[0] : null;
        }
    }
}
