package dev.governed.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The schema an unqualified table name resolves to on one connection. On
 * PostgreSQL a name resolves through the whole search path, so when that path
 * has more than one existing schema the answer is "unknown" (null), and policy
 * matches such names conservatively rather than guessing.
 */
final class SchemaTracker {

    private final Connection raw;
    private final boolean postgres;
    private final boolean h2;
    private volatile String current;
    private final Set<String> catalogFirst;

    SchemaTracker(Connection raw) throws SQLException {
        this.raw = raw;
        String product = raw.getMetaData().getDatabaseProductName();
        this.postgres = "PostgreSQL".equalsIgnoreCase(product);
        this.h2 = "H2".equalsIgnoreCase(product);
        this.catalogFirst = postgres ? catalogRelations() : Set.of();
        refresh();
    }

    String current() {
        return current;
    }

    /**
     * Names an unqualified table resolves to in pg_catalog whatever the schema: PostgreSQL searches
     * pg_catalog before the search path (unless the path lists it later), so pg_authid is never
     * public.pg_authid. Empty on other databases.
     */
    Set<String> catalogFirst() {
        return catalogFirst;
    }

    private Set<String> catalogRelations() throws SQLException {
        Set<String> result = new HashSet<>();
        try (Statement statement = raw.createStatement();
                ResultSet names = statement.executeQuery(
                        "SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace")) {
            while (names.next()) {
                result.add(names.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        return Set.copyOf(result);
    }

    /** Re-reads the schema after anything that may have changed it ({@code SET}, {@code setSchema}). */
    void refresh() {
        try {
            current = postgres ? onlySchemaInSearchPath() : h2 ? h2SchemaWithoutSearchPath() : raw.getSchema();
        } catch (SQLException e) {
            current = null;
        }
    }

    /**
     * H2 looks a name up in its current schema, then along SET SCHEMA_SEARCH_PATH: a table
     * missing from the current schema may come from another one, so any other schema on
     * that path makes the answer unknown.
     */
    private String h2SchemaWithoutSearchPath() throws SQLException {
        String schema = raw.getSchema();
        try (Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery("SELECT CURRENT_PATH")) {
            String path = result.next() ? result.getString(1) : null;
            if (path == null || path.isBlank()) {
                return schema;
            }
            for (String each : path.split(",")) {
                String name = each.strip();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
                }
                if (!name.equals(schema)) {
                    return null;
                }
            }
            return schema;
        }
    }

    /**
     * PostgreSQL searches the session's temporary schema before the search path: once the
     * session has one, a temporary table may shadow any unqualified name, so the answer is unknown.
     */
    private String onlySchemaInSearchPath() throws SQLException {
        try (Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_schemas(false), pg_my_temp_schema() <> 0")) {
            if (!result.next() || result.getBoolean(2)) {
                return null;
            }
            Array path = result.getArray(1);
            Object[] schemas = (Object[]) path.getArray();
            return schemas.length == 1 ? (String) schemas[0] : null;
        }
    }
}
