package dev.governed.service.audit;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.HashChain;
import dev.governed.service.store.Database;
import dev.governed.service.store.StorageException;
import dev.governed.service.store.Times;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Stores audit events idempotently by id and answers chain, query and export questions over them.
 * Several service instances may write to one database: a unique id decides races, and chain
 * continuity is judged on what is stored, whatever order the events arrived in.
 */
public final class AuditStore {
    private static final int MAX_LISTED = 100;

    private final Database database;
    private final Clock clock;
    private final WitnessStore witness;

    public AuditStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
        this.witness = new WitnessStore(database, clock);
    }

    /** The latest checkpoint per stream, kept apart from the trail it vouches for. */
    public WitnessStore witness() {
        return witness;
    }

    /**
     * The streams among {@code streams} that already hold events uploaded by someone other than {@code uploader}:
     * a stream belongs to the identity whose process writes it, so nobody else can fork or pad it.
     */
    public List<String> streamsOwnedByOthers(java.util.Set<String> streams, String uploader) {
        if (streams.isEmpty()) {
            return List.of();
        }
        List<String> all = List.copyOf(streams);
        return database.read(connection -> {
            List<String> result = new ArrayList<>();
            for (int from = 0; from < all.size(); from += 500) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                // a stream whose stored events all expired still belongs to its writer
                try (PreparedStatement statement = connection.prepareStatement("SELECT stream FROM audit_events WHERE stream IN ("
                        + marks + ") AND received_by <> ? UNION SELECT stream FROM audit_retention WHERE stream IN (" + marks
                        + ") AND received_by <> ?")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setString(i + 1, chunk.get(i));
                        statement.setString(chunk.size() + 2 + i, chunk.get(i));
                    }
                    statement.setString(chunk.size() + 1, uploader);
                    statement.setString(2 * chunk.size() + 2, uploader);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            result.add(rows.getString(1));
                        }
                    }
                }
            }
            return result;
        });
    }

    /** A checkpoint and what its signature check found ({@link CheckpointSignatures}). */
    public record CheckedCheckpoint(Checkpoint checkpoint, String signature) {}

    public IngestResult ingest(List<IncomingEvent> events, List<CheckedCheckpoint> checkpoints, String receivedBy) {
        Map<String, IncomingEvent> byId = new LinkedHashMap<>();
        List<String> conflicts = new ArrayList<>();
        int duplicates = 0;
        for (IncomingEvent each : events) {
            IncomingEvent earlier = byId.putIfAbsent(each.event().id(), each);
            if (earlier != null) {
                if (earlier.body().equals(each.body())) {
                    duplicates++;
                } else {
                    conflicts.add(each.event().id());
                }
            }
        }
        Map<String, String> stored = existing(byId.keySet());
        Map<String, Long> expired = new HashMap<>();
        List<IncomingEvent> fresh = new ArrayList<>();
        for (IncomingEvent each : byId.values()) {
            String body = stored.get(each.event().id());
            if (isExpired(each.event().chain(), expired)) {
                duplicates++; // delivered again after retention removed it: storing it would fork the stream
            } else if (body == null) {
                fresh.add(each);
            } else if (body.equals(each.body())) {
                duplicates++;
            } else {
                conflicts.add(each.event().id());
            }
        }
        int[] outcome = insert(fresh, receivedBy);
        duplicates += outcome[1];
        int storedCheckpoints = storeCheckpoints(checkpoints.stream()
                .filter(c -> c.checkpoint().seq() > expiredThrough(c.checkpoint().stream(), expired)).toList());
        List<String> invalid = fresh.stream().filter(e -> !e.hashValid()).map(e -> e.event().id()).toList();
        List<String> badSignatures = checkpoints.stream().filter(c -> CheckpointSignatures.INVALID.equals(c.signature()))
                .map(c -> c.checkpoint().stream() + "#" + c.checkpoint().seq()).toList();
        return new IngestResult(outcome[0], duplicates, conflicts, invalid, gaps(fresh), storedCheckpoints, badSignatures);
    }

    private boolean isExpired(AuditEvent.Chain chain, Map<String, Long> expired) {
        return chain != null && chain.stream() != null && chain.seq() <= expiredThrough(chain.stream(), expired);
    }

    private long expiredThrough(String stream, Map<String, Long> known) {
        return known.computeIfAbsent(stream, s -> expiredThrough(s));
    }

    /** The last seq of {@code stream} that retention removed; 0 when none was. */
    public long expiredThrough(String stream) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT MAX(last_seq) FROM audit_retention WHERE stream = ?")) {
                statement.setString(1, stream);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? rows.getLong(1) : 0L;
                }
            }
        });
    }

    /** The hash of the last event a retention record removed at exactly {@code seq}, or null. */
    private static String expiredHash(Connection connection, String stream, long seq) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT last_hash FROM audit_retention WHERE stream = ? AND last_seq = ?")) {
            statement.setString(1, stream);
            statement.setLong(2, seq);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** Stored retention records, of one stream or of all (null), in stream and seq order. */
    public void forEachRetention(String stream, Consumer<String> each) {
        database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT body FROM audit_retention"
                    + (stream == null ? "" : " WHERE stream = ?") + " ORDER BY stream, first_seq")) {
                if (stream != null) {
                    statement.setString(1, stream);
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        each.accept(rows.getString(1));
                    }
                }
            }
            return null;
        });
    }

    private Map<String, String> existing(java.util.Collection<String> ids) {
        Map<String, String> result = new HashMap<>();
        List<String> all = List.copyOf(ids);
        database.read(connection -> {
            for (int from = 0; from < all.size(); from += 500) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement statement = connection.prepareStatement("SELECT id, body FROM audit_events WHERE id IN (" + marks + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        statement.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            result.put(rows.getString(1), rows.getString(2));
                        }
                    }
                }
            }
            return null;
        });
        return result;
    }

    /** Inserts in one transaction; if another instance stored one of the ids meanwhile, falls back to one by one. */
    private int[] insert(List<IncomingEvent> fresh, String receivedBy) {
        if (fresh.isEmpty()) {
            return new int[] {0, 0};
        }
        long now = Times.micros(clock.instant());
        try {
            database.transaction(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                    for (IncomingEvent each : fresh) {
                        bind(statement, each, now, receivedBy);
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
                return null;
            });
            return new int[] {fresh.size(), 0};
        } catch (StorageException e) {
            if (!(e.getCause() instanceof SQLException sql) || !isDuplicate(sql)) {
                throw e;
            }
        }
        int accepted = 0;
        int duplicates = 0;
        for (IncomingEvent each : fresh) {
            boolean inserted = database.read(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
                    bind(statement, each, now, receivedBy);
                    statement.executeUpdate();
                    return true;
                } catch (SQLException e) {
                    if (isDuplicate(e)) {
                        return false;
                    }
                    throw e;
                }
            });
            if (inserted) {
                accepted++;
            } else {
                duplicates++;
            }
        }
        return new int[] {accepted, duplicates};
    }

    private static boolean isDuplicate(SQLException e) {
        for (SQLException each = e; each != null; each = each.getNextException()) {
            if (StorageException.isDuplicateKey(each)) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && StorageException.isDuplicateKey(cause);
    }

    private static final String INSERT = "INSERT INTO audit_events (id, stream, seq, prev_hash, hash, hash_valid, event_time, subject, "
            + "resource_name, effect, action_kind, body, received_at, received_by, session_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private static void bind(PreparedStatement statement, IncomingEvent incoming, long now, String receivedBy) throws SQLException {
        AuditEvent event = incoming.event();
        AuditEvent.Chain chain = event.chain();
        statement.setString(1, event.id());
        statement.setString(2, chain == null ? null : chain.stream());
        if (chain == null) {
            statement.setNull(3, java.sql.Types.BIGINT);
        } else {
            statement.setLong(3, chain.seq());
        }
        statement.setString(4, chain == null ? null : chain.prev());
        statement.setString(5, chain == null ? null : chain.hash());
        statement.setBoolean(6, incoming.hashValid());
        statement.setLong(7, Times.micros(event.time()));
        statement.setString(8, event.actor() == null ? null : event.actor().subject());
        statement.setString(9, event.resource() == null ? null : event.resource().name());
        statement.setString(10, event.decision() == null ? null : event.decision().effect());
        statement.setString(11, event.action() == null ? null : event.action().kind());
        statement.setString(12, incoming.body());
        statement.setLong(13, now);
        statement.setString(14, receivedBy);
        String session = event.session() == null ? null : event.session().id();
        statement.setString(15, session != null && session.length() <= 64 ? session : null);
    }

    private int storeCheckpoints(List<CheckedCheckpoint> checkpoints) {
        int result = 0;
        long now = Times.micros(clock.instant());
        for (CheckedCheckpoint checked : checkpoints) {
            Checkpoint each = checked.checkpoint();
            boolean inserted = database.read(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO audit_checkpoints (stream, seq, head, body, received_at, signature) VALUES (?,?,?,?,?,?)")) {
                    statement.setString(1, each.stream());
                    statement.setLong(2, each.seq());
                    statement.setString(3, each.head());
                    statement.setString(4, each.toJson());
                    statement.setLong(5, now);
                    statement.setString(6, checked.signature());
                    statement.executeUpdate();
                    return true;
                } catch (SQLException e) {
                    if (StorageException.isDuplicateKey(e)) {
                        return false;
                    }
                    throw e;
                }
            });
            result += inserted ? 1 : 0;
        }
        return result;
    }

    /** Each new event whose predecessor in its stream is missing, or whose prev is not that predecessor's hash. */
    private List<IngestResult.Gap> gaps(List<IncomingEvent> fresh) {
        Map<String, List<AuditEvent>> byStream = new TreeMap<>();
        for (IncomingEvent each : fresh) {
            if (each.event().chain() != null) {
                byStream.computeIfAbsent(each.event().chain().stream(), k -> new ArrayList<>()).add(each.event());
            }
        }
        List<IngestResult.Gap> result = new ArrayList<>();
        byStream.forEach((stream, streamEvents) -> {
            long min = streamEvents.stream().mapToLong(e -> e.chain().seq()).min().orElse(1);
            long max = streamEvents.stream().mapToLong(e -> e.chain().seq()).max().orElse(1);
            Map<Long, String> hashes = database.read(connection -> {
                Map<Long, String> found = new HashMap<>();
                String expiredHead = expiredHash(connection, stream, min - 1);
                if (expiredHead != null) {
                    found.put(min - 1, expiredHead);
                }
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT seq, hash FROM audit_events WHERE stream = ? AND seq BETWEEN ? AND ?")) {
                    statement.setString(1, stream);
                    statement.setLong(2, min - 1);
                    statement.setLong(3, max);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            found.putIfAbsent(rows.getLong(1), rows.getString(2));
                        }
                    }
                }
                return found;
            });
            for (AuditEvent each : streamEvents) {
                long seq = each.chain().seq();
                if (seq == 1 || result.size() >= MAX_LISTED) {
                    continue;
                }
                String before = hashes.get(seq - 1);
                if (before == null) {
                    result.add(new IngestResult.Gap(stream, seq, each.id(), "missing-predecessor",
                            "seq " + (seq - 1) + " of stream " + stream + " has not been received"));
                } else if (!before.equals(each.chain().prev())) {
                    result.add(new IngestResult.Gap(stream, seq, each.id(), "broken-link",
                            "prev does not equal the hash of seq " + (seq - 1) + "; an event was changed, removed or inserted"));
                }
            }
        });
        return result;
    }

    /** One page of events matching {@code filter} after position {@code after}, in store order. */
    public List<StoredEvent> query(AuditFilter filter, long after, int limit) {
        List<Object> parameters = new ArrayList<>();
        String where = where(filter, parameters);
        String sql = "SELECT pos, id, body, hash_valid FROM audit_events WHERE pos > ?" + where + " ORDER BY pos LIMIT " + limit;
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setLong(1, after);
                for (int i = 0; i < parameters.size(); i++) {
                    statement.setObject(i + 2, parameters.get(i));
                }
                List<StoredEvent> result = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        result.add(new StoredEvent(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getBoolean(4)));
                    }
                }
                return result;
            }
        });
    }

    /** Every matching event, page by page, so an export of any size holds one page in memory. */
    public void forEach(AuditFilter filter, Consumer<StoredEvent> each) {
        long after = 0;
        while (true) {
            List<StoredEvent> page = query(filter, after, 1000);
            page.forEach(each);
            if (page.size() < 1000) {
                return;
            }
            after = page.get(page.size() - 1).position();
        }
    }

    private static String where(AuditFilter filter, List<Object> parameters) {
        StringBuilder result = new StringBuilder();
        condition(result, parameters, "subject = ?", filter.subject());
        condition(result, parameters, "resource_name = ?", filter.resource());
        condition(result, parameters, "effect = ?", filter.decision());
        condition(result, parameters, "stream = ?", filter.stream());
        condition(result, parameters, "action_kind = ?", filter.kind());
        condition(result, parameters, "session_id = ?", filter.session());
        condition(result, parameters, "event_time >= ?", filter.from() == null ? null : Times.micros(filter.from()));
        condition(result, parameters, "event_time < ?", filter.to() == null ? null : Times.micros(filter.to()));
        // the id is letters, digits and dashes (checked by AuditFilter), so it cannot act as a LIKE wildcard
        condition(result, parameters, "body LIKE ?", filter.approval() == null ? null : "%\"approval\":\"" + filter.approval() + "\"%");
        return result.toString();
    }

    private static void condition(StringBuilder sql, List<Object> parameters, String clause, Object value) {
        if (value != null) {
            sql.append(" AND ").append(clause);
            parameters.add(value);
        }
    }

    /** Stored checkpoint lines, of one stream or of all (null), in stream and seq order. */
    public void forEachCheckpoint(String stream, Consumer<String> each) {
        database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT body FROM audit_checkpoints"
                    + (stream == null ? "" : " WHERE stream = ?") + " ORDER BY stream, seq")) {
                if (stream != null) {
                    statement.setString(1, stream);
                }
                statement.setFetchSize(1000);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        each.accept(rows.getString(1));
                    }
                }
            }
            return null;
        });
    }

    /** Streams known to the store with their event counts. */
    public Map<String, Long> streams() {
        return database.read(connection -> {
            Map<String, Long> result = new TreeMap<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT stream, COUNT(*) FROM audit_events WHERE stream IS NOT NULL GROUP BY stream");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.put(rows.getString(1), rows.getLong(2));
                }
            }
            return result;
        });
    }

    /** The chain status of {@code stream}, judged over every stored event of it in seq order. */
    public ChainStatus status(String stream) {
        return database.read(connection -> chainStatus(connection, stream));
    }

    private static ChainStatus chainStatus(Connection connection, String stream) throws SQLException {
        long count = 0;
        long first = 0;
        long last = 0;
        String head = null;
        String startsAfter = null;
        long expiredThrough = 0;
        List<String> missing = new ArrayList<>();
        List<Long> broken = new ArrayList<>();
        List<Long> invalid = new ArrayList<>();
        List<Long> forks = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT seq, prev_hash, hash, hash_valid FROM audit_events WHERE stream = ? ORDER BY seq, pos")) {
            statement.setString(1, stream);
            statement.setFetchSize(1000);
            try (ResultSet rows = statement.executeQuery()) {
                long previousSeq = 0;
                String previousHash = null;
                while (rows.next()) {
                    long seq = rows.getLong(1);
                    String prev = rows.getString(2);
                    String hash = rows.getString(3);
                    count++;
                    if (count == 1) {
                        first = seq;
                        String expiredHead = seq > 1 ? expiredHash(connection, stream, seq - 1) : null;
                        if (expiredHead != null) {
                            expiredThrough = seq - 1;
                            if (!expiredHead.equals(prev)) {
                                addLimited(broken, seq);
                            }
                        } else if (seq > 1) {
                            addLimited(missing, seq == 2 ? "1" : "1-" + (seq - 1));
                        }
                        if (!HashChain.GENESIS.equals(prev) && expiredHead == null) {
                            startsAfter = prev;
                        }
                    } else if (seq == previousSeq) {
                        addLimited(forks, seq);
                        continue;
                    } else if (seq > previousSeq + 1) {
                        addLimited(missing, seq == previousSeq + 2 ? String.valueOf(previousSeq + 1) : (previousSeq + 1) + "-" + (seq - 1));
                    } else if (!previousHash.equals(prev)) {
                        addLimited(broken, seq);
                    }
                    if (!rows.getBoolean(4)) {
                        addLimited(invalid, seq);
                    }
                    previousSeq = seq;
                    previousHash = hash;
                    last = seq;
                    head = hash;
                }
            }
        }
        ChainStatus.Checkpoint checkpoint = lastCheckpoint(connection, stream);
        boolean intact = count > 0 && missing.isEmpty() && broken.isEmpty() && invalid.isEmpty() && forks.isEmpty()
                && (checkpoint == null || (checkpoint.matches() && !CheckpointSignatures.INVALID.equals(checkpoint.signature())));
        return new ChainStatus(stream, count, first, last, head, startsAfter, intact, missing, broken, invalid, forks, checkpoint,
                expiredThrough);
    }

    private static ChainStatus.Checkpoint lastCheckpoint(Connection connection, String stream) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT c.seq, c.head, c.signature, e.hash FROM audit_checkpoints c LEFT JOIN audit_events e ON e.stream = c.stream AND e.seq = c.seq "
                        + "WHERE c.stream = ? ORDER BY c.seq DESC LIMIT 1")) {
            statement.setString(1, stream);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                return new ChainStatus.Checkpoint(rows.getLong(1), rows.getString(2), rows.getString(2).equals(rows.getString(4)),
                        rows.getString(3));
            }
        }
    }

    private static <T> void addLimited(List<T> list, T value) {
        if (list.size() < MAX_LISTED) {
            list.add(value);
        }
    }
}
