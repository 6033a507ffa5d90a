package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * JSqlParser 5 reads an {@code ON CONFLICT} target only as column names. PostgreSQL also takes index
 * expressions there ({@code ON CONFLICT (key, lower(fruit))}); each one is moved, unchanged, into the
 * target's WHERE as {@code (lower(fruit)) IS NOT NULL}, so every column and function it names is still
 * walked, and the column list keeps the plain names (or, when there are none, the first column the
 * first expression names).
 */
final class ConflictTargets {

    private ConflictTargets() {}

    /** The tokens with every expression in a conflict target moved into its WHERE. */
    static List<Token> plain(List<Token> tokens) {
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if (tokens.get(i).isWord("ON") && tokens.get(i + 1).isWord("CONFLICT") && tokens.get(i + 2).isSymbol('(')) {
                List<Token> rewritten = rewrite(tokens, i + 2);
                return rewritten == null ? tokens : rewritten;
            }
        }
        return tokens;
    }

    private static List<Token> rewrite(List<Token> tokens, int open) {
        int close = Spans.closing(tokens, open);
        if (close < 0) {
            return null;
        }
        List<Token> names = new ArrayList<>();
        List<List<Token>> expressions = new ArrayList<>();
        for (List<Token> element : Spans.commaSeparated(tokens, open + 1, close)) {
            if (element.isEmpty()) {
                return null;
            }
            if (element.size() == 1 && Spans.isName(element, 0)) {
                names.add(element.get(0));
            } else {
                expressions.add(element);
            }
        }
        if (expressions.isEmpty()) {
            return null;
        }
        if (names.isEmpty()) {
            Token named = firstColumn(expressions.get(0));
            if (named == null) {
                return null;
            }
            names.add(named);
        }
        List<Token> result = new ArrayList<>(tokens.subList(0, open + 1));
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                result.add(Spans.symbol(',', false));
            }
            result.add(names.get(i));
        }
        result.add(tokens.get(close));
        result.add(Spans.word("WHERE", true));
        for (int i = 0; i < expressions.size(); i++) {
            if (i > 0) {
                result.add(Spans.word("AND", true));
            }
            result.add(Spans.symbol('(', true));
            result.addAll(expressions.get(i));
            result.add(Spans.symbol(')', false));
            result.add(Spans.word("IS", true));
            result.add(Spans.word("NOT", true));
            result.add(Spans.word("NULL", true));
        }
        int next = close + 1;
        if (Spans.isWord(tokens, next, "WHERE")) {
            int predicateEnd = next + 1;
            while (predicateEnd < tokens.size() && !tokens.get(predicateEnd).isWord("DO")) {
                predicateEnd++;
            }
            result.add(Spans.word("AND", true));
            result.add(Spans.symbol('(', true));
            result.addAll(tokens.subList(next + 1, predicateEnd));
            result.add(Spans.symbol(')', false));
            next = predicateEnd;
        }
        result.addAll(tokens.subList(next, tokens.size()));
        return result;
    }

    /** The first name in {@code expression} that is neither called, qualified nor qualifying. */
    private static Token firstColumn(List<Token> expression) {
        for (int i = 0; i < expression.size(); i++) {
            Token each = expression.get(i);
            boolean name = each.kind() == Kind.WORD || each.kind() == Kind.QUOTED;
            if (name && !Spans.isSymbol(expression, i + 1, '(') && !Spans.isSymbol(expression, i + 1, '.')
                    && !Spans.isSymbol(expression, i - 1, '.')) {
                return Spans.spaced(each);
            }
        }
        return null;
    }
}
