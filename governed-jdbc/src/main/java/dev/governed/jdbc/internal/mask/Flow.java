package dev.governed.jdbc.internal.mask;

/** How a source column's value reaches an output column. */
public record Flow(SourceColumn source, Kind kind) {

    public enum Kind {
        /** The value itself, through aliases, subqueries, set operations or a value-preserving cast. */
        DIRECT,
        /** Computed from the value: an expression, a function, an aggregate. */
        DERIVED,
        /** Part of a whole-row value: {@code SELECT c FROM customers c}, {@code row_to_json(c)}, {@code c::text}. */
        WHOLE_ROW
    }

    Flow as(Kind newKind) {
        return kind == newKind || kind == Kind.WHOLE_ROW ? this : new Flow(source, newKind);
    }
}
