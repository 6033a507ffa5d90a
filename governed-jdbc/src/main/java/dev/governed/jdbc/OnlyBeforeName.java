package dev.governed.jdbc;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finds {@code ONLY} written before a name, which H2 reads as a table called {@code ONLY} (the name after it an
 * alias) and the analyser reads as PostgreSQL does ({@code ONLY t}: the table {@code t}). On such a database the
 * statement's tables would not be the ones the policy decided on, so it is refused.
 */
final class OnlyBeforeName {

    static final String REASON = "on this database ONLY before a name is a table called ONLY, the name after it"
            + " only its alias, not PostgreSQL's ONLY; leave ONLY out, or quote \"ONLY\" if that table is meant";

    /**
     * The word ONLY followed by a name or quoted name. Not {@code FETCH FIRST n ROWS ONLY} (after ROW or ROWS),
     * nor {@code READ ONLY} followed by a keyword of a transaction mode or a clause.
     */
    private static final Pattern ONLY_NAME = Pattern.compile("(?i)(?<![\\w$\"])(?<!ROWS?\\s{1,20})ONLY\\s+"
            + "(?!(?:ISOLATION|READ|DEFERRABLE|NOT|WITH|WHERE|ORDER|GROUP|LIMIT|OFFSET|FETCH|FOR|UNION|EXCEPT"
            + "|INTERSECT|MINUS)\\b)[\\p{L}_\"]");

    private OnlyBeforeName() {}

    /**
     * Whether {@code sql} has ONLY before a name. A cheap scan first (no statement without the letters pays more);
     * then the text without literals and comments ({@code withoutLiterals}), so a string saying "only me" does not count.
     */
    static boolean in(String sql, Function<String, String> withoutLiterals) {
        if (!mentionsOnly(sql)) {
            return false;
        }
        return ONLY_NAME.matcher(withoutLiterals.apply(sql)).find();
    }

    private static boolean mentionsOnly(String sql) {
        for (int i = sql.length() - 4; i >= 0; i--) {
            if (sql.regionMatches(true, i, "only", 0, 4)) {
                return true;
            }
        }
        return false;
    }
}
