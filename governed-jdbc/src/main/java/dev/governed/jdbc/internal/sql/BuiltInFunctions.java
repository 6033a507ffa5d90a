package dev.governed.jdbc.internal.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Built-in SQL functions known to read nothing but their arguments and to change
 * nothing. A call to any other function may run arbitrary code (a user-defined
 * function can write tables or read masked ones), so the analyser classifies its
 * statement as {@code execute}, which only a rule naming it allows, and masking
 * denies it while masks are in force.
 *
 * <p>The lists are derived from the databases' own catalogs, not written by hand:
 * {@code builtin-functions-postgresql.txt} from {@code pg_proc} (volatility and owner) and
 * {@code builtin-functions-h2.txt} from H2's built-in function tables; each file says how
 * it was generated, and {@code BuiltInCatalogueTest} fails when either drifts. A name here is
 * only a candidate: the connection still checks that the database holds no other function of
 * that name, which the call could reach instead.
 */
public final class BuiltInFunctions {

    private BuiltInFunctions() {}

    public static boolean isKnown(String name) {
        return KNOWN.contains(name);
    }

    /**
     * Constructs the SQL standard defines as syntax, which JSqlParser may present as calls; the
     * databases evaluate them without looking up a function (ROLLUP and CUBE group, ANY compares).
     */
    private static final List<String> SYNTAX = List.of(
            "coalesce", "nullif", "greatest", "least", "cast", "extract", "position", "substring", "overlay",
            "trim", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
            "current_user", "session_user", "current_role", "current_catalog", "current_schema", "system_user",
            "user", "any", "all", "some", "array", "row", "grouping", "rollup", "cube", "xmlelement", "xmlforest",
            "xmlconcat", "xmlparse", "xmlserialize", "xmlroot", "xmlpi", "xmlexists", "xmlattributes",
            "json_object", "json_array", "json_objectagg", "json_arrayagg", "json_value", "json_query",
            "json_exists", "json_scalar", "json_serialize", "json", "normalize", "collation",
            // H2's table functions
            "system_range", "table", "unnest");

    private static final Set<String> KNOWN = load();

    private static Set<String> load() {
        Set<String> result = new HashSet<>(SYNTAX);
        for (String file : List.of("builtin-functions-postgresql.txt", "builtin-functions-h2.txt")) {
            try (InputStream in = BuiltInFunctions.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("Governed's built-in function list " + file + " is missing from"
                            + " the classpath; the governed-jdbc jar is incomplete");
                }
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String name = line.strip();
                    if (!name.isEmpty() && !name.startsWith("#")) {
                        result.add(name);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Set.copyOf(result);
    }
}
