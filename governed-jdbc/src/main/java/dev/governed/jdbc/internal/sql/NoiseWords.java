package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL spellings JSqlParser 5 cannot read, given in the equivalent form it can; each names
 * the same tables, columns and functions. All rely on words PostgreSQL reserves, so none of them
 * can be a name: {@code f(VARIADIC a)} is the call {@code f(a)} with the array spread;
 * {@code SELECT … INTO TABLE t} is {@code SELECT … INTO t}; an output column labelled
 * {@code AS true}, {@code AS false}, {@code AS null}, {@code AS constraint} or {@code AS comment} is the
 * label {@code "true"} …
 */
final class NoiseWords {

    private static final Set<String> KEYWORD_LABELS = Set.of("TRUE", "FALSE", "NULL", "CONSTRAINT", "COMMENT");

    private NoiseWords() {}

    /** The tokens with these spellings made plain; the same list when there is none. */
    static List<Token> plain(List<Token> tokens) {
        List<Token> result = null;
        int depth = 0;
        boolean startsWithSelect = !tokens.isEmpty() && tokens.get(0).isWord("SELECT");
        for (int i = 0; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            Token previous = i > 0 ? tokens.get(i - 1) : null;
            if (each.isSymbol('(')) {
                depth++;
            } else if (each.isSymbol(')')) {
                depth = Math.max(0, depth - 1);
            }
            Token replaced = each;
            if (each.isWord("VARIADIC") && previous != null && (previous.isSymbol('(') || previous.isSymbol(','))) {
                replaced = null;
            } else if (each.isWord("TABLE") && startsWithSelect && depth == 0 && previous != null
                    && previous.isWord("INTO")) {
                replaced = null;
            } else if (each.kind() == Kind.WORD && previous != null && previous.isWord("AS")
                    && KEYWORD_LABELS.contains(each.text().toUpperCase(Locale.ROOT))) {
                replaced = new Token(Kind.QUOTED, '"' + each.text().toLowerCase(Locale.ROOT) + '"', each.spaced());
            }
            if (replaced != each && result == null) {
                result = new ArrayList<>(tokens.subList(0, i));
            }
            if (result != null && replaced != null) {
                result.add(replaced);
            }
        }
        return result == null ? tokens : result;
    }
}
