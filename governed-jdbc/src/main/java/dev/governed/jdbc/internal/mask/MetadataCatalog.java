package dev.governed.jdbc.internal.mask;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.policy.TableName;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Table columns from {@link DatabaseMetaData}, view definitions (PostgreSQL {@code pg_get_viewdef},
 * H2 and others {@code INFORMATION_SCHEMA.VIEWS}) and PostgreSQL inheritance and partitions
 * ({@code pg_inherits}), cached per table for one datasource until DDL runs through Governed or a
 * few minutes pass (so a change made outside Governed is seen): a statement's lineage is computed
 * once per statement text and schema, and the lookups it makes are shared by every later statement.
 * Never guessed: a table that cannot be found, or is found in several schemas, has unknown columns;
 * a metadata query that fails is not cached, and fails the analysis that needed it.
 */
final class MetadataCatalog {

    static final java.time.Duration TTL = java.time.Duration.ofMinutes(5);

    private final Cache<String, Optional<Found>> columns =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(TTL).build();
    private final Cache<String, Optional<Catalog.View>> views =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(TTL).build();
    private final Cache<String, List<TableName>> relatives =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(TTL).build();

    /** A table as the metadata found it: its schema and columns. */
    private record Found(String schema, String name, List<String> columns) {}

    /** The catalog as one connection sees it, with unqualified tables looked up in {@code schema} first. */
    Catalog on(Connection connection, String schema) {
        return new Catalog() {
            @Override
            public List<String> columns(TableName table) {
                Found found = found(connection, table, schema);
                return found == null ? null : found.columns();
            }

            @Override
            public Catalog.View view(TableName table) {
                Found found = found(connection, table, schema);
                if (found == null) {
                    return null;
                }
                return views.get(found.schema() + "." + found.name(),
                        ignored -> Optional.ofNullable(viewOf(connection, found))).orElse(null);
            }

            private Boolean typesSettled;

            @Override
            public boolean typesSettledBeforeRunning() {
                if (typesSettled == null) {
                    try {
                        typesSettled = "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
                    } catch (SQLException e) {
                        typesSettled = false;
                    }
                }
                return typesSettled;
            }

            @Override
            public List<TableName> relatives(TableName table) {
                Found found = found(connection, table, schema);
                if (found == null) {
                    return List.of();
                }
                return relatives.get(found.schema() + "." + found.name(), ignored -> relativesOf(connection, found));
            }
        };
    }

    private Found found(Connection connection, TableName table, String schema) {
        String key = (table.schema() == null ? "\u0000" + schema : table.schema()) + "." + table.name();
        return columns.get(key, ignored -> Optional.ofNullable(lookup(connection, table, schema))).orElse(null);
    }

    void invalidate() {
        columns.invalidateAll();
        views.invalidateAll();
        relatives.invalidateAll();
    }

    /** The view's definition when {@code table} is a view; null for anything else. */
    private static Catalog.View viewOf(Connection connection, Found table) {
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            String type = null;
            try (ResultSet rows = metaData.getTables(null, pattern(table.schema(), metaData.getSearchStringEscape()),
                    pattern(table.name(), metaData.getSearchStringEscape()), null)) {
                while (rows.next()) {
                    if (rows.getString("TABLE_NAME").equals(table.name())
                            && table.schema().equals(rows.getString("TABLE_SCHEM"))) {
                        type = rows.getString("TABLE_TYPE");
                    }
                }
            }
            String kind = type == null ? "" : type.toUpperCase(Locale.ROOT);
            if (kind.contains("SYNONYM") || kind.contains("ALIAS") || kind.contains("FOREIGN")
                    || kind.contains("EXTERNAL")) {
                // another name for data elsewhere, whose masks Governed cannot see from here
                throw new IllegalStateException(table.schema() + "." + table.name() + " is a " + type.toLowerCase(
                        Locale.ROOT) + ", whose data lives in another table Governed cannot trace while masks apply;"
                        + " query that table directly");
            }
            if (!kind.contains("VIEW")) {
                return null;
            }
            TableName name = TableName.of(table.schema().toLowerCase(Locale.ROOT), table.name().toLowerCase(Locale.ROOT));
            boolean postgres = "PostgreSQL".equalsIgnoreCase(metaData.getDatabaseProductName());
            String query = postgres
                    ? "SELECT pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE n.nspname = ? AND c.relname = ?"
                    : "SELECT VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
            try (java.sql.PreparedStatement statement = connection.prepareStatement(query)) {
                statement.setString(1, table.schema());
                statement.setString(2, table.name());
                try (ResultSet rows = statement.executeQuery()) {
                    return new Catalog.View(name, rows.next() ? rows.getString(1) : null);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the definition of view " + table.schema() + "." + table.name()
                    + " could not be read from the database's catalog: " + e.getMessage(), e);
        }
    }

    /** PostgreSQL: the inheritance and partition ancestors and descendants of a table. */
    private static List<TableName> relativesOf(Connection connection, Found table) {
        try {
            if (!"PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())) {
                return List.of();
            }
            String query = "WITH RECURSIVE start AS (SELECT c.oid FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?),"
                    + " up(oid) AS (SELECT oid FROM start UNION SELECT i.inhparent FROM pg_inherits i JOIN up"
                    + " ON i.inhrelid = up.oid),"
                    + " down(oid) AS (SELECT oid FROM start UNION SELECT i.inhrelid FROM pg_inherits i JOIN down"
                    + " ON i.inhparent = down.oid)"
                    + " SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE (c.oid IN (SELECT oid FROM up) OR c.oid IN (SELECT oid FROM down))"
                    + " AND c.oid NOT IN (SELECT oid FROM start)";
            List<TableName> result = new ArrayList<>();
            try (java.sql.PreparedStatement statement = connection.prepareStatement(query)) {
                statement.setString(1, table.schema());
                statement.setString(2, table.name());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        result.add(TableName.of(rows.getString(1).toLowerCase(Locale.ROOT),
                                rows.getString(2).toLowerCase(Locale.ROOT)));
                    }
                }
            }
            return List.copyOf(result);
        } catch (SQLException e) {
            throw new IllegalStateException("the inheritance of " + table.schema() + "." + table.name()
                    + " could not be read from the database's catalog: " + e.getMessage(), e);
        }
    }

    private static Found lookup(Connection connection, TableName table, String currentSchema) {
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            if (table.schema() != null) {
                return find(metaData, table.schema(), table.name());
            }
            Found result = currentSchema == null ? null : find(metaData, currentSchema, table.name());
            return result != null ? result : find(metaData, null, table.name());
        } catch (SQLException e) {
            throw new IllegalStateException("the columns of " + table.qualified() + " could not be read from the"
                    + " database's metadata: " + e.getMessage(), e);
        }
    }

    /** The columns of the one table named so, or null when there is none or several. */
    private static Found find(DatabaseMetaData metaData, String schema, String table) throws SQLException {
        String escape = metaData.getSearchStringEscape();
        Map<String, List<String>> byTable = new LinkedHashMap<>();
        Map<String, String[]> owners = new LinkedHashMap<>();
        for (String tableCase : cases(metaData, table)) {
            for (String schemaCase : schema == null ? java.util.Collections.<String>singletonList(null)
                    : cases(metaData, schema)) {
                try (ResultSet rows = metaData.getColumns(null, pattern(schemaCase, escape), pattern(tableCase, escape),
                        "%")) {
                    while (rows.next()) {
                        if (!rows.getString("TABLE_NAME").equalsIgnoreCase(table)) {
                            continue;
                        }
                        String owner = rows.getString("TABLE_SCHEM") + "." + rows.getString("TABLE_NAME");
                        owners.putIfAbsent(owner, new String[] {rows.getString("TABLE_SCHEM"), rows.getString("TABLE_NAME")});
                        List<String> names = byTable.computeIfAbsent(owner, ignored -> new ArrayList<>());
                        String column = rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
                        if (!names.contains(column)) {
                            names.add(column);
                        }
                    }
                }
            }
            if (!byTable.isEmpty()) {
                break;
            }
        }
        if (byTable.size() != 1) {
            return null;
        }
        String[] owner = owners.values().iterator().next();
        return new Found(owner[0], owner[1], List.copyOf(byTable.values().iterator().next()));
    }

    private static List<String> cases(DatabaseMetaData metaData, String name) throws SQLException {
        String upper = name.toUpperCase(Locale.ROOT);
        String lower = name.toLowerCase(Locale.ROOT);
        return metaData.storesUpperCaseIdentifiers() ? List.of(upper, lower) : List.of(lower, upper);
    }

    private static String pattern(String name, String escape) {
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }
}
