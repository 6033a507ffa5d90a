package dev.governed.service.connection;

/** Quoting for the SQL the service sends to a target: every name and literal it builds goes through here. */
final class Sql {
    private Sql() {}

    /** A PostgreSQL identifier, always quoted, so case and odd characters survive and nothing is interpreted. */
    static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A string literal that reads the same whatever standard_conforming_strings says. */
    static String literal(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains a NUL character");
        }
        String quoted = text.replace("'", "''");
        return text.indexOf('\\') >= 0 ? "E'" + quoted.replace("\\", "\\\\") + "'" : "'" + quoted + "'";
    }
}
