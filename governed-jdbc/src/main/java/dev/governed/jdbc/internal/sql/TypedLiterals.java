package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL's typed literal {@code type 'text'} ({@code jsonb '{}'}, {@code name 'x'}), which JSqlParser
 * 5 reads only for DATE, TIME, TIMESTAMP and INTERVAL, given as {@code CAST(? AS type)}. In the
 * literal-free key the string is a {@code ?} like any other, so {@code jsonb ? ?} may also be the column
 * jsonb and the jsonb operator {@code ?}: this reading is therefore tried only after the plain one
 * failed, only for the built-in type names below, never after a dot or {@code ::}. When it is the wrong
 * reading, what is lost is one unqualified column reference, which names no table and calls no function
 * (and a WHERE that loses its only column counts as no restriction, the stricter side).
 */
final class TypedLiterals {

    private static final Set<String> BUILT_IN_TYPES = Set.of("JSON", "JSONB", "NAME", "TEXT", "VARCHAR", "BPCHAR",
            "CHAR", "INT2", "INT4", "INT8", "INTEGER", "BIGINT", "SMALLINT", "NUMERIC", "DECIMAL", "FLOAT4", "FLOAT8",
            "REAL", "BOOL", "BOOLEAN", "BYTEA", "UUID", "XML", "INET", "CIDR", "MACADDR", "MONEY", "POINT", "LINE",
            "LSEG", "BOX", "PATH", "POLYGON", "CIRCLE", "TSVECTOR", "TSQUERY", "OID", "REGCLASS", "REGTYPE",
            "REGPROC", "INT4RANGE", "INT8RANGE", "NUMRANGE", "DATERANGE", "TSRANGE", "TSTZRANGE", "TIMESTAMPTZ",
            "TIMETZ", "BIT", "VARBIT", "JSONPATH");

    private TypedLiterals() {}

    /** The tokens with every typed literal of a built-in type given as a cast; the same list when there is none. */
    static List<Token> cast(List<Token> tokens) {
        List<Token> result = null;
        for (int i = 0; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            boolean typed = each.kind() == Kind.WORD && BUILT_IN_TYPES.contains(each.text().toUpperCase(Locale.ROOT))
                    && i + 1 < tokens.size() && tokens.get(i + 1).kind() == Kind.PARAM
                    && tokens.get(i + 1).text().equals("?")
                    && !Spans.isSymbol(tokens, i - 1, '.') && !Spans.isSymbol(tokens, i - 1, ':')
                    && !Spans.isWord(tokens, i - 1, "AS");
            if (typed) {
                if (result == null) {
                    result = new ArrayList<>(tokens.subList(0, i));
                }
                result.add(Spans.word("CAST", each.spaced()));
                result.add(Spans.symbol('(', false));
                result.add(tokens.get(i + 1));
                result.add(Spans.word("AS", true));
                result.add(Spans.spaced(each));
                result.add(Spans.symbol(')', false));
                i++;
            } else if (result != null) {
                result.add(each);
            }
        }
        return result == null ? tokens : result;
    }
}
