package dev.governed.jdbc.mask;

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
 * Table columns from {@link DatabaseMetaData}, cached per table for one datasource (for a few
 * minutes, so a change made outside Governed is seen). Never guessed: a table that cannot be
 * found, or is found in several schemas, has unknown columns; a metadata query that fails is
 * not cached, and fails the analysis that needed it.
 */
final class MetadataCatalog {

    static final java.time.Duration TTL = java.time.Duration.ofMinutes(5);

    private final Cache<String, Optional<List<String>>> columns =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(TTL).build();

    /** The catalog as one connection sees it, with unqualified tables looked up in {@code schema} first. */
    Catalog on(Connection connection, String schema) {
        return table -> {
            String key = (table.schema() == null ? "\u0000" + schema : table.schema()) + "." + table.name();
            return columns.get(key, ignored -> Optional.ofNullable(lookup(connection, table, schema))).orElse(null);
        };
    }

    void invalidate() {
        columns.invalidateAll();
    }

    private static List<String> lookup(Connection connection, TableName table, String currentSchema) {
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            if (table.schema() != null) {
                return find(metaData, table.schema(), table.name());
            }
            List<String> result = currentSchema == null ? null : find(metaData, currentSchema, table.name());
            return result != null ? result : find(metaData, null, table.name());
        } catch (SQLException e) {
            throw new IllegalStateException("the columns of " + table.qualified() + " could not be read from the"
                    + " database's metadata: " + e.getMessage(), e);
        }
    }

    /** The columns of the one table named so, or null when there is none or several. */
    private static List<String> find(DatabaseMetaData metaData, String schema, String table) throws SQLException {
        String escape = metaData.getSearchStringEscape();
        Map<String, List<String>> byTable = new LinkedHashMap<>();
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
        return byTable.size() == 1 ? List.copyOf(byTable.values().iterator().next()) : null;
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
