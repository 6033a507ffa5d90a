package dev.governed.jdbc.internal.mask;

import dev.governed.jdbc.internal.sql.BuiltInFunctions;

/**
 * Functions masking may see through: the analyser's built-ins, which read nothing but their
 * arguments. Any other function (a user-defined one may read any table) is denied while masks
 * are in force.
 */
final class Functions {

    private Functions() {}

    static boolean isKnown(String name) {
        return BuiltInFunctions.isKnown(name) || AGGREGATES.contains(name);
    }

    /**
     * Aggregate and window functions of PostgreSQL and H2 over their arguments only, which masking
     * sees through (their result is derived, so redacted when a masked column feeds it).
     */
    private static final java.util.Set<String> AGGREGATES = java.util.Set.of("corr", "covar_pop", "covar_samp",
            "regr_avgx", "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx",
            "regr_sxy", "regr_syy", "grouping", "bit_and", "bit_or", "bit_xor", "bool_and", "bool_or", "stddev",
            "var_samp", "percentile_cont", "percentile_disc", "mode", "rank", "dense_rank", "percent_rank",
            "cume_dist", "ntile", "row_number", "first_value", "last_value", "nth_value", "lag", "lead",
            "array_agg", "json_objectagg", "json_arrayagg", "jsonb_object_agg", "xmlagg", "listagg", "median",
            "any_value", "count", "sum", "avg", "min", "max");
}
