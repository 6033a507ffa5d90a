package dev.governed.service.connection;

import dev.governed.service.store.Database;
import dev.governed.service.store.Times;
import dev.governed.service.web.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The minted logins that still exist on their targets (and, for the record, those already dropped). */
final class LoginStore {
    private static final String SELECT = "SELECT login, connection, subject, groups_json, policy_version, grants, created_at, expires_at, "
            + "revoked_at, dropped_at FROM minted_logins";

    private final Database database;

    LoginStore(Database database) {
        this.database = database;
    }

    void insert(MintedLogin login) {
        database.transaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO minted_logins (login, connection, subject, groups_json, "
                    + "policy_version, grants, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?)")) {
                insert.setString(1, login.login());
                insert.setString(2, login.connection());
                insert.setString(3, login.subject());
                insert.setString(4, Json.write(login.groups().stream().sorted().toList()));
                insert.setLong(5, login.policyVersion());
                insert.setString(6, login.grants());
                insert.setLong(7, Times.micros(login.createdAt()));
                insert.setLong(8, Times.micros(login.expiresAt()));
                insert.executeUpdate();
            }
            return null;
        });
    }

    Optional<MintedLogin> find(String login) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(SELECT + " WHERE login = ?")) {
                statement.setString(1, login);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(row(rows)) : Optional.empty();
                }
            }
        });
    }

    /** Logins not dropped yet, oldest first; bounded so one sweep does a bounded amount of work. */
    List<MintedLogin> live(int limit) {
        return database.read(connection -> {
            List<MintedLogin> result = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(SELECT + " WHERE dropped_at IS NULL ORDER BY created_at")) {
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

    /** Logins of one profile, newest first. */
    List<MintedLogin> ofConnection(String connectionName, int limit) {
        return database.read(connection -> {
            List<MintedLogin> result = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(SELECT + " WHERE connection = ? ORDER BY created_at DESC")) {
                statement.setString(1, connectionName);
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

    void renewed(String login, Instant expiresAt) {
        update("UPDATE minted_logins SET expires_at = ? WHERE login = ? AND dropped_at IS NULL", Times.micros(expiresAt), login);
    }

    void regranted(String login, long policyVersion, String grants) {
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE minted_logins SET policy_version = ?, grants = ? WHERE login = ? AND dropped_at IS NULL")) {
                update.setLong(1, policyVersion);
                update.setString(2, grants);
                update.setString(3, login);
                update.executeUpdate();
            }
            return null;
        });
    }

    boolean revoked(String login, Instant at) {
        return update("UPDATE minted_logins SET revoked_at = ? WHERE login = ? AND revoked_at IS NULL AND dropped_at IS NULL",
                Times.micros(at), login);
    }

    /** Claims the drop of {@code login}: true for exactly one caller, even across service instances. */
    boolean claimDrop(String login, Instant at) {
        return update("UPDATE minted_logins SET dropped_at = ? WHERE login = ? AND dropped_at IS NULL", Times.micros(at), login);
    }

    /** Gives a claimed drop back after it failed, so the next sweep tries again. */
    void releaseDrop(String login) {
        database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE minted_logins SET dropped_at = NULL WHERE login = ?")) {
                update.setString(1, login);
                update.executeUpdate();
            }
            return null;
        });
    }

    private boolean update(String sql, long micros, String login) {
        return database.transaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                update.setLong(1, micros);
                update.setString(2, login);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static MintedLogin row(ResultSet rows) throws SQLException {
        long revoked = rows.getLong(9);
        Instant revokedAt = rows.wasNull() ? null : Times.instant(revoked);
        long dropped = rows.getLong(10);
        Instant droppedAt = rows.wasNull() ? null : Times.instant(dropped);
        return new MintedLogin(rows.getString(1), rows.getString(2), rows.getString(3), ConnectionStore.strings(rows.getString(4)),
                rows.getLong(5), rows.getString(6), Times.instant(rows.getLong(7)), Times.instant(rows.getLong(8)), revokedAt, droppedAt);
    }
}
