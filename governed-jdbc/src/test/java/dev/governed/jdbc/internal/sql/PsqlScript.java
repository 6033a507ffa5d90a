package dev.governed.jdbc.internal.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a psql script into its SQL statements, as psql does: {@code ;} ends a statement outside
 * quotes, dollar quotes and comments; a backslash command ends one too ({@code \gset}) and is
 * dropped with the rest of its line; the data lines after {@code COPY … FROM stdin} are skipped.
 * Statements that use psql variables ({@code :name}, {@code :'name'}) are not SQL and are dropped.
 */
final class PsqlScript {

    private PsqlScript() {}

    static List<String> statements(String script) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        boolean lineStart = true;
        boolean variables = false;
        while (i < n) {
            char c = script.charAt(i);
            if (lineStart && current.toString().isBlank() && startsMeta(script, i)) {
                i = endOfLine(script, i);
                continue;
            }
            lineStart = false;
            if (c == '\n') {
                lineStart = true;
                current.append(c);
                i++;
            } else if (c == '\'' ) {
                boolean escapes = i > 0 && (script.charAt(i - 1) == 'E' || script.charAt(i - 1) == 'e');
                int end = quoted(script, i, '\'', escapes);
                current.append(script, i, end);
                i = end;
            } else if (c == '"') {
                int end = quoted(script, i, '"', false);
                current.append(script, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                i = endOfLine(script, i);
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                i = endOfComment(script, i);
                current.append(' ');
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                int close = script.indexOf(tag, i + tag.length());
                int end = close < 0 ? n : close + tag.length();
                current.append(script, i, end);
                i = end;
            } else if (c == ':' && isVariable(script, i)) {
                variables = true;
                current.append(c);
                i++;
            } else if (c == '\\') {
                // A backslash command ends the statement (\g, \gset, \gexec …) and takes the rest of the line.
                add(result, current, variables);
                current.setLength(0);
                variables = false;
                i = endOfLine(script, i);
            } else if (c == ';') {
                String statement = current.toString().strip();
                add(result, current, variables);
                current.setLength(0);
                variables = false;
                i++;
                if (copiesFromStdin(statement)) {
                    i = endOfCopyData(script, i);
                }
            } else {
                current.append(c);
                i++;
            }
        }
        add(result, current, variables);
        return result;
    }

    private static void add(List<String> result, StringBuilder current, boolean variables) {
        String statement = current.toString().strip();
        if (!statement.isEmpty() && !variables) {
            result.add(statement);
        }
    }

    private static boolean startsMeta(String script, int i) {
        int j = i;
        while (j < script.length() && (script.charAt(j) == ' ' || script.charAt(j) == '\t')) {
            j++;
        }
        return j < script.length() && script.charAt(j) == '\\';
    }

    private static boolean copiesFromStdin(String statement) {
        String upper = statement.toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("COPY") && upper.matches("(?s).*\\bFROM\\s+STDIN\\b.*");
    }

    private static int endOfCopyData(String script, int i) {
        int end = script.indexOf("\n\\.", i);
        return end < 0 ? script.length() : endOfLine(script, end + 1);
    }

    private static boolean isVariable(String script, int i) {
        if (i > 0 && script.charAt(i - 1) == ':') {
            return false;
        }
        if (i + 1 >= script.length()) {
            return false;
        }
        char next = script.charAt(i + 1);
        return next == '\'' || next == '"' || Character.isLetter(next) || next == '_';
    }

    private static int quoted(String script, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return script.length();
    }

    private static int endOfLine(String script, int i) {
        int end = script.indexOf('\n', i);
        return end < 0 ? script.length() : end;
    }

    private static int endOfComment(String script, int start) {
        int depth = 0;
        int i = start;
        while (i < script.length() - 1) {
            if (script.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (script.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return script.length();
    }

    private static String dollarTag(String script, int i) {
        if (i > 0 && (Character.isLetterOrDigit(script.charAt(i - 1)) || script.charAt(i - 1) == '_')) {
            return null;
        }
        int j = i + 1;
        while (j < script.length() && (Character.isLetterOrDigit(script.charAt(j)) || script.charAt(j) == '_')) {
            j++;
        }
        if (j < script.length() && script.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(script.charAt(i + 1)))) {
            return script.substring(i, j + 1);
        }
        return null;
    }
}
