package dev.governed.service.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.policy.PolicyDocument;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.PolicyException;
import dev.governed.service.store.Database;
import dev.governed.service.store.StorageException;
import dev.governed.service.store.Times;
import dev.governed.service.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Policy documents by version, validated strictly before anything is stored, and which one is active.
 * A version number names one content forever: re-uploading it unchanged is a no-op, changed is a conflict.
 * Each instance caches the active version for a short TTL (so activations reach every instance within it)
 * and parsed documents by version (immutable).
 */
public final class PolicyStore {
    private static final String ACTIVE = "active";

    private final Database database;
    private final Clock clock;
    private final Cache<String, OptionalLong> activeVersion;
    private final Cache<Long, PolicyDocument> documents = Caffeine.newBuilder().maximumSize(64).build();

    public PolicyStore(Database database, Clock clock, Duration activeCacheTtl) {
        this.database = database;
        this.clock = clock;
        this.activeVersion = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(activeCacheTtl).build();
    }

    /** The outcome of an upload: the stored version and whether this call created it. */
    public record Upload(PolicyVersion version, boolean created) {}

    /** Validates and stores {@code text}; a document that does not validate is a 400 naming the problem. */
    public Upload upload(String text, String format, String uploadedBy) {
        PolicyDocument document;
        try {
            document = PolicyDocuments.parse(text, "upload by " + uploadedBy);
        } catch (PolicyException e) {
            throw new ApiException(400, "invalid_policy", e.getMessage());
        }
        String sha = sha256(text);
        Optional<PolicyVersion> existing = version(document.version());
        if (existing.isPresent()) {
            return sameOrConflict(existing.get(), sha);
        }
        boolean inserted = database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO policies (version, document, source, format, sha256, uploaded_by, uploaded_at) VALUES (?,?,?,?,?,?,?)")) {
                statement.setLong(1, document.version());
                statement.setString(2, PolicyDocuments.toJson(document));
                statement.setString(3, text);
                statement.setString(4, format);
                statement.setString(5, sha);
                statement.setString(6, uploadedBy);
                statement.setLong(7, Times.micros(clock.instant()));
                statement.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (StorageException.isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        });
        PolicyVersion stored = version(document.version()).orElseThrow();
        return inserted ? new Upload(stored, true) : sameOrConflict(stored, sha);
    }

    private static Upload sameOrConflict(PolicyVersion existing, String sha) {
        if (existing.sha256().equals(sha)) {
            return new Upload(existing, false);
        }
        throw ApiException.conflict("policy version " + existing.version() + " was already uploaded with different content (by "
                + existing.uploadedBy() + "); a version number names one document forever, so raise 'version' in the document");
    }

    public List<PolicyVersion> versions() {
        long active = activeVersionNow().orElse(-1);
        return database.read(connection -> {
            List<PolicyVersion> result = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT version, sha256, format, uploaded_by, uploaded_at FROM policies ORDER BY version");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(row(rows, active));
                }
            }
            return result;
        });
    }

    public Optional<PolicyVersion> version(long version) {
        long active = activeVersionNow().orElse(-1);
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT version, sha256, format, uploaded_by, uploaded_at FROM policies WHERE version = ?")) {
                statement.setLong(1, version);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(row(rows, active)) : Optional.empty();
                }
            }
        });
    }

    private static PolicyVersion row(ResultSet rows, long active) throws SQLException {
        long version = rows.getLong(1);
        return new PolicyVersion(version, rows.getString(2), rows.getString(3), rows.getString(4), Times.instant(rows.getLong(5)),
                version == active);
    }

    /** The text as uploaded (YAML or JSON). */
    public Optional<String> source(long version) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT source FROM policies WHERE version = ?")) {
                statement.setLong(1, version);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** The validated document of {@code version}; cached, documents never change. */
    public Optional<PolicyDocument> document(long version) {
        PolicyDocument cached = documents.getIfPresent(version);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<String> json = database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT document FROM policies WHERE version = ?")) {
                statement.setLong(1, version);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
                }
            }
        });
        Optional<PolicyDocument> result = json.map(text -> PolicyDocuments.parse(text, "stored policy version " + version));
        result.ifPresent(document -> documents.put(version, document));
        return result;
    }

    /** The active version as this instance last saw it (at most the cache TTL old). */
    public OptionalLong activeVersion() {
        return activeVersion.get(ACTIVE, key -> activeVersionNow());
    }

    private OptionalLong activeVersionNow() {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT active_version FROM policy_activation WHERE id = 1");
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        });
    }

    /** Makes {@code version} the active one; {@code kind} is activate or rollback (for the log). */
    public void activate(long version, String by, String kind) {
        if (version(version).isEmpty()) {
            throw ApiException.notFound("policy version " + version + " has not been uploaded; see GET /v1/policies");
        }
        long now = Times.micros(clock.instant());
        try {
            record(version, by, kind, now);
        } catch (StorageException e) {
            // Two instances making the very first activation at once: one insert loses; the retry updates.
            if (!(e.getCause() instanceof SQLException sql) || !StorageException.isDuplicateKey(sql)) {
                throw e;
            }
            record(version, by, kind, now);
        }
        activeVersion.invalidateAll();
    }

    private void record(long version, String by, String kind, long now) {
        database.transaction(connection -> {
            setActive(connection, version, by, now);
            try (PreparedStatement log = connection.prepareStatement(
                    "INSERT INTO policy_activation_log (version, activated_by, activated_at, kind) VALUES (?,?,?,?)")) {
                log.setLong(1, version);
                log.setString(2, by);
                log.setLong(3, now);
                log.setString(4, kind);
                log.executeUpdate();
            }
            return null;
        });
    }

    private static void setActive(Connection connection, long version, String by, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE policy_activation SET active_version = ?, activated_by = ?, activated_at = ? WHERE id = 1")) {
            update.setLong(1, version);
            update.setString(2, by);
            update.setLong(3, now);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO policy_activation (id, active_version, activated_by, activated_at) VALUES (1,?,?,?)")) {
            insert.setLong(1, version);
            insert.setString(2, by);
            insert.setLong(3, now);
            insert.executeUpdate();
        }
    }

    /**
     * The version a rollback returns to: activations form a stack (re-activating the active version adds
     * nothing), each rollback pops one, so repeated rollbacks walk back through history rather than toggle.
     */
    public OptionalLong previousVersion() {
        return database.read(connection -> {
            java.util.ArrayDeque<Long> stack = new java.util.ArrayDeque<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT version, kind FROM policy_activation_log ORDER BY seq");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long version = rows.getLong(1);
                    if ("rollback".equals(rows.getString(2))) {
                        stack.poll();
                        if (stack.isEmpty() || stack.peek() != version) {
                            stack.push(version);
                        }
                    } else if (stack.isEmpty() || stack.peek() != version) {
                        stack.push(version);
                    }
                }
            }
            if (stack.size() < 2) {
                return OptionalLong.empty();
            }
            stack.pop();
            return OptionalLong.of(stack.peek());
        });
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
