package dev.governed.service.connection;

import dev.governed.policy.MaskRule;
import java.util.Map;

/**
 * A policy mask as a SQL expression for the masking views: the same result as the library's strategy for
 * {@code redact}, {@code null}, {@code keep-first}, {@code keep-last} and {@code email}. Strategies that need a key or
 * code the database does not have ({@code hash}, {@code regex}, plug-ins) are redacted whole: never weaker than the
 * library, sometimes stronger.
 */
final class MaskSql {
    static final String REDACTED = "****";

    private MaskSql() {}

    static String expression(MaskRule mask, String column) {
        String text = column + "::text";
        String whenNull = "CASE WHEN " + column + " IS NULL THEN NULL ";
        return switch (mask.strategy()) {
            case "null" -> "CAST(NULL AS text)";
            case "redact" -> whenNull + "ELSE " + Sql.literal(option(mask.options(), "replacement", REDACTED)) + " END";
            case "keep-last", "keep-first" -> {
                int keep = keep(mask.options());
                String fill = Sql.literal(option(mask.options(), "maskChar", "*"));
                String length = "char_length(" + text + ")";
                String kept = mask.strategy().equals("keep-last")
                        ? "repeat(" + fill + ", " + length + " - " + keep + ") || right(" + text + ", " + keep + ")"
                        : "left(" + text + ", " + keep + ") || repeat(" + fill + ", " + length + " - " + keep + ")";
                yield whenNull + "WHEN " + length + " <= " + keep + " THEN repeat(" + fill + ", " + length + ") ELSE " + kept + " END";
            }
            case "email" -> whenNull + "WHEN " + text + " ~ '^[^@]+@[^@]+$' THEN (CASE WHEN position('@' in " + text + ") = 2 THEN '' "
                    + "ELSE left(" + text + ", 1) END) || '***' || substr(" + text + ", position('@' in " + text + ")) ELSE '"
                    + REDACTED + "' END";
            default -> whenNull + "ELSE '" + REDACTED + "' END";
        };
    }

    private static int keep(Map<String, Object> options) {
        Object value = options.get("keep");
        int keep = value instanceof Number number ? number.intValue() : value == null ? 4 : Integer.parseInt(value.toString());
        return Math.max(0, Math.min(keep, 1000));
    }

    private static String option(Map<String, Object> options, String key, String fallback) {
        Object value = options.get(key);
        return value == null ? fallback : value.toString();
    }
}
