package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * PostgreSQL operators JSqlParser 5 cannot read, given as ones it can over the same operands, so no
 * table, column or function changes: the record image comparisons ({@code *<}, {@code *=}, …) as the
 * plain comparisons, the text pattern comparisons ({@code ~<~}, …) likewise, jsonb's path deletion
 * {@code #-} as {@code -}; and a sort operator ({@code ORDER BY x USING >}), which only chooses the
 * order, is dropped. An operator is read as PostgreSQL reads it: the whole run of operator characters
 * with nothing between them, so {@code a * <b} or {@code *<-} are never touched.
 */
final class OperatorSpellings {

    /** PostgreSQL's operator characters, less {@code ?} and the backquote, which the lexer reads otherwise. */
    private static final String OPERATOR_CHARACTERS = "+-*/<>=~!@#%^&|";

    private static final Map<String, String> PLAIN = Map.ofEntries(
            Map.entry("*=", "="), Map.entry("*<>", "<>"), Map.entry("*<", "<"), Map.entry("*<=", "<="),
            Map.entry("*>", ">"), Map.entry("*>=", ">="), Map.entry("~<~", "<"), Map.entry("~<=~", "<="),
            Map.entry("~>~", ">"), Map.entry("~>=~", ">="), Map.entry("#-", "-"));

    /** Words that may follow a sort key's operator: the next key's separator is a symbol, these end the list. */
    private static final Set<String> AFTER_SORT_KEY = Set.of("NULLS", "LIMIT", "OFFSET", "FETCH", "FOR", "UNION",
            "INTERSECT", "EXCEPT", "WINDOW", "RETURNING");

    private OperatorSpellings() {}

    /** The tokens with these operators given plainly; the same list when there is none. */
    static List<Token> plain(List<Token> tokens) {
        List<Token> result = new ArrayList<>(tokens.size());
        boolean changed = false;
        for (int i = 0; i < tokens.size(); ) {
            int end = runEnd(tokens, i);
            if (end == i) {
                result.add(tokens.get(i));
                i++;
                continue;
            }
            String run = text(tokens, i, end);
            if (sortOperator(tokens, i, end)) {
                result.remove(result.size() - 1); // the operator's USING
                changed = true;
            } else if (PLAIN.containsKey(run) && !touchesParameter(tokens, i, end)) {
                result.addAll(symbols(PLAIN.get(run), tokens.get(i).spaced()));
                changed = true;
            } else {
                result.addAll(tokens.subList(i, end));
            }
            i = end;
        }
        return changed ? result : tokens;
    }

    /** Where the operator starting at {@code start} ends (exclusive); {@code start} when none starts there. */
    private static int runEnd(List<Token> tokens, int start) {
        int end = start;
        while (end < tokens.size() && isOperatorCharacter(tokens.get(end)) && (end == start || !tokens.get(end).spaced())) {
            end++;
        }
        return end;
    }

    private static boolean isOperatorCharacter(Token token) {
        return token.kind() == Kind.SYMBOL && token.text().length() == 1
                && OPERATOR_CHARACTERS.indexOf(token.text().charAt(0)) >= 0;
    }

    /**
     * PostgreSQL counts {@code ?} among the operator characters, and in the literal-free key a {@code ?}
     * may also be a literal: an operator touching one could be longer than it looks, so it stays.
     */
    private static boolean touchesParameter(List<Token> tokens, int start, int end) {
        boolean before = start > 0 && tokens.get(start - 1).kind() == Kind.PARAM && !tokens.get(start).spaced();
        boolean after = end < tokens.size() && tokens.get(end).kind() == Kind.PARAM && !tokens.get(end).spaced();
        return before || after;
    }

    /** {@code USING op} after a sort key and before the next key or the end of the ORDER BY. */
    private static boolean sortOperator(List<Token> tokens, int start, int end) {
        if (start < 2 || !tokens.get(start - 1).isWord("USING") || !endsOperand(tokens.get(start - 2))
                || touchesParameter(tokens, start, end)) {
            return false;
        }
        if (end == tokens.size()) {
            return true;
        }
        Token next = tokens.get(end);
        return next.isSymbol(',') || next.isSymbol(')') || next.isSymbol(';')
                || (next.kind() == Kind.WORD && AFTER_SORT_KEY.contains(next.text().toUpperCase(Locale.ROOT)));
    }

    private static boolean endsOperand(Token token) {
        return switch (token.kind()) {
            case WORD, QUOTED, NUMBER, STRING, PARAM -> true;
            case SYMBOL -> token.isSymbol(')') || token.isSymbol(']');
            default -> false;
        };
    }

    private static String text(List<Token> tokens, int start, int end) {
        StringBuilder text = new StringBuilder();
        for (int i = start; i < end; i++) {
            text.append(tokens.get(i).text());
        }
        return text.toString();
    }

    private static List<Token> symbols(String operator, boolean spaced) {
        List<Token> result = new ArrayList<>();
        for (int i = 0; i < operator.length(); i++) {
            result.add(Spans.symbol(operator.charAt(i), i == 0 ? spaced : false));
        }
        return result;
    }
}
