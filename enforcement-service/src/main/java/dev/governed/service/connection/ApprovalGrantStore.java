package dev.governed.service.connection;

import dev.governed.service.store.Database;
import dev.governed.service.store.Times;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The approval grants on minted logins; a row exists before its privileges do, so a sweep can always find them. */
final class ApprovalGrantStore {
    private static final String SELECT = "SELECT approval_id, login, connection, privileges, granted_at, until_at, ended_at, end_reason "
            + "FROM approval_grants";

    private final Database database;

    ApprovalGrantStore(Database database) {
        this.database = database;
    }

    /** Records a grant; one that ended before (a decision that failed and is retried) makes way for it. */
    void insert(ApprovalGrant grant) {
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM approval_grants WHERE approval_id = ? AND ended_at IS NOT NULL")) {
                delete.setString(1, grant.approvalId());
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO approval_grants (approval_id, login, connection, "
                    + "privileges, summary, granted_at, until_at) VALUES (?,?,?,?,?,?,?)")) {
                insert.setString(1, grant.approvalId());
                insert.setString(2, grant.login());
                insert.setString(3, grant.connection());
                insert.setString(4, grant.privileges().json());
                insert.setString(5, grant.privileges().summary());
                insert.setLong(6, Times.micros(grant.grantedAt()));
                insert.setLong(7, Times.micros(grant.until()));
                insert.executeUpdate();
            }
            return null;
        });
    }

    Optional<ApprovalGrant> find(String approvalId) {
        List<ApprovalGrant> found = select(" WHERE approval_id = ?", approvalId, 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Grants still held, oldest first; bounded so one sweep does a bounded amount of work. */
    List<ApprovalGrant> live(int limit) {
        return select(" WHERE ended_at IS NULL ORDER BY granted_at", null, limit);
    }

    /** The privileges still held by {@code login} through approvals. */
    List<ApprovalPrivileges> liveOf(String login) {
        return select(" WHERE ended_at IS NULL AND login = ? ORDER BY granted_at", login, 1000).stream()
                .map(ApprovalGrant::privileges).toList();
    }

    /** Claims the end of a grant: true for exactly one caller, even across service instances. */
    boolean claimEnd(String approvalId, Instant at, String why) {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE approval_grants SET ended_at = ?, end_reason = ? WHERE approval_id = ? AND ended_at IS NULL")) {
                update.setLong(1, Times.micros(at));
                update.setString(2, why);
                update.setString(3, approvalId);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Gives a claimed end back after revoking failed, so the next sweep tries again. */
    void releaseEnd(String approvalId) {
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE approval_grants SET ended_at = NULL, end_reason = NULL WHERE approval_id = ?")) {
                update.setString(1, approvalId);
                update.executeUpdate();
            }
            return null;
        });
    }

    private List<ApprovalGrant> select(String where, String parameter, int limit) {
        return database.read(connection -> {
            List<ApprovalGrant> result = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(SELECT + where)) {
                if (parameter != null) {
                    statement.setString(1, parameter);
                }
                statement.setMaxRows(limit);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        result.add(row(rows));
                    }
                }
            }
            return result;
        });
    }

    private static ApprovalGrant row(ResultSet rows) throws SQLException {
        long ended = rows.getLong(7);
        Instant endedAt = rows.wasNull() ? null : Times.instant(ended);
        return new ApprovalGrant(rows.getString(1), rows.getString(2), rows.getString(3), ApprovalPrivileges.fromJson(rows.getString(4)),
                Times.instant(rows.getLong(5)), Times.instant(rows.getLong(6)), endedAt, rows.getString(8));
    }
}
