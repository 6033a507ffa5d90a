package dev.governed.jdbc.sql;

import java.util.Set;

/**
 * Built-in SQL functions known to read nothing but their arguments and to change
 * nothing. A call to any other function may run arbitrary code (a user-defined
 * function can write tables or read masked ones), so the analyser classifies its
 * statement as {@code execute}, which only a rule naming it allows, and masking
 * denies it while masks are in force.
 */
public final class BuiltInFunctions {

    private BuiltInFunctions() {}

    public static boolean isKnown(String name) {
        return KNOWN.contains(name);
    }

    private static final Set<String> KNOWN = Set.copyOf(java.util.List.of(
            // aggregates
            "count", "sum", "avg", "min", "max", "every", "bool_and", "bool_or", "stddev", "stddev_pop",
            "stddev_samp", "variance", "var_pop", "var_samp", "string_agg", "array_agg", "json_agg", "jsonb_agg",
            "json_object_agg", "jsonb_object_agg", "listagg", "group_concat", "xmlagg", "median", "mode",
            "percentile_cont", "percentile_disc", "any_value", "corr", "covar_pop", "covar_samp", "regr_slope",
            "regr_intercept", "regr_count", "regr_r2", "regr_avgx", "regr_avgy", "regr_sxx", "regr_syy", "regr_sxy",
            // grouping constructs the parser reads as calls: GROUP BY ROLLUP(a), CUBE(a, b), GROUPING(a)
            "rollup", "cube", "grouping",
            // window
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
            "last_value", "nth_value",
            // text
            "upper", "lower", "initcap", "length", "char_length", "character_length", "octet_length", "bit_length",
            "substring", "substr", "left", "right", "trim", "ltrim", "rtrim", "btrim", "lpad", "rpad", "concat",
            "concat_ws", "replace", "translate", "reverse", "repeat", "position", "strpos", "instr", "locate",
            "split_part", "md5", "sha1", "sha256", "encode", "decode", "ascii", "chr", "char", "format", "quote_ident",
            "quote_literal", "regexp_replace", "regexp_substr", "regexp_matches", "regexp_match", "regexp_like",
            "starts_with", "to_char", "to_hex", "overlay", "soundex", "difference", "string_to_array",
            "array_to_string", "hextoraw", "rawtohex", "utf8tostring", "stringtoutf8",
            // numbers
            "abs", "ceil", "ceiling", "floor", "round", "trunc", "truncate", "mod", "power", "sqrt", "exp", "ln",
            "log", "log10", "sign", "greatest", "least", "random", "rand", "pi", "div", "width_bucket", "to_number",
            // conditionals and conversion
            "coalesce", "nullif", "ifnull", "nvl", "nvl2", "decode", "cast", "convert", "to_date", "to_timestamp",
            "casewhen",
            // dates
            "now", "current_date", "current_time", "current_timestamp", "localtimestamp", "localtime", "date_trunc",
            "date_part", "extract", "age", "make_date", "make_timestamp", "dateadd", "datediff", "year", "month",
            "day", "hour", "minute", "second", "dayofweek", "dayofyear", "week", "quarter", "date", "timestamp",
            "clock_timestamp", "statement_timestamp", "transaction_timestamp",
            // json, arrays, rows
            "row_to_json", "to_json", "to_jsonb", "json_build_object", "jsonb_build_object", "json_build_array",
            "jsonb_build_array", "json_object", "json_array", "array_length", "cardinality", "unnest", "array",
            "array_append", "array_cat", "array_position", "jsonb_pretty", "json_extract_path_text",
            "jsonb_extract_path_text", "json_array_elements", "jsonb_array_elements", "json_each", "jsonb_each",
            "generate_series", "row", "array_upper", "array_lower",
            // predicates and table functions
            "any", "all", "some", "system_range", "table",
            // session, harmless
            "current_setting",
            "current_user", "session_user", "current_schema", "current_database", "version", "database", "schema",
            "user", "gen_random_uuid", "uuid", "random_uuid", "nextval", "currval", "lastval"));
}
