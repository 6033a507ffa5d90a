package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import dev.governed.policy.TableName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A position in one statement's tokens, with the small grammar steps the recogniser needs. */
final class TokenCursor {
    private final List<Token> tokens;
    private int at;

    TokenCursor(List<Token> tokens, int at) {
        this.tokens = tokens;
        this.at = at;
    }

    int position() {
        return at;
    }

    boolean atEnd() {
        return at >= tokens.size();
    }

    List<Token> rest() {
        return tokens.subList(at, tokens.size());
    }

    void skip(int count) {
        at += count;
    }

    boolean peek(String upper) {
        return peek(0, upper);
    }

    boolean peek(int ahead, String upper) {
        return at + ahead < tokens.size() && tokens.get(at + ahead).isWord(upper);
    }

    String peekWordUpper() {
        return !atEnd() && tokens.get(at).kind() == Kind.WORD ? tokens.get(at).text().toUpperCase(Locale.ROOT) : null;
    }

    boolean peekSymbol(char symbol) {
        return !atEnd() && tokens.get(at).isSymbol(symbol);
    }

    boolean accept(String upper) {
        if (peek(upper)) {
            at++;
            return true;
        }
        return false;
    }

    boolean acceptAny(String... uppers) {
        for (String each : uppers) {
            if (accept(each)) {
                return true;
            }
        }
        return false;
    }

    boolean acceptSymbol(char symbol) {
        if (peekSymbol(symbol)) {
            at++;
            return true;
        }
        return false;
    }

    /** A count such as FETCH's {@code 5} or {@code -1} (a literal, or {@code ?} once literals are replaced). */
    boolean acceptCount() {
        int start = at;
        acceptSymbol('-');
        if (!atEnd() && (tokens.get(at).kind() == Kind.NUMBER || tokens.get(at).kind() == Kind.PARAM)) {
            at++;
            return true;
        }
        at = start;
        return false;
    }

    boolean containsWord(String upper) {
        return tokens.stream().anyMatch(each -> each.isWord(upper));
    }

    /** Moves past the first top-level {@code word}; false if there is none. */
    boolean skipTo(String upper) {
        int depth = 0;
        for (int i = at; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            if (each.isSymbol('(')) {
                depth++;
            } else if (each.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && each.isWord(upper)) {
                at = i + 1;
                return true;
            }
        }
        return false;
    }

    /** An identifier (word or quoted), unquoted and lower-cased, or null. */
    String name() {
        if (atEnd()) {
            return null;
        }
        Token token = tokens.get(at);
        if (token.kind() == Kind.WORD || token.kind() == Kind.QUOTED) {
            at++;
            return Names.identifier(token.text());
        }
        return null;
    }

    /** A possibly dotted setting name such as {@code search_path} or {@code myapp.tenant}. */
    String settingName() {
        String first = name();
        if (first == null) {
            return null;
        }
        StringBuilder result = new StringBuilder(first);
        while (peekSymbol('.')) {
            at++;
            String part = name();
            if (part == null) {
                return null;
            }
            result.append('.').append(part);
        }
        return result.toString();
    }

    TableName qualifiedName() {
        String first = name();
        if (first == null) {
            return null;
        }
        ArrayList<String> parts = new ArrayList<>(List.of(first));
        while (peekSymbol('.')) {
            at++;
            String part = name();
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return Names.table(parts);
    }

    /** {@code [ONLY] name [*] [(columns)] [, ...]}; null if malformed. */
    Set<TableName> tableList() {
        Set<TableName> tables = new LinkedHashSet<>();
        do {
            accept("ONLY");
            TableName table = qualifiedName();
            if (table == null) {
                return null;
            }
            tables.add(table);
            acceptSymbol('*');
            if (peekSymbol('(') && !skipParenthesised()) {
                return null;
            }
        } while (acceptSymbol(','));
        return tables;
    }

    /** The tokens inside the parentheses at the cursor, moving past them; null if unbalanced. */
    List<Token> parenthesised() {
        int open = at;
        if (!skipParenthesised()) {
            return null;
        }
        return tokens.subList(open + 1, at - 1);
    }

    boolean skipParenthesised() {
        int depth = 0;
        for (int i = at; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol('(')) {
                depth++;
            } else if (tokens.get(i).isSymbol(')')) {
                depth--;
                if (depth == 0) {
                    at = i + 1;
                    return true;
                }
            }
        }
        return false;
    }

    /** A setting's value list: names, literals, numbers, signs, commas, dots; to the end. */
    boolean values() {
        if (atEnd()) {
            return false;
        }
        for (; at < tokens.size(); at++) {
            Token token = tokens.get(at);
            boolean plain = switch (token.kind()) {
                case WORD, QUOTED, PARAM, NUMBER, STRING -> true;
                case SYMBOL -> token.isSymbol(',') || token.isSymbol('-') || token.isSymbol('+')
                        || token.isSymbol('.');
                default -> false;
            };
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    /** {@code [AND [NO] CHAIN]} to the end. */
    boolean chain() {
        if (accept("AND")) {
            accept("NO");
            if (!accept("CHAIN")) {
                return false;
            }
        }
        return atEnd();
    }

    /** PostgreSQL transaction modes, comma- or space-separated, to the end. */
    boolean transactionModes() {
        while (!atEnd()) {
            if (accept("ISOLATION")) {
                if (!accept("LEVEL")) {
                    return false;
                }
                boolean level = accept("SERIALIZABLE")
                        || (accept("REPEATABLE") && accept("READ"))
                        || (accept("READ") && acceptAny("COMMITTED", "UNCOMMITTED"));
                if (!level) {
                    return false;
                }
            } else if (accept("READ")) {
                if (!acceptAny("WRITE", "ONLY")) {
                    return false;
                }
            } else if (accept("NOT")) {
                if (!accept("DEFERRABLE")) {
                    return false;
                }
            } else if (!accept("DEFERRABLE")) {
                return false;
            }
            acceptSymbol(',');
        }
        return true;
    }
}
