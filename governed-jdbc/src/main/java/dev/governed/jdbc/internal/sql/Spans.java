package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;

/** Small reads over one statement's tokens that the spelling rewrites share. */
final class Spans {

    private Spans() {}

    /** The index of the parenthesis closing the one at {@code open}, or -1 when it is not closed. */
    static int closing(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol('(')) {
                depth++;
            } else if (tokens.get(i).isSymbol(')')) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** {@code [from, to)} split at the commas outside any parenthesis or bracket; empty parts are kept. */
    static List<List<Token>> commaSeparated(List<Token> tokens, int from, int to) {
        List<List<Token>> parts = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i < to; i++) {
            Token each = tokens.get(i);
            if (each.isSymbol('(') || each.isSymbol('[')) {
                depth++;
            } else if (each.isSymbol(')') || each.isSymbol(']')) {
                depth--;
            } else if (depth == 0 && each.isSymbol(',')) {
                parts.add(tokens.subList(start, i));
                start = i + 1;
            }
        }
        parts.add(tokens.subList(start, to));
        return parts;
    }

    static boolean isWord(List<Token> tokens, int at, String upper) {
        return at >= 0 && at < tokens.size() && tokens.get(at).isWord(upper);
    }

    static boolean isSymbol(List<Token> tokens, int at, char symbol) {
        return at >= 0 && at < tokens.size() && tokens.get(at).isSymbol(symbol);
    }

    /** A plain or quoted name. */
    static boolean isName(List<Token> tokens, int at) {
        return at >= 0 && at < tokens.size()
                && (tokens.get(at).kind() == Kind.WORD || tokens.get(at).kind() == Kind.QUOTED);
    }

    static Token word(String text, boolean spaced) {
        return new Token(Kind.WORD, text, spaced);
    }

    static Token symbol(char symbol, boolean spaced) {
        return new Token(Kind.SYMBOL, String.valueOf(symbol), spaced);
    }

    /** The same token with whitespace before it, so it cannot run into its new neighbour. */
    static Token spaced(Token token) {
        return token.spaced() ? token : new Token(token.kind(), token.text(), true);
    }
}
