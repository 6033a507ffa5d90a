package dev.governed.service.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.governed.service.store.Database;
import dev.governed.service.store.Times;
import dev.governed.service.web.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Approval rows. Every state change is a conditional update on the current status, so two approvers (or two
 * service instances) racing on one request cannot both win.
 */
public final class ApprovalStore {
    private static final String COLUMNS = "id, status, statement, fingerprint, parameter_digest, subject, groups_json, issuer, "
            + "on_behalf_of, resource_name, environment, rule_id, policy_version, approver_groups, mode, window_seconds, created_at, "
            + "expires_at, decided_at, decided_by, reason, grant_until, consumed_at, revoked_at, revoked_by, revoke_reason, request_reason, "
            + "min_approvals, delegation_json, login, touches_json";

    private final Database database;

    public ApprovalStore(Database database) {
        this.database = database;
    }

    public void insert(ApprovalRecord r) {
        database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("INSERT INTO approvals (" + COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                statement.setString(1, r.id());
                statement.setString(2, r.status());
                statement.setString(3, r.statement());
                statement.setString(4, r.fingerprint());
                statement.setString(5, r.parameterDigest());
                statement.setString(6, r.requester().subject());
                statement.setString(7, Json.write(r.requester().groups()));
                statement.setString(8, r.requester().issuer());
                statement.setString(9, r.requester().onBehalfOf());
                statement.setString(10, r.resource());
                statement.setString(11, r.environment());
                statement.setString(12, r.rule());
                statement.setLong(13, r.policyVersion());
                statement.setString(14, Json.write(r.approverGroups().stream().sorted().toList()));
                statement.setString(15, r.mode());
                setLong(statement, 16, r.windowSeconds());
                statement.setLong(17, Times.micros(r.createdAt()));
                statement.setLong(18, Times.micros(r.expiresAt()));
                for (int i = 19; i <= 26; i++) {
                    statement.setNull(i, java.sql.Types.NULL);
                }
                statement.setString(27, r.requestReason());
                statement.setInt(28, r.minApprovals());
                statement.setString(29, Json.write(r.requester().delegation()));
                statement.setString(30, r.login());
                statement.setString(31, Json.write(r.touches()));
                statement.executeUpdate();
                return null;
            }
        });
    }

    public Optional<ApprovalRecord> find(String id) {
        Optional<ApprovalRecord> found = database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM approvals WHERE id = ?")) {
                statement.setString(1, id);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(row(rows)) : Optional.empty();
                }
            }
        });
        return found.map(record -> record.minApprovals() > 1 ? record.withApprovals(votes(record.id())) : record);
    }

    /** Records one approver's approval; false when this approver already approved it. */
    public boolean vote(String id, String approver, String reason, Instant now) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO approval_votes (approval_id, approver, voted_at, reason) VALUES (?, ?, ?, ?)")) {
                statement.setString(1, id);
                statement.setString(2, approver);
                statement.setLong(3, Times.micros(now));
                statement.setString(4, reason);
                return statement.executeUpdate() == 1;
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    return false; // the primary key: this approver already approved
                }
                throw e;
            }
        });
    }

    /** The approvals given so far, oldest first. */
    public List<ApprovalRecord.Vote> votes(String id) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT approver, voted_at, reason FROM approval_votes WHERE approval_id = ? ORDER BY voted_at, approver")) {
                statement.setString(1, id);
                List<ApprovalRecord.Vote> result = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        result.add(new ApprovalRecord.Vote(rows.getString(1), Times.instant(rows.getLong(2)), rows.getString(3)));
                    }
                }
                return result;
            }
        });
    }

    /** The newest requests with this stored status (any status when null), newest first. */
    public List<ApprovalRecord> list(String status, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM approvals" + (status == null ? "" : " WHERE status = ?")
                + " ORDER BY created_at DESC LIMIT " + limit;
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                if (status != null) {
                    statement.setString(1, status);
                }
                List<ApprovalRecord> result = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        result.add(row(rows));
                    }
                }
                return result;
            }
        });
    }

    /**
     * A live request or grant of the same requester for the same statement (or, for window rules, the same rule), asked
     * from the same minted login: an approval's grant belongs to one session, so another session asks afresh.
     */
    public Optional<ApprovalRecord> reusable(String subject, String onBehalfOf, String fingerprint, String parameterDigest, String resource,
                                             String environment, String rule, String login, Instant now) {
        List<ApprovalRecord> candidates = database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS + " FROM approvals WHERE subject = ? "
                    + "AND resource_name = ? AND rule_id = ? AND status IN ('pending', 'approved') ORDER BY created_at DESC LIMIT 50")) {
                statement.setString(1, subject);
                statement.setString(2, resource);
                statement.setString(3, rule);
                List<ApprovalRecord> result = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        result.add(row(rows));
                    }
                }
                return result;
            }
        });
        for (ApprovalRecord each : candidates) {
            String status = each.statusAt(now);
            // A grant made for an agent acting for one user never covers it acting for another.
            boolean sameEnvironment = java.util.Objects.equals(each.environment(), environment)
                    && java.util.Objects.equals(each.requester().onBehalfOf(), onBehalfOf)
                    && java.util.Objects.equals(each.login(), login);
            boolean sameStatement = each.fingerprint().equals(fingerprint) && java.util.Objects.equals(each.parameterDigest(), parameterDigest);
            if (!sameEnvironment) {
                continue;
            }
            if (ApprovalRecord.PENDING.equals(status) && sameStatement) {
                return Optional.of(each);
            }
            if (ApprovalRecord.APPROVED.equals(status) && ("window".equals(each.mode()) || sameStatement)) {
                return Optional.of(each);
            }
        }
        return Optional.empty();
    }

    /** pending → approved or denied, if still pending and not expired; false when someone else got there first. */
    public boolean decide(String id, String status, String by, String reason, Instant now, Instant grantUntil) {
        return update("UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, reason = ?, grant_until = ? "
                + "WHERE id = ? AND status = 'pending' AND expires_at > ?", status, Times.micros(now), by, reason,
                grantUntil == null ? null : Times.micros(grantUntil), id, Times.micros(now));
    }

    /** pending or approved → revoked. */
    public boolean revoke(String id, String by, String reason, Instant now) {
        return update("UPDATE approvals SET status = 'revoked', revoked_at = ?, revoked_by = ?, revoke_reason = ? "
                + "WHERE id = ? AND status IN ('pending', 'approved')", Times.micros(now), by, reason, id);
    }

    /** approved (once, grant still valid) → consumed. */
    public boolean consume(String id, Instant now) {
        return update("UPDATE approvals SET status = 'consumed', consumed_at = ? WHERE id = ? AND status = 'approved' "
                + "AND mode = 'once' AND (grant_until IS NULL OR grant_until > ?)", Times.micros(now), id, Times.micros(now));
    }

    /** Writes the expiry the clock already implies, so listings by status stay truthful. */
    public void markExpired(String id, String fromStatus) {
        update("UPDATE approvals SET status = 'expired' WHERE id = ? AND status = ?", id, fromStatus);
    }

    private boolean update(String sql, Object... parameters) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    if (parameters[i] == null) {
                        statement.setNull(i + 1, java.sql.Types.NULL);
                    } else {
                        statement.setObject(i + 1, parameters[i]);
                    }
                }
                return statement.executeUpdate() == 1;
            }
        });
    }

    private static ApprovalRecord row(ResultSet rows) throws SQLException {
        return new ApprovalRecord(
                rows.getString("id"), rows.getString("status"), rows.getString("statement"), rows.getString("fingerprint"),
                rows.getString("parameter_digest"),
                new ApprovalRecord.Requester(rows.getString("subject"), strings(rows.getString("groups_json")), rows.getString("issuer"),
                        rows.getString("on_behalf_of"), delegation(rows.getString("delegation_json"))),
                rows.getString("resource_name"), rows.getString("environment"), rows.getString("rule_id"), rows.getLong("policy_version"),
                new LinkedHashSet<>(strings(rows.getString("approver_groups"))), rows.getString("mode"), nullableLong(rows, "window_seconds"),
                instant(rows, "created_at"), instant(rows, "expires_at"), instant(rows, "decided_at"), rows.getString("decided_by"),
                rows.getString("reason"), instant(rows, "grant_until"), instant(rows, "consumed_at"), instant(rows, "revoked_at"),
                rows.getString("revoked_by"), rows.getString("revoke_reason"), rows.getString("request_reason"), rows.getInt("min_approvals"),
                List.of(), rows.getString("login"), touches(rows.getString("touches_json")));
    }

    /** Rows written before the chain was kept have none; their subject and onBehalfOf still name the parties. */
    private static List<String> delegation(String json) {
        return json == null ? List.of() : strings(json);
    }

    private static List<ApprovalRecord.Touch> touches(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<List<ApprovalRecord.Touch>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored touches are not JSON: " + json, e);
        }
    }

    private static List<String> strings(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored group list is not JSON: " + json, e);
        }
    }

    private static Long nullableLong(ResultSet rows, String column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : Times.instant(value);
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    static Set<String> overlap(Set<String> a, Set<String> b) {
        Set<String> result = new LinkedHashSet<>(a);
        result.retainAll(b);
        return result;
    }
}
