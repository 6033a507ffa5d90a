package dev.governed.service.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.governed.service.secret.SecretCipher;
import dev.governed.service.store.Database;
import dev.governed.service.store.Times;
import dev.governed.service.web.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Connection profiles; passwords are sealed with {@link SecretCipher} bound to the profile's name. */
public final class ConnectionStore {
    private final Database database;

    public ConnectionStore(Database database) {
        this.database = database;
    }

    /** How a profile releases credentials, and what policies call its target. */
    public record Settings(ConnectionProfile.Credentials credentials, Duration ttl, String resource, String environment) {}

    /** Creates or replaces {@code name}; {@code sealedPassword} is already encrypted (or null). */
    public void put(String name, String url, String user, String sealedPassword, Settings settings, Set<String> subjects,
                    Set<String> groups, String by, Instant at) {
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM connection_profiles WHERE name = ?")) {
                delete.setString(1, name);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO connection_profiles (name, jdbc_url, username, secret, "
                    + "allowed_subjects, allowed_groups, updated_by, updated_at, credentials, ttl_seconds, policy_resource, environment) "
                    + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                insert.setString(1, name);
                insert.setString(2, url);
                insert.setString(3, user);
                insert.setString(4, sealedPassword);
                insert.setString(5, Json.write(subjects.stream().sorted().toList()));
                insert.setString(6, Json.write(groups.stream().sorted().toList()));
                insert.setString(7, by);
                insert.setLong(8, Times.micros(at));
                insert.setString(9, settings.credentials().key());
                insert.setLong(10, settings.ttl().toSeconds());
                insert.setString(11, settings.resource());
                insert.setString(12, settings.environment());
                insert.executeUpdate();
            }
            return null;
        });
    }

    public boolean delete(String name) {
        return database.read(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM connection_profiles WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate() == 1;
            }
        });
    }

    public Optional<ConnectionProfile> find(String name) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(SELECT + " WHERE name = ?")) {
                statement.setString(1, name);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(row(rows)) : Optional.empty();
                }
            }
        });
    }

    public List<ConnectionProfile> list() {
        return database.read(connection -> {
            List<ConnectionProfile> result = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(SELECT + " ORDER BY name");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(row(rows));
                }
            }
            return result;
        });
    }

    /** The sealed password of {@code name}, if it has one. */
    public Optional<String> sealedPassword(String name) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT secret FROM connection_profiles WHERE name = ?")) {
                statement.setString(1, name);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
                }
            }
        });
    }

    private static final String SELECT = "SELECT name, jdbc_url, username, secret IS NOT NULL, allowed_subjects, allowed_groups, updated_by, "
            + "updated_at, credentials, ttl_seconds, policy_resource, environment FROM connection_profiles";

    private static ConnectionProfile row(ResultSet rows) throws SQLException {
        return new ConnectionProfile(rows.getString(1), rows.getString(2), rows.getString(3), rows.getBoolean(4), rows.getString(9),
                Duration.ofSeconds(rows.getLong(10)).toString(), rows.getString(11), rows.getString(12), strings(rows.getString(5)),
                strings(rows.getString(6)), rows.getString(7), Times.instant(rows.getLong(8)));
    }

    static Set<String> strings(String json) {
        try {
            return new LinkedHashSet<>(Json.mapper().readValue(json, new TypeReference<List<String>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored list is not JSON: " + json, e);
        }
    }
}
