package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PostgreSQL assigns to part of a column ({@code INSERT INTO t (f4[1].if2[1]) …}, {@code UPDATE t SET
 * b[1:1][1:2] = …}), which JSqlParser 5 cannot read beyond one subscript. The column written is the
 * leading name either way, so a target that is a name followed only by constant subscripts and field
 * names is given as that name. A subscript holding anything but numbers (a column, a subquery) is left
 * as it is: such a target stays unreadable rather than lose what it reads.
 */
final class AssignmentTargets {

    /** Words that end an UPDATE's SET list at its own depth. */
    private static final Set<String> SET_LIST_ENDS = Set.of("FROM", "WHERE", "RETURNING", "WHEN");

    private AssignmentTargets() {}

    /** The tokens with every such target given as its column's name. */
    static List<Token> plain(List<Token> tokens) {
        List<Token> result = null;
        int i = 0;
        while (i < tokens.size()) {
            int listStart = insertColumns(tokens, i);
            boolean setList = listStart < 0 && tokens.get(i).isWord("SET") && afterUpdate(tokens, i);
            if (setList) {
                listStart = i + 1;
            }
            if (listStart < 0) {
                if (result != null) {
                    result.add(tokens.get(i));
                }
                i++;
                continue;
            }
            if (result == null) {
                result = new ArrayList<>(tokens.subList(0, i));
            }
            result.addAll(tokens.subList(i, listStart));
            i = targets(tokens, listStart, setList, result);
        }
        return result == null ? tokens : result;
    }

    /** At {@code INSERT INTO name[.name] [AS alias] (}: the index after that parenthesis, when it lists columns; else -1. */
    private static int insertColumns(List<Token> tokens, int at) {
        if (!tokens.get(at).isWord("INSERT") || !Spans.isWord(tokens, at + 1, "INTO")) {
            return -1;
        }
        int i = at + 2;
        if (!Spans.isName(tokens, i)) {
            return -1;
        }
        i++;
        while (Spans.isSymbol(tokens, i, '.') && Spans.isName(tokens, i + 1)) {
            i += 2;
        }
        if (Spans.isWord(tokens, i, "AS") && Spans.isName(tokens, i + 1)) {
            i += 2;
        }
        if (!Spans.isSymbol(tokens, i, '(') || Spans.isWord(tokens, i + 1, "SELECT") || Spans.isWord(tokens, i + 1, "WITH")
                || Spans.isWord(tokens, i + 1, "VALUES") || Spans.isSymbol(tokens, i + 1, '(')) {
            return -1;
        }
        return i + 1;
    }

    /** SET right after {@code UPDATE}, {@code UPDATE name[.name] [[AS] alias]}, or {@code DO UPDATE}. */
    private static boolean afterUpdate(List<Token> tokens, int set) {
        for (int back = 1; back <= 6 && set - back >= 0; back++) {
            Token each = tokens.get(set - back);
            if (each.isWord("UPDATE")) {
                return true;
            }
            if (!(each.kind() == Kind.WORD || each.kind() == Kind.QUOTED || each.isSymbol('.'))) {
                return false;
            }
        }
        return false;
    }

    /**
     * Copies the list of targets starting at {@code start} into {@code result}, each assignment target
     * made plain, and returns the index where the list ends.
     */
    private static int targets(List<Token> tokens, int start, boolean setList, List<Token> result) {
        int i = start;
        boolean atTarget = true;
        int depth = 0;
        while (i < tokens.size()) {
            Token each = tokens.get(i);
            if (depth == 0 && (each.isSymbol(')') || each.isSymbol(';')
                    || (setList && each.kind() == Kind.WORD && SET_LIST_ENDS.contains(each.text().toUpperCase(Locale.ROOT))))) {
                break;
            }
            if (atTarget && depth == 0 && Spans.isName(tokens, i)) {
                int end = indirectionEnd(tokens, i + 1);
                boolean ends = end < tokens.size() && (setList ? tokens.get(end).isSymbol('=')
                        : tokens.get(end).isSymbol(',') || tokens.get(end).isSymbol(')'));
                if (end > i + 1 && ends && Spans.isSymbol(tokens, i + 1, '[')) {
                    result.add(each);
                    i = end;
                    atTarget = false;
                    continue;
                }
            }
            if (each.isSymbol('(') || each.isSymbol('[')) {
                depth++;
            } else if (each.isSymbol(')') || each.isSymbol(']')) {
                depth--;
            }
            atTarget = depth == 0 && each.isSymbol(',');
            result.add(each);
            i++;
        }
        return i;
    }

    /** The end of the subscripts ({@code [1]}, {@code [1:2]}) and field names ({@code .f}) from {@code at}. */
    private static int indirectionEnd(List<Token> tokens, int at) {
        int i = at;
        while (i < tokens.size()) {
            if (tokens.get(i).isSymbol('.') && Spans.isName(tokens, i + 1)) {
                i += 2;
            } else if (tokens.get(i).isSymbol('[')) {
                int j = i + 1;
                while (j < tokens.size() && constantSubscript(tokens.get(j))) {
                    j++;
                }
                if (!Spans.isSymbol(tokens, j, ']') || j == i + 1) {
                    return at; // not only constants: leave the target as it is
                }
                i = j + 1;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean constantSubscript(Token token) {
        return token.kind() == Kind.NUMBER || token.kind() == Kind.PARAM || token.isSymbol(':')
                || token.isSymbol('-') || token.isSymbol('+');
    }
}
