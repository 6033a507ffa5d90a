package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MaskingSmokeTest {

    MaskingFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        Properties target = new Properties();
        target.setProperty("user", "sa");
        target.setProperty("password", "");
        fixture = new MaskingFixture("jdbc:h2:mem:smoke" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", target);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void directSelectIsMasked() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT id, name, ssn, email FROM people ORDER BY id")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString("name")).isEqualTo("Ada");
            assertThat(result.getString(3)).isEqualTo("*******6789");
            assertThat(result.getString("email")).isEqualTo("a***@example.com");
        }
    }

    @Test
    void lowerOfSsnIsRedacted() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT lower(ssn) FROM people")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("****");
        }
    }

    @Test
    void whereOnSsnIsDenied() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT id FROM people WHERE ssn LIKE '123%'"))
                    .isInstanceOf(PolicyDeniedException.class).hasMessageContaining("ssn");
        }
    }
}
