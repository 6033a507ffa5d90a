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

    /** Creates or replaces {@code name}; {@code sealedPassword} is already encrypted (or null). */
    public void put(String name, String url, String user, String sealedPassword, Set<String> subjects, Set<String> groups, String by,
                    Instant at) {
        database.transaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM connection_profiles WHERE name = ?")) {
                delete.setString(1, name);
                delete.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO connection_profiles (name, jdbc_url, username, secret, "
                    + "allowed_subjects, allowed_groups, updated_by, updated_at) VALUES (?,?,?,?,?,?,?,?)")) {
                insert.setString(1, name);
                insert.setString(2, url);
                insert.setString(3, user);
                insert.setString(4, sealedPassword);
                insert.setString(5, Json.write(subjects.stream().sorted().toList()));
                insert.setString(6, Json.write(groups.stream().sorted().toList()));
                insert.setString(7, by);
                insert.setLong(8, Times.micros(at));
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
            + "updated_at FROM connection_profiles";

    private static ConnectionProfile row(ResultSet rows) throws SQLException {
        return new ConnectionProfile(rows.getString(1), rows.getString(2), rows.getString(3), rows.getBoolean(4), strings(rows.getString(5)),
                strings(rows.getString(6)), rows.getString(7), Times.instant(rows.getLong(8)));
    }

    private static Set<String> strings(String json) {
        try {
            return new LinkedHashSet<>(Json.mapper().readValue(json, new TypeReference<List<String>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored list is not JSON: " + json, e);
        }
    }
}
