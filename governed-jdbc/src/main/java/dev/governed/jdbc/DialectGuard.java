package dev.governed.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses connections whose database reads SQL text differently from how Governed's
 * analyser reads it (standard and PostgreSQL lexing): there a statement could mean one
 * thing to the analyser and another to the database. H2 compatibility modes change
 * quoting and comments (MySQL backticks and {@code #}, SQL Server brackets); PostgreSQL
 * with {@code standard_conforming_strings=off} treats backslashes in strings as escapes.
 */
final class DialectGuard {

    private static final Set<String> H2_MODES_READ_LIKE_THE_ANALYSER = Set.of("REGULAR", "STRICT", "LEGACY", "POSTGRESQL");

    private DialectGuard() {}

    static void check(Connection raw) throws SQLException {
        String product = raw.getMetaData().getDatabaseProductName();
        if ("H2".equalsIgnoreCase(product)) {
            String mode = single(raw, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'MODE'");
            if (mode != null && !H2_MODES_READ_LIKE_THE_ANALYSER.contains(mode.toUpperCase(Locale.ROOT))) {
                throw refuse("H2 MODE=" + mode + " reads SQL text differently from Governed's analyser; use"
                        + " MODE=REGULAR, STRICT, LEGACY or PostgreSQL");
            }
        } else if ("PostgreSQL".equalsIgnoreCase(product)) {
            String conforming = single(raw, "SHOW standard_conforming_strings");
            if (!"on".equalsIgnoreCase(conforming)) {
                throw refuse("this PostgreSQL session has standard_conforming_strings=" + conforming
                        + ", so backslashes in strings are escapes Governed's analyser would not see; set it to on");
            }
        }
    }

    private static String single(Connection raw, String sql) throws SQLException {
        try (Statement statement = raw.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getString(1) : null;
        }
    }

    private static SQLException refuse(String reason) {
        return new SQLNonTransientConnectionException("Governed refused the connection: " + reason + ".", "08001");
    }
}
