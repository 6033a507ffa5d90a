package dev.governed.jdbc.internal.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns SQL text into the literal-free form the analysis cache is keyed on:
 * string and numeric literals become {@code ?}, comments go, whitespace collapses
 * to one space, and everything else (identifiers with their quoting and case,
 * keywords, parameters) stays verbatim, so two texts share a key only when policy
 * and masking would judge them alike.
 */
final class SqlNormaliser {

    /** Starts a key whose text could not be tokenized unambiguously; natural keys never hold comments. */
    static final String PROBLEM_PREFIX = "/*unanalysable: ";
    static final String PROBLEM_SUFFIX = "*/ ";

    private static final int DEEPEST_TRACKED = 62;

    private SqlNormaliser() {}

    static String normalise(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        StringBuilder out = new StringBuilder(sql.length());
        int depth = 0;
        long orderOrGroupBy = 0; // bit d: an ORDER/GROUP/PARTITION BY list is open at paren depth d
        boolean afterBy = false;
        boolean afterDistinct = false;
        boolean afterListSeparator = false;
        while (lexer.next()) {
            if (lexer.spaced() && out.length() > 0) {
                out.append(' ');
            }
            boolean by = false;
            boolean distinct = false;
            boolean separator = false;
            switch (lexer.kind()) {
                case STRING -> out.append('?');
                case NUMBER -> {
                    // "ORDER BY 1" names a column by position: never merge it with "ORDER BY 2".
                    boolean positional = afterBy || (afterListSeparator && inByList(orderOrGroupBy, depth));
                    if (positional) {
                        out.append(sql, lexer.start(), lexer.end());
                    } else {
                        out.append('?');
                    }
                }
                case WORD -> {
                    // DISTINCT ON (1) also names an output column by position.
                    by = lexer.isWord("BY") || (afterDistinct && lexer.isWord("ON"));
                    distinct = lexer.isWord("DISTINCT");
                    if (by) {
                        orderOrGroupBy |= bit(depth);
                    }
                    out.append(sql, lexer.start(), lexer.end());
                }
                case SYMBOL -> {
                    char c = sql.charAt(lexer.start());
                    if (c == '(') {
                        boolean inherited = inByList(orderOrGroupBy, depth);
                        depth++;
                        orderOrGroupBy = inherited ? orderOrGroupBy | bit(depth) : orderOrGroupBy & ~bit(depth);
                        separator = true;
                    } else if (c == ')') {
                        orderOrGroupBy &= ~bit(depth);
                        depth = Math.max(0, depth - 1);
                    } else if (c == ';') {
                        orderOrGroupBy = 0;
                        depth = 0;
                    } else if (c == ',') {
                        separator = true;
                    }
                    out.append(c);
                }
                default -> out.append(sql, lexer.start(), lexer.end());
            }
            afterBy = by;
            afterDistinct = distinct;
            afterListSeparator = separator;
        }
        if (lexer.problem() != null) {
            out.insert(0, PROBLEM_PREFIX + lexer.problem().replace("*/", "* /") + PROBLEM_SUFFIX);
        }
        return out.toString();
    }

    private static long bit(int depth) {
        return 1L << Math.min(depth, DEEPEST_TRACKED);
    }

    private static boolean inByList(long mask, int depth) {
        return depth >= DEEPEST_TRACKED || (mask & bit(depth)) != 0;
    }

    /** The lexical problem a key records, or null for a clean key. */
    static String problemOf(String key) {
        if (!key.startsWith(PROBLEM_PREFIX)) {
            return null;
        }
        int close = key.indexOf(PROBLEM_SUFFIX, PROBLEM_PREFIX.length());
        return key.substring(PROBLEM_PREFIX.length(), close < 0 ? key.length() : close);
    }

    /** The tokens of a clean key, for the slower analysis after a cache miss. */
    static List<SqlLexer.Token> tokens(String key) {
        SqlLexer lexer = new SqlLexer(key);
        List<SqlLexer.Token> result = new ArrayList<>();
        while (lexer.next()) {
            result.add(lexer.token());
        }
        return result;
    }

    /** Hex SHA-256 of the key: the fingerprint audit events carry. */
    static String sha256(String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
