package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Escape routes PostgreSQL's driver opens: whole-row generated keys, OUT parameters, RETURNING. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaskingPostgresTest {

    private static final PostgresFixture POSTGRES = PostgresFixture.shared();
    MaskingFixture fixture;

    @BeforeAll
    void setUp() throws SQLException {
        POSTGRES.newDatabase("masking_escapes");
        Properties target = new Properties();
        target.setProperty("user", POSTGRES.user());
        target.setProperty("password", POSTGRES.password());
        fixture = new MaskingFixture(POSTGRES.jdbcUrl("masking_escapes"), target);
    }

    @AfterAll
    void tearDown() {
        fixture.close();
    }

    @Test
    void generatedKeysOfAMaskedTableAreMasked() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO people (id, name, ssn) VALUES (7, 'Eve', '777-66-5555')",
                        Statement.RETURN_GENERATED_KEYS)) {
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getInt("id")).isEqualTo(7);
                assertThat(keys.getString("ssn")).isEqualTo("*******5555");
            }
        }
    }

    @Test // on PostgreSQL, which types a CASE before running it; H2 denies this CASE over a masked column
    void aDerivedValueCountsAsMaskedWhenItIsNullSoTheAuditDoesNotTellNullsApart() throws Exception {
        long rows = 0;
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT CASE WHEN ssn LIKE '123-45-6789' THEN 'x' END FROM people ORDER BY id")) {
            while (result.next()) {
                assertThat(result.getString(1)).isNotNull();
                assertThat(result.wasNull()).isFalse();
                rows++;
            }
        }
        List<JsonNode> events = fixture.base.auditEvents();
        JsonNode read = events.get(events.size() - 1);
        assertThat(read.get("masking").get(0).get("values").asLong())
                .as("every row was masked; counting only the one that was not NULL answers the guess").isEqualTo(rows)
                .isGreaterThan(1);
    }

    @Test
    void functionCallWithAnOutParameterIsRefusedWhileMasksApply() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support())) {
            assertThatThrownBy(() -> connection.prepareCall("{? = call upper(?)}"))
                    .isInstanceOf(SQLException.class).extracting("SQLState").isEqualTo("42501");
        }
    }

    @Test
    void returningIsMasked() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "UPDATE people SET name = name WHERE id = 2 RETURNING id, email, ssn")) {
            result.next();
            assertThat(result.getString("email")).isEqualTo("g***@example.com");
            assertThat(result.getString(3)).isEqualTo("*******4321");
        }
    }
}
