package dev.governed.service.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.RetentionRecord;
import dev.governed.service.store.Database;
import dev.governed.service.store.StorageException;
import dev.governed.service.store.Times;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires audit events by whole checkpointed segments: per stream, the oldest events up to a checkpoint with a valid
 * signature, when every one of them is older than the longest retention rule matching any of them and none is under a
 * legal hold. The events and their checkpoints are removed in one transaction with writing a {@link RetentionRecord}
 * signed by the service key, so what remains still verifies. Events after the last such checkpoint (an uncovered
 * tail), a broken chain and everything after it, and events no rule matches are never removed.
 */
public final class RetentionExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionExpiry.class);

    /** Events {@code first..last} of {@code stream} expired (or, in a dry run, would be) under {@code rule}. */
    public record Expiry(String stream, long first, long last, String rule, RetentionRecord record) {}

    /** A stream whose expiry stopped at {@code seq} because of {@code hold}. */
    public record Held(String stream, long seq, String hold, String holdId) {}

    /** A stream whose expiry failed and was rolled back, with why. */
    public record Failed(String stream, String reason) {}

    public record Result(boolean dryRun, List<Expiry> expired, List<Held> held, List<Failed> failed) {}

    private final Database database;
    private final RetentionRules rules;
    private final LegalHolds holds;
    private final CheckpointSigner signer;
    private final Clock clock;

    public RetentionExpiry(Database database, RetentionRules rules, LegalHolds holds, CheckpointSigner signer, Clock clock) {
        this.database = database;
        this.rules = rules;
        this.holds = holds;
        this.signer = signer;
        this.clock = clock;
    }

    public RetentionRules rules() {
        return rules;
    }

    /** One pass over every stream; with {@code dryRun}, says what would expire and removes nothing. */
    public synchronized Result run(boolean dryRun) {
        List<Expiry> expired = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        if (rules.isEmpty()) {
            return new Result(dryRun, expired, held, failed);
        }
        Instant now = clock.instant();
        List<LegalHolds.Hold> holdsNow = holds.list();
        for (String stream : streams()) {
            Optional<Expiry> plan = plan(stream, now, holdsNow, held);
            if (plan.isEmpty()) {
                continue;
            }
            if (dryRun) {
                expired.add(plan.get());
                continue;
            }
            try {
                RetentionRecord record = apply(plan.get(), holdsNow);
                expired.add(new Expiry(stream, record.first(), record.last(), record.rule(), record));
            } catch (StorageException | IllegalStateException e) {
                LOG.warn("audit retention: expiring stream {} failed and was rolled back: {}", stream, e.getMessage());
                failed.add(new Failed(stream, e.getMessage()));
            }
        }
        return new Result(dryRun, expired, held, failed);
    }

    private List<String> streams() {
        return database.read(connection -> {
            List<String> result = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT DISTINCT stream FROM audit_events WHERE stream IS NOT NULL ORDER BY stream");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(rows.getString(1));
                }
            }
            return result;
        });
    }

    /** Where the stream's remaining events start: after its last retention record, or at seq 1. */
    private record Start(long afterSeq, String afterHash) {}

    /** The longest expirable prefix of the stream's remaining events, ending at a validly signed checkpoint. */
    private Optional<Expiry> plan(String stream, Instant now, List<LegalHolds.Hold> holdsNow, List<Held> held) {
        return database.read(connection -> {
            Start start = start(connection, stream);
            TreeMap<Long, Checkpoint> checkpoints = signedCheckpoints(connection, stream, start.afterSeq());
            if (checkpoints.isEmpty()) {
                return Optional.<Expiry>empty();
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
                            held.add(new Held(stream, seq, hold.get().describe(), hold.get().id()));
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

        Optional<Expiry> expiry(String stream, Instant now) {
            if (closedAt == null) {
                return Optional.empty();
            }
            long first = start.afterSeq() + 1;
            RetentionRecord unsigned = new RetentionRecord(stream, first, closedAt.seq(), firstPrev, closedAt.head(),
                    closedRule.describe(), now, closedAt, null);
            return Optional.of(new Expiry(stream, first, closedAt.seq(), closedRule.describe(), unsigned));
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

    /** Who uploaded the stream's last expired event: the stream stays theirs after its events are gone. */
    private static String owner(Connection connection, Expiry expiry) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT received_by FROM audit_events WHERE stream = ? AND seq = ?")) {
            statement.setString(1, expiry.stream());
            statement.setLong(2, expiry.last());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("event " + expiry.last() + " of stream " + expiry.stream() + " is gone; nothing was removed");
                }
                return rows.getString(1);
            }
        }
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

    /** Removes the segment's events and checkpoints and stores its signed record, all or nothing. */
    private RetentionRecord apply(Expiry expiry, List<LegalHolds.Hold> holdsSeen) {
        RetentionRecord record = signer.sign(expiry.record());
        return database.transaction(connection -> {
            List<String> seen = holdsSeen.stream().map(LegalHolds.Hold::id).toList();
            List<String> current = LegalHolds.list(connection, null).stream().map(LegalHolds.Hold::id).toList();
            if (!seen.equals(current)) {
                throw new IllegalStateException("the legal holds changed while expiring; the next run decides again");
            }
            String owner = owner(connection, expiry);
            long removed;
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM audit_events WHERE stream = ? AND seq BETWEEN ? AND ?")) {
                statement.setString(1, expiry.stream());
                statement.setLong(2, expiry.first());
                statement.setLong(3, expiry.last());
                removed = statement.executeUpdate();
            }
            if (removed != record.count()) {
                throw new IllegalStateException("stream " + expiry.stream() + " changed while expiring (" + removed + " events found for "
                        + record.count() + "); nothing was removed");
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "DELETE FROM audit_checkpoints WHERE stream = ? AND seq <= ?")) {
                statement.setString(1, expiry.stream());
                statement.setLong(2, expiry.last());
                statement.executeUpdate();
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO audit_retention (stream, first_seq, last_seq, last_hash, body, expired_at, received_by) "
                            + "VALUES (?,?,?,?,?,?,?)")) {
                statement.setString(1, record.stream());
                statement.setLong(2, record.first());
                statement.setLong(3, record.last());
                statement.setString(4, record.lastHash());
                statement.setString(5, record.toJson());
                statement.setLong(6, Times.micros(record.expiredAt()));
                statement.setString(7, owner);
                statement.executeUpdate();
            }
            return record;
        });
    }
}
