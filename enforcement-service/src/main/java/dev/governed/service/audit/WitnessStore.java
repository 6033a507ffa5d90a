package dev.governed.service.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.service.store.Database;
import dev.governed.service.store.Times;
import dev.governed.service.web.ApiException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The witness: keeps the latest checkpoint received per stream (and the head the stream resumed from), so
 * {@code governed audit verify --witness} catches a trail cut or rewritten after that checkpoint reached it.
 * Heads only move forward; a different head at a seq already witnessed is a fork and refused.
 */
public final class WitnessStore {

    /** A witnessed head: the checkpoint line, the stream's origin (prev of seq 1, when known) and the signature check. */
    public record Head(Checkpoint checkpoint, String origin, String signature) {
        public ObjectNode toJson() {
            ObjectNode result = AuditJson.mapper().createObjectNode();
            result.set("checkpoint", checkpoint.toTree());
            result.put("origin", origin);
            result.put("signature", signature);
            return result;
        }
    }

    private final Database database;
    private final Clock clock;

    public WitnessStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Records {@code checkpoint} if it is newer than what is witnessed for its stream; true when it moved the head. */
    public boolean witness(Checkpoint checkpoint, String origin, String signature, String receivedBy) {
        return database.transaction(connection -> {
            Head current = find(connection, checkpoint.stream());
            long now = Times.micros(clock.instant());
            if (current == null) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_witness (stream, seq, head, origin, body,"
                        + " signature, received_at, received_by) VALUES (?,?,?,?,?,?,?,?)")) {
                    insert.setString(1, checkpoint.stream());
                    insert.setLong(2, checkpoint.seq());
                    insert.setString(3, checkpoint.head());
                    insert.setString(4, origin);
                    insert.setString(5, checkpoint.toJson());
                    insert.setString(6, signature);
                    insert.setLong(7, now);
                    insert.setString(8, receivedBy);
                    insert.executeUpdate();
                }
                return true;
            }
            String owner = owner(connection, checkpoint.stream());
            if (!owner.equals(receivedBy)) {
                throw ApiException.forbidden("stream " + checkpoint.stream() + " is witnessed for another identity; '"
                        + receivedBy.substring(receivedBy.indexOf(':') + 1) + "' may only report streams it writes");
            }
            if (checkpoint.seq() == current.checkpoint().seq() && !checkpoint.head().equals(current.checkpoint().head())) {
                throw ApiException.conflict("stream " + checkpoint.stream() + " was witnessed at seq " + checkpoint.seq()
                        + " with head " + current.checkpoint().head() + "; a different head for the same seq is a fork (rewritten trail)");
            }
            if (checkpoint.seq() <= current.checkpoint().seq()) {
                return false;
            }
            // "seq < ?" keeps the head moving forward even if two reports for one stream race
            try (PreparedStatement update = connection.prepareStatement("UPDATE audit_witness SET seq = ?, head = ?, body = ?,"
                    + " signature = ?, received_at = ?, origin = COALESCE(origin, ?) WHERE stream = ? AND seq < ?")) {
                update.setLong(1, checkpoint.seq());
                update.setString(2, checkpoint.head());
                update.setString(3, checkpoint.toJson());
                update.setString(4, signature);
                update.setLong(5, now);
                update.setString(6, origin);
                update.setString(7, checkpoint.stream());
                update.setLong(8, checkpoint.seq());
                return update.executeUpdate() == 1;
            }
        });
    }

    /** The witnessed heads, of one stream or all (null). */
    public List<Head> heads(String stream) {
        return database.read(connection -> {
            List<Head> result = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT body, origin, signature FROM audit_witness"
                    + (stream == null ? "" : " WHERE stream = ?") + " ORDER BY stream")) {
                if (stream != null) {
                    select.setString(1, stream);
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        result.add(new Head(Checkpoint.fromTree(AuditJson.readTree(rows.getString(1))), rows.getString(2),
                                rows.getString(3)));
                    }
                }
            }
            return result;
        });
    }

    private static Head find(java.sql.Connection connection, String stream) throws java.sql.SQLException {
        // FOR UPDATE: concurrent reports for one stream are decided one after the other
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT body, origin, signature FROM audit_witness WHERE stream = ? FOR UPDATE")) {
            select.setString(1, stream);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? new Head(Checkpoint.fromTree(AuditJson.readTree(rows.getString(1))), rows.getString(2),
                        rows.getString(3)) : null;
            }
        }
    }

    private static String owner(java.sql.Connection connection, String stream) throws java.sql.SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT received_by FROM audit_witness WHERE stream = ?")) {
            select.setString(1, stream);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
