package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL MERGE spellings JSqlParser 5 cannot read, given in a form it can. The statement stays a
 * MERGE that writes its target and reads its source, and no column or function is added or lost:
 * <ul>
 *   <li>a joined source ({@code USING s1 JOIN s2 ON … ON cond}) is parenthesised, as PostgreSQL reads it;</li>
 *   <li>{@code INSERT DEFAULT VALUES} is {@code INSERT VALUES (DEFAULT)}, the same row of defaults;</li>
 *   <li>{@code THEN DO NOTHING} changes no row; it is given as an action JSqlParser reads that names
 *       nothing either ({@code DELETE} when matched, {@code INSERT VALUES (DEFAULT)} when not), which
 *       the analysis cannot tell apart: a MERGE writes its target whichever actions it has.</li>
 * </ul>
 */
final class MergeSpellings {

    private MergeSpellings() {}

    static List<Token> plain(List<Token> tokens) {
        int merge = mergeKeyword(tokens);
        if (merge < 0) {
            return tokens;
        }
        List<Token> result = new ArrayList<>(tokens.size() + 4);
        boolean changed = false;
        int[] source = joinedSource(tokens, merge);
        boolean matched = false;
        for (int i = 0; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            if (source != null && i == source[0]) {
                result.add(Spans.symbol('(', true));
                changed = true;
            }
            if (source != null && i == source[1]) {
                result.add(Spans.symbol(')', false));
            }
            if (each.isWord("WHEN")) {
                matched = Spans.isWord(tokens, i + 1, "MATCHED")
                        || (Spans.isWord(tokens, i + 3, "BY") && Spans.isWord(tokens, i + 4, "SOURCE"));
            }
            boolean action = Spans.isWord(tokens, i - 1, "THEN");
            if (action && each.isWord("INSERT") && Spans.isWord(tokens, i + 1, "DEFAULT")
                    && Spans.isWord(tokens, i + 2, "VALUES")) {
                defaultRow(result, each.spaced());
                i += 2;
                changed = true;
            } else if (action && each.isWord("DO") && Spans.isWord(tokens, i + 1, "NOTHING")) {
                if (matched) {
                    result.add(Spans.word("DELETE", each.spaced()));
                } else {
                    defaultRow(result, each.spaced());
                }
                i += 1;
                changed = true;
            } else {
                result.add(each);
            }
        }
        return changed ? result : tokens;
    }

    /** The index of the MERGE keyword that starts the statement (after any WITH list), or -1. */
    private static int mergeKeyword(List<Token> tokens) {
        if (tokens.isEmpty()) {
            return -1;
        }
        if (tokens.get(0).isWord("MERGE")) {
            return 0;
        }
        if (!tokens.get(0).isWord("WITH")) {
            return -1;
        }
        int depth = 0;
        for (int i = 1; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            if (each.isSymbol('(')) {
                depth++;
            } else if (each.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && each.isWord("MERGE")) {
                return i;
            } else if (depth == 0 && (each.isWord("SELECT") || each.isWord("INSERT") || each.isWord("UPDATE")
                    || each.isWord("DELETE"))) {
                return -1;
            }
        }
        return -1;
    }

    /** {@code [first, end)} of a source that joins tables, up to the MERGE's own ON; null when it joins none. */
    private static int[] joinedSource(List<Token> tokens, int merge) {
        int using = -1;
        int when = tokens.size();
        int lastOn = -1;
        boolean joins = false;
        int depth = 0;
        for (int i = merge + 1; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            if (each.isSymbol('(')) {
                depth++;
            } else if (each.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && using < 0 && each.isWord("USING")) {
                using = i;
            } else if (depth == 0 && using >= 0 && each.isWord("WHEN")) {
                when = i;
                break;
            } else if (depth == 0 && using >= 0 && each.isWord("JOIN")) {
                joins = true;
            } else if (depth == 0 && using >= 0 && each.isWord("ON")) {
                lastOn = i;
            }
        }
        if (!joins || lastOn < 0 || lastOn >= when || using + 1 >= lastOn) {
            return null;
        }
        return new int[] {using + 1, lastOn};
    }

    private static void defaultRow(List<Token> result, boolean spaced) {
        result.add(Spans.word("INSERT", spaced));
        result.add(Spans.word("VALUES", true));
        result.add(Spans.symbol('(', true));
        result.add(Spans.word("DEFAULT", false));
        result.add(Spans.symbol(')', false));
    }
}
