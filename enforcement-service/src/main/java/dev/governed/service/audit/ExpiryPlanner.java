package dev.governed.service.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.RetentionRecord;
import dev.governed.service.store.Database;
import dev.governed.service.store.Times;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides what of one stream may expire: walks its remaining events in seq order and stops at the first that breaks the
 * chain (gap, fork, broken link, changed event), is under a legal hold, matches no retention rule, or closes a segment
 * still within its period. The result ends at the last validly signed checkpoint reached before that.
 */
final class ExpiryPlanner {
    private final Database database;
    private final RetentionRules rules;

    ExpiryPlanner(Database database, RetentionRules rules) {
        this.database = database;
        this.rules = rules;
    }

    /** Where the stream's remaining events start: after its last retention record, or at seq 1. */
    private record Start(long afterSeq, String afterHash) {}

    /** The longest expirable prefix of the stream's remaining events, ending at a validly signed checkpoint. */
    Optional<RetentionExpiry.Expiry> plan(String stream, Instant now, List<LegalHolds.Hold> holdsNow,
            List<RetentionExpiry.Held> held) {
        return database.read(connection -> {
            Start start = start(connection, stream);
            TreeMap<Long, Checkpoint> checkpoints = signedCheckpoints(connection, stream, start.afterSeq());
            if (checkpoints.isEmpty()) {
                return Optional.<RetentionExpiry.Expiry>empty();
            }
            Segment segment = new Segment(start);
            try (PreparedStatement statement = connection.prepareStatement("SELECT seq, prev_hash, hash, hash_valid, event_time, body "
                    + "FROM audit_events WHERE stream = ? AND seq > ? AND seq <= ? ORDER BY seq, pos")) {
                statement.setString(1, stream);
                statement.setLong(2, start.afterSeq());
                statement.setLong(3, checkpoints.lastKey());
                statement.setFetchSize(1000);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long seq = rows.getLong(1);
                        if (!segment.linked(seq, rows.getString(2), rows.getBoolean(4))) {
                            break;
                        }
                        JsonNode resource = resourceOf(rows.getString(6));
                        String name = text(resource.path("name"));
                        String environment = text(resource.path("environment"));
                        Optional<LegalHolds.Hold> hold = holdsNow.stream().filter(h -> h.matches(stream, name, environment)).findFirst();
                        if (hold.isPresent()) {
                            held.add(new RetentionExpiry.Held(stream, seq, hold.get().describe(), hold.get().id()));
                            break;
                        }
                        Optional<RetentionRules.Rule> rule = rules.longest(name, environment);
                        if (rule.isEmpty()) {
                            break; // kept for ever
                        }
                        segment.add(seq, rows.getString(3), Times.instant(rows.getLong(5)), rule.get());
                        Checkpoint checkpoint = checkpoints.get(seq);
                        if (checkpoint != null) {
                            if (!checkpoint.head().equals(rows.getString(3))) {
                                break;
                            }
                            if (!segment.olderThanItsPeriod(now)) {
                                break;
                            }
                            segment.closeAt(checkpoint);
                        }
                    }
                }
            }
            return segment.expiry(stream, now);
        });
    }

    /** The events walked so far: contiguous, linked, hash-valid; the last checkpoint reached and the longest rule. */
    private static final class Segment {
        private final Start start;
        private long expected;
        private String previousHash;
        private String firstPrev;
        private RetentionRules.Rule longest;
        private Instant newest = Instant.MIN;
        private Checkpoint closedAt;
        private RetentionRules.Rule closedRule;

        Segment(Start start) {
            this.start = start;
            this.expected = start.afterSeq() + 1;
            this.previousHash = start.afterHash();
        }

        /** Whether the event continues the chain; a gap, a fork or a changed event ends what may expire. */
        boolean linked(long seq, String prev, boolean hashValid) {
            if (seq != expected || !hashValid || (previousHash != null && !previousHash.equals(prev))) {
                return false;
            }
            if (seq == start.afterSeq() + 1) {
                firstPrev = prev;
            }
            return true;
        }

        void add(long seq, String hash, Instant time, RetentionRules.Rule rule) {
            longest = RetentionRules.longer(longest, rule);
            newest = time.isAfter(newest) ? time : newest;
            previousHash = hash;
            expected = seq + 1;
        }

        boolean olderThanItsPeriod(Instant now) {
            return !newest.plus(longest.period()).isAfter(now);
        }

        void closeAt(Checkpoint checkpoint) {
            closedAt = checkpoint;
            closedRule = longest;
        }

        Optional<RetentionExpiry.Expiry> expiry(String stream, Instant now) {
            if (closedAt == null) {
                return Optional.empty();
            }
            long first = start.afterSeq() + 1;
            RetentionRecord unsigned = new RetentionRecord(stream, first, closedAt.seq(), firstPrev, closedAt.head(),
                    closedRule.describe(), now, closedAt, null);
            return Optional.of(new RetentionExpiry.Expiry(stream, first, closedAt.seq(), closedRule.describe(), unsigned));
        }
    }

    private static Start start(Connection connection, String stream) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT last_seq, last_hash FROM audit_retention WHERE stream = ? ORDER BY last_seq DESC LIMIT 1")) {
            statement.setString(1, stream);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? new Start(rows.getLong(1), rows.getString(2)) : new Start(0, null);
            }
        }
    }

    private static TreeMap<Long, Checkpoint> signedCheckpoints(Connection connection, String stream, long after) throws SQLException {
        TreeMap<Long, Checkpoint> result = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT seq, body FROM audit_checkpoints WHERE stream = ? AND seq > ? AND signature = ? ORDER BY seq")) {
            statement.setString(1, stream);
            statement.setLong(2, after);
            statement.setString(3, CheckpointSignatures.VALID);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    try {
                        result.put(rows.getLong(1), Checkpoint.fromTree(AuditJson.readTree(rows.getString(2))));
                    } catch (AuditException damaged) {
                        // a stored checkpoint that does not parse covers nothing
                    }
                }
            }
        }
        return result;
    }

    private static JsonNode resourceOf(String body) {
        try {
            return AuditJson.readTree(body).path("resource");
        } catch (AuditException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }
}
