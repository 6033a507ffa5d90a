package dev.governed.service.audit;

import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.RetentionRecord;
import dev.governed.service.store.Database;
import dev.governed.service.store.StorageException;
import dev.governed.service.store.Times;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final ExpiryPlanner planner;

    public RetentionExpiry(Database database, RetentionRules rules, LegalHolds holds, CheckpointSigner signer, Clock clock) {
        this.database = database;
        this.planner = new ExpiryPlanner(database, rules);
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
            Optional<Expiry> plan = planner.plan(stream, now, holdsNow, held);
            if (plan.isEmpty()) {
                continue;
            }
            if (dryRun) {
                expired.add(plan.get());
                continue;
            }
            try {
                RetentionRecord record;
                synchronized (holds) { // no hold can be placed between apply's last look at the holds and its commit
                    record = apply(plan.get(), holdsNow);
                }
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

    /** Removes the segment's events and checkpoints and stores its signed record, all or nothing. */
    private RetentionRecord apply(Expiry expiry, List<LegalHolds.Hold> holdsSeen) {
        RetentionRecord record = signer.sign(expiry.record());
        return database.transaction(connection -> {
            if (database.isPostgres()) {
                // Another service instance on this database may be placing a hold: SHARE mode waits for its insert to
                // commit (and blocks new ones until this commits), so the look below sees every hold placed before.
                try (Statement lock = connection.createStatement()) {
                    lock.execute("LOCK TABLE audit_holds IN SHARE MODE");
                }
            }
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
