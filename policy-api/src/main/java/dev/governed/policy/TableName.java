package dev.governed.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A table as a statement names it, unquoted and lower-cased. {@code schema} is
 * null only when the statement left it out and the connection's current schema
 * was unknown; policy matching then treats it conservatively (deny rules match,
 * allow rules do not).
 */
public record TableName(String schema, String name) {
    public TableName {
        Objects.requireNonNull(name, "name");
        schema = schema == null ? null : schema.toLowerCase(Locale.ROOT);
        name = name.toLowerCase(Locale.ROOT);
    }

    public static TableName of(String schema, String name) {
        return new TableName(schema, name);
    }

    /** {@code schema.name}, or {@code name} when the schema is unknown. */
    public String qualified() {
        return schema == null ? name : schema + "." + name;
    }

    @Override
    public String toString() {
        return qualified();
    }
}
