package dev.governed.service.replay;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The mark a database carries when its owner allows replays on it: a table {@code governed_sandbox} holding at least
 * one row. The mark lives in the database itself, not in the command line, so a production URL typed by mistake is
 * refused: replay re-runs recorded writes.
 */
public final class Sandbox {

    public static final String TABLE = "governed_sandbox";
    static final String HOW_TO_MARK = "if it is a disposable copy, mark it with: CREATE TABLE " + TABLE
            + " (marked_by VARCHAR(200)); INSERT INTO " + TABLE + " VALUES ('<who marked it, and why>')";

    private Sandbox() {}

    /**
     * Checks the mark before anything else runs.
     *
     * @throws NotASandbox saying how to mark the database
     */
    public static void require(Connection connection, String url) throws NotASandbox, SQLException {
        String table = markTable(connection.getMetaData());
        if (table == null) {
            throw new NotASandbox(url + " is not marked as a sandbox (it has no table " + TABLE + "), and replay"
                    + " re-runs the session's statements, writes included; " + HOW_TO_MARK);
        }
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            if (!rows.next() || rows.getLong(1) == 0) {
                throw new NotASandbox(url + " has a table " + TABLE + " but it is empty, so it is not marked as a"
                        + " sandbox; " + HOW_TO_MARK);
            }
        }
    }

    /** The marker table's name as the database spells it (H2 folds to upper case, PostgreSQL to lower), or null. */
    private static String markTable(DatabaseMetaData metaData) throws SQLException {
        for (String spelling : new String[] {TABLE, TABLE.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet tables = metaData.getTables(null, null, spelling, new String[] {"TABLE", "BASE TABLE"})) {
                while (tables.next()) {
                    String schema = tables.getString("TABLE_SCHEM");
                    String name = tables.getString("TABLE_NAME");
                    return schema == null ? quote(name) : quote(schema) + "." + quote(name);
                }
            }
        }
        return null;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
