package dev.governed.service.replay;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Replays a recorded session against a sandbox: checks the sandbox mark before running anything, then runs the
 * statements in recorded order, each on a connection of its own recorded connection (so session settings and
 * temporary tables carry over as they did), in auto-commit unless the session's own statements say otherwise.
 */
public final class SessionReplay {

    private final String url;
    private final Properties account;

    public SessionReplay(String url, Properties account) {
        this.url = url;
        this.account = account;
    }

    /**
     * @throws NotASandbox before anything ran, when the database is not marked
     * @throws SQLException when the database cannot be reached
     */
    public List<Finding> run(RecordedSession session) throws NotASandbox, SQLException {
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            Connection first = DriverManager.getConnection(url, account);
            connections.put(null, first);
            Sandbox.require(first, url);
            List<Finding> result = new ArrayList<>();
            for (RecordedStatement each : session.statements()) {
                result.add(StatementReplayer.replay(each, connection(connections, each.connection())));
            }
            return result;
        } finally {
            for (Connection each : connections.values()) {
                try {
                    each.close();
                } catch (SQLException ignored) {
                    // closing after the replay: nothing left to lose
                }
            }
        }
    }

    /** The replay connection standing for a recorded one; the first recorded connection reuses the checked one. */
    private Connection connection(Map<String, Connection> connections, String recorded) throws SQLException {
        Connection result = connections.get(recorded);
        if (result != null) {
            return result;
        }
        if (connections.size() == 1 && connections.containsKey(null)) {
            result = connections.remove(null);
        } else {
            result = DriverManager.getConnection(url, account);
        }
        connections.put(recorded, result);
        return result;
    }
}
