package dev.governed.service.audit;

import dev.governed.service.store.Database;
import dev.governed.service.store.Times;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Legal holds on the audit trail: while a hold matches an event (every event, or by resource name, environment or
 * stream), retention never expires the segment that holds it. Set and released by administrators only.
 */
public final class LegalHolds {
    public static final Set<String> SCOPES = Set.of("all", "resource", "environment", "stream");

    /** One hold; {@code value} is null for scope {@code all}. */
    public record Hold(String id, String scope, String value, String reason, String createdBy, Instant createdAt) {
        boolean matches(String stream, String resource, String environment) {
            return switch (scope) {
                case "all" -> true;
                case "resource" -> value.equals(resource);
                case "environment" -> value.equals(environment);
                case "stream" -> value.equals(stream);
                default -> true; // a scope this version does not know holds everything rather than nothing
            };
        }

        String describe() {
            return value == null ? scope : scope + "=" + value;
        }
    }

    private final Database database;
    private final Clock clock;

    public LegalHolds(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Synchronized with {@link RetentionExpiry}'s expiry of a segment (which holds this object's lock from its last
     * look at the holds to its commit), so a hold placed meanwhile is never missed by this service.
     *
     * @throws IllegalArgumentException saying what to give when scope, value or reason is missing or unknown
     */
    public synchronized Hold add(String scope, String value, String reason, String by) {
        if (scope == null || !SCOPES.contains(scope)) {
            throw new IllegalArgumentException("'scope' must be one of all, resource, environment or stream, was " + scope);
        }
        if (scope.equals("all") != (value == null || value.isBlank())) {
            throw new IllegalArgumentException(scope.equals("all") ? "a hold on all events takes no 'value'"
                    : "a hold on a " + scope + " needs 'value': the " + scope + " name or id");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("'reason' is required: say why the events are held, e.g. the case or matter number");
        }
        Hold hold = new Hold(UUID.randomUUID().toString(), scope, scope.equals("all") ? null : value.trim(), reason.trim(), by,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO audit_holds (id, scope, match_value, reason, created_by, created_at) VALUES (?,?,?,?,?,?)")) {
                statement.setString(1, hold.id());
                statement.setString(2, hold.scope());
                statement.setString(3, hold.value());
                statement.setString(4, hold.reason());
                statement.setString(5, hold.createdBy());
                statement.setLong(6, Times.micros(hold.createdAt()));
                return statement.executeUpdate();
            }
        });
        return hold;
    }

    /** Removes the hold; empty when there was none with this id. */
    public Optional<Hold> release(String id) {
        return database.transaction(connection -> {
            Optional<Hold> found = list(connection, id).stream().findFirst();
            if (found.isPresent()) {
                try (PreparedStatement statement = connection.prepareStatement("DELETE FROM audit_holds WHERE id = ?")) {
                    statement.setString(1, id);
                    statement.executeUpdate();
                }
            }
            return found;
        });
    }

    public List<Hold> list() {
        return database.read(connection -> list(connection, null));
    }

    /** The holds as seen inside {@code connection}'s transaction, so expiry and a new hold cannot pass each other. */
    static List<Hold> list(java.sql.Connection connection, String id) throws java.sql.SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, scope, match_value, reason, created_by, created_at FROM audit_holds"
                        + (id == null ? "" : " WHERE id = ?") + " ORDER BY created_at, id")) {
            if (id != null) {
                statement.setString(1, id);
            }
            List<Hold> result = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(new Hold(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
                            Times.instant(rows.getLong(6))));
                }
            }
            return result;
        }
    }
}
