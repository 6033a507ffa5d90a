package dev.governed.service.connection;

import dev.governed.policy.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the minting user sees of the target's catalog: every table, view and materialised view outside the system
 * schemas and Governed's own masking schemas, with its columns in order, and the sequences behind serial columns
 * (an INSERT into such a table calls nextval, which needs USAGE on the sequence).
 *
 * @param sequences for each relation's {@link Relation#quoted() quoted name}, the quoted names of the sequences its serial
 *                  columns draw from
 */
record TargetCatalog(List<Relation> relations, Map<String, List<String>> sequences) {

    /** One relation, its names as the catalog spells them; {@code kind} is pg_class.relkind (r, p, v, m, f). */
    record Relation(String schema, String name, char kind, List<String> columns) {
        Relation {
            columns = List.copyOf(columns);
        }

        /** The name policies match (lower-cased, as policy compares names case-insensitively). */
        TableName table() {
            return new TableName(schema, name);
        }

        /** {@code "schema"."name"}, for SQL. */
        String quoted() {
            return Sql.identifier(schema) + "." + Sql.identifier(name);
        }

        boolean isMaterialised() {
            return kind == 'm';
        }
    }

    static final String SYSTEM_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' "
            + "AND n.nspname NOT LIKE '" + LoginNames.MASK_SCHEMA_PREFIX.replace("_", "\\_") + "%'";

    static TargetCatalog read(Connection target) throws SQLException {
        Map<List<String>, List<String>> columns = new LinkedHashMap<>();
        Map<List<String>, Character> kinds = new LinkedHashMap<>();
        try (Statement statement = target.createStatement();
             ResultSet rows = statement.executeQuery("SELECT n.nspname, c.relname, c.relkind, a.attname FROM pg_class c "
                     + "JOIN pg_namespace n ON n.oid = c.relnamespace "
                     + "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
                     + "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + SYSTEM_SCHEMAS
                     + " ORDER BY n.nspname, c.relname, a.attnum")) {
            while (rows.next()) {
                List<String> table = List.of(rows.getString(1), rows.getString(2));
                kinds.put(table, rows.getString(3).charAt(0));
                columns.computeIfAbsent(table, t -> new ArrayList<>()).add(rows.getString(4));
            }
        }
        List<Relation> relations = new ArrayList<>();
        columns.forEach((table, names) -> relations.add(new Relation(table.get(0), table.get(1), kinds.get(table), names)));
        Map<String, List<String>> sequences = new LinkedHashMap<>();
        try (Statement statement = target.createStatement();
             ResultSet rows = statement.executeQuery("SELECT tn.nspname, t.relname, quote_ident(sn.nspname) || '.' || quote_ident(s.relname) "
                     + "FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                     + "JOIN pg_namespace sn ON sn.oid = s.relnamespace "
                     + "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace "
                     + "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'")) {
            while (rows.next()) {
                String table = Sql.identifier(rows.getString(1)) + "." + Sql.identifier(rows.getString(2));
                sequences.computeIfAbsent(table, t -> new ArrayList<>()).add(rows.getString(3));
            }
        }
        return new TargetCatalog(List.copyOf(relations), Map.copyOf(sequences));
    }

    /** Every schema that holds a relation of the catalog. */
    List<String> schemas() {
        return relations.stream().map(Relation::schema).distinct().toList();
    }
}
