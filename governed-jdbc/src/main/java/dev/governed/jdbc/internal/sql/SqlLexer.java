package dev.governed.jdbc.internal.sql;

/**
 * A single-pass SQL tokenizer that draws token boundaries the way PostgreSQL and H2
 * both do: {@code --} and nested {@code /* *}{@code /} comments, standard, E'', N'',
 * X'', B'', U&amp;'' and dollar-quoted strings, double-quoted and backquoted identifiers.
 *
 * <p>It never guesses: where the two databases (or two settings of one) would split
 * the text differently, it records a {@link #problem()} so the text is denied rather
 * than analysed under the wrong reading. It allocates nothing per token, because the
 * fingerprint runs it on every statement.
 */
final class SqlLexer {

    enum Kind { WORD, QUOTED, STRING, NUMBER, PARAM, SYMBOL, END }

    /** A token kept for the slower analysis of a text the cache has not seen. */
    record Token(Kind kind, String text, boolean spaced) {
        boolean isWord(String upper) {
            return kind == Kind.WORD && text.equalsIgnoreCase(upper);
        }

        boolean isSymbol(char c) {
            return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == c;
        }
    }

    private final String sql;
    private final int length;
    private int pos;
    private Kind kind;
    private int start;
    private int end;
    private boolean spaced;
    private String problem;

    SqlLexer(String sql) {
        this.sql = sql;
        this.length = sql.length();
    }

    Kind kind() {
        return kind;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    /** Whether whitespace or a comment came before the current token. */
    boolean spaced() {
        return spaced;
    }

    /** The first place where databases would disagree on the token boundaries, or null. */
    String problem() {
        return problem;
    }

    /** Whether the current token is the word {@code upper}, compared case-insensitively. */
    boolean isWord(String upper) {
        return kind == Kind.WORD && end - start == upper.length()
                && sql.regionMatches(true, start, upper, 0, upper.length());
    }

    boolean isSymbol(char c) {
        return kind == Kind.SYMBOL && end - start == 1 && sql.charAt(start) == c;
    }

    /** The current token as a value. */
    Token token() {
        return new Token(kind, sql.substring(start, end), spaced);
    }

    /** Advances to the next token; returns false at the end of the text. */
    boolean next() {
        spaced = false;
        while (pos < length) {
            char c = sql.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B) {
                pos++;
                spaced = true;
            } else if (c == '-' && peek(1) == '-') {
                skipLineComment();
                spaced = true;
            } else if (c == '/' && peek(1) == '*') {
                skipBlockComment();
                spaced = true;
            } else {
                break;
            }
        }
        start = pos;
        if (pos >= length) {
            kind = Kind.END;
            end = pos;
            return false;
        }
        char c = sql.charAt(pos);
        char n1 = peek(1);
        if (c == '\'') {
            readString(pos, false);
        } else if ((c == 'E' || c == 'e') && n1 == '\'') {
            readString(pos + 1, true);
        } else if ((c == 'N' || c == 'n' || c == 'X' || c == 'x' || c == 'B' || c == 'b') && n1 == '\'') {
            readString(pos + 1, false);
        } else if ((c == 'U' || c == 'u') && n1 == '&' && peek(2) == '\'') {
            readString(pos + 2, false);
        } else if ((c == 'U' || c == 'u') && n1 == '&' && peek(2) == '"') {
            // U&"secr\0065ts" names the table secrets: a name policy would not recognise.
            problem("a Unicode-escaped identifier (U&\"...\"); write the name plainly");
            readQuoted(pos + 2, '"');
        } else if (c == '"' || c == '`') {
            readQuoted(pos, c);
        } else if (c == '$') {
            readDollar();
        } else if (isDigit(c) || (c == '.' && isDigit(n1))) {
            readNumber();
        } else if (isIdentifierStart(c)) {
            readWord();
        } else if (c == '?') {
            kind = Kind.PARAM;
            pos++;
        } else {
            if (c == '/' && n1 == '/') {
                // H2 reads "//" as a line comment, PostgreSQL as an operator.
                problem("'//' starts a comment in H2 but not in PostgreSQL");
            } else if (c < 0x20 || (c >= 0x80 && (Character.isWhitespace(c) || Character.isSpaceChar(c)))) {
                // H2 treats these as whitespace, PostgreSQL as part of an identifier or an error.
                problem("a control or non-ASCII whitespace character (U+%04X) outside quotes".formatted((int) c));
            }
            kind = Kind.SYMBOL;
            pos++;
        }
        end = pos;
        return true;
    }

    private char peek(int ahead) {
        int at = pos + ahead;
        return at < length ? sql.charAt(at) : '\0';
    }

    private void problem(String reason) {
        if (problem == null) {
            problem = reason;
        }
    }

    private void skipLineComment() {
        // PostgreSQL and H2 both end a line comment at either CR or LF.
        while (pos < length && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
            pos++;
        }
    }

    private void skipBlockComment() {
        // Block comments nest in PostgreSQL and in H2.
        int depth = 0;
        while (pos < length) {
            char c = sql.charAt(pos);
            if (c == '/' && peek(1) == '*') {
                depth++;
                pos += 2;
            } else if (c == '*' && peek(1) == '/') {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                pos++;
            }
        }
        problem("unterminated block comment");
    }

    /** Reads a quoted string whose opening quote is at {@code quoteAt}. */
    private void readString(int quoteAt, boolean backslashEscapes) {
        kind = Kind.STRING;
        int at = quoteAt + 1;
        while (at < length) {
            char c = sql.charAt(at);
            if (c == '\\') {
                if (backslashEscapes) {
                    if (at + 1 < length && sql.charAt(at + 1) == '\'') {
                        // H2 has no E'' strings: there E'\' is E followed by '\', which ends at this quote.
                        problem("a backslash-escaped quote in an E'' string, which ends the string in H2 "
                                + "but not in PostgreSQL");
                    }
                    at += 2;
                    continue;
                }
                if (at + 1 < length && sql.charAt(at + 1) == '\'') {
                    // With standard_conforming_strings off, PostgreSQL reads \' as an escaped quote.
                    problem("a backslash before a quote in a string literal, which ends the string "
                            + "in some database settings but not others");
                }
                at++;
            } else if (c == '\'') {
                if (at + 1 < length && sql.charAt(at + 1) == '\'') {
                    at += 2;
                } else {
                    pos = at + 1;
                    return;
                }
            } else {
                at++;
            }
        }
        pos = length;
        problem("unterminated string literal");
    }

    private void readQuoted(int quoteAt, char quote) {
        kind = Kind.QUOTED;
        int at = quoteAt + 1;
        while (at < length) {
            if (sql.charAt(at) == quote) {
                if (at + 1 < length && sql.charAt(at + 1) == quote) {
                    at += 2;
                } else {
                    pos = at + 1;
                    return;
                }
            } else {
                at++;
            }
        }
        pos = length;
        problem("unterminated quoted identifier");
    }

    private void readDollar() {
        char n1 = peek(1);
        if (isDigit(n1)) {
            kind = Kind.PARAM;
            pos++;
            while (pos < length && isDigit(sql.charAt(pos))) {
                pos++;
            }
            return;
        }
        int tagEnd = pos + 1;
        if (n1 != '$') {
            if (!isIdentifierStart(n1)) {
                kind = Kind.SYMBOL;
                pos++;
                return;
            }
            while (tagEnd < length && (isIdentifierStart(sql.charAt(tagEnd)) || isDigit(sql.charAt(tagEnd)))) {
                tagEnd++;
            }
            if (tagEnd >= length || sql.charAt(tagEnd) != '$') {
                kind = Kind.SYMBOL;
                pos++;
                return;
            }
            // H2 reads "$tag" as a parameter, PostgreSQL as the start of a string.
            problem("a tagged dollar quote ($tag$), which H2 and PostgreSQL read differently; use $$ or ''");
        }
        String tag = sql.substring(pos, tagEnd + 1);
        int close = sql.indexOf(tag, tagEnd + 1);
        kind = Kind.STRING;
        if (close < 0) {
            pos = length;
            problem("unterminated dollar-quoted string");
        } else {
            pos = close + tag.length();
        }
    }

    private void readNumber() {
        if (sql.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X' || peek(1) == 'o' || peek(1) == 'O'
                || peek(1) == 'b' || peek(1) == 'B')) {
            pos += 2;
            while (pos < length && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
                pos++;
            }
            kind = Kind.NUMBER;
            return;
        }
        skipDigits();
        if (pos < length && sql.charAt(pos) == '.' && peek(1) != '.') {
            pos++;
            skipDigits();
        }
        if (pos < length && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')) {
            char n1 = peek(1);
            if (isDigit(n1) || ((n1 == '+' || n1 == '-') && isDigit(peek(2)))) {
                pos += 2;
                skipDigits();
            }
        }
        kind = Kind.NUMBER;
    }

    private void skipDigits() {
        while (pos < length && (isDigit(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
            pos++;
        }
    }

    private void readWord() {
        kind = Kind.WORD;
        boolean ascii = sql.charAt(pos) < 0x80;
        pos++;
        while (pos < length) {
            char c = sql.charAt(pos);
            if (isIdentifierStart(c) || isDigit(c) || c == '$') {
                ascii &= c < 0x80;
                pos++;
            } else {
                break;
            }
        }
        if (!ascii) {
            // H2 upper-cases unquoted names with Java's rules (U+017F 'ſ' becomes 'S'), PostgreSQL folds
            // only ASCII: "ſecrets" would name SECRETS in the database but not in policy.
            problem("a non-ASCII letter in an unquoted name, which databases fold differently; quote the name");
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentifierStart(char c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return false;
        }
        return true;
    }
}
