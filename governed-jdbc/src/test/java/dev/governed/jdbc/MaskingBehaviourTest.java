package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who masks apply to, prepared and callable statements, and what the audit trail records. */
class MaskingBehaviourTest {

    MaskingFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        Properties target = new Properties();
        target.setProperty("user", "sa");
        target.setProperty("password", "");
        fixture = new MaskingFixture("jdbc:h2:mem:behaviour" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", target);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void exemptGroupSeesTheExemptedColumnClearAndOthersMasked() throws SQLException {
        try (Connection connection = fixture.governed(fixture.compliance());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT email, ssn FROM people WHERE id = 1")) {
            result.next();
            assertThat(result.getString(1)).isEqualTo("ada@example.com");
            assertThat(result.getString(2)).isEqualTo("*******6789");
        }
    }

    @Test
    void maskScopedToAResourceAppliesOnlyThere() throws SQLException {
        Properties other = new Properties();
        other.setProperty("governed.resource", "other-db");
        try (Connection here = fixture.governed(fixture.support());
                Connection there = fixture.governed(fixture.support(), other);
                Statement onHere = here.createStatement();
                Statement onThere = there.createStatement();
                ResultSet clear = onHere.executeQuery("SELECT name FROM people WHERE id = 1");
                ResultSet masked = onThere.executeQuery("SELECT name FROM people WHERE id = 1")) {
            clear.next();
            masked.next();
            assertThat(clear.getString(1)).isEqualTo("Ada");
            assertThat(masked.getString(1)).isEqualTo("****");
        }
    }

    @Test
    void hashKeepsEqualValuesEqualAndHidesThem() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT p.card, q.card FROM people p JOIN people q ON p.card = q.card ORDER BY p.id")) {
            result.next();
            assertThat(result.getString(1)).hasSize(32).isEqualTo(result.getString(2)).doesNotContain("4111");
            result.next();
            assertThat(result.getString(1)).isNotEqualTo("").doesNotContain("5500");
        }
    }

    @Test
    void preparedStatementIsMaskedAtEveryExecution() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                PreparedStatement statement = connection.prepareStatement("SELECT ssn FROM people WHERE id = ?")) {
            for (int id = 1; id <= 2; id++) {
                statement.setInt(1, id);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    assertThat(result.getString(1)).startsWith("*******").hasSize(11);
                }
            }
        }
    }

    @Test
    void preparedProbeIsDeniedWhenPrepared() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support())) {
            assertThatThrownBy(() -> connection.prepareStatement("SELECT id FROM people WHERE ssn LIKE ?"))
                    .isInstanceOf(PolicyDeniedException.class).hasMessageContaining("people.ssn")
                    .hasMessageContaining("WHERE");
        }
    }

    @Test
    void callIsDeniedWhileMasksApplyAsItsOutParametersCannotBeTraced() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support())) {
            assertThatThrownBy(() -> connection.prepareCall("CALL do_things(?)"))
                    .isInstanceOf(SQLException.class).extracting("SQLState").isEqualTo("42501");
        }
    }

    @Test
    void outParameterFilledFromAQueryIsNotReadable() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support());
                CallableStatement call = connection.prepareCall("SELECT ssn FROM people WHERE id = ?")) {
            // H2 answers OUT parameters from the query's first row: the clear ssn, were it not refused
            call.setInt(1, 1);
            call.registerOutParameter(1, Types.VARCHAR);
            call.execute();
            assertThatThrownBy(() -> call.getString(1)).isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining("OUT parameter");
            assertThatThrownBy(() -> call.getObject(1)).isInstanceOf(PolicyDeniedException.class);
        }
    }

    @Test
    void auditListsMaskedColumnsAndCountsButNeverValues() throws Exception {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT name, ssn, upper(email) FROM people")) {
            while (result.next()) {
                result.getString(2);
                result.getString(2);
                result.getString(3);
            }
        }
        List<JsonNode> events = fixture.base.auditEvents();
        JsonNode executed = events.get(events.size() - 2);
        JsonNode read = events.get(events.size() - 1);
        assertThat(executed.get("masking").toString()).contains("people.ssn").contains("keep-last")
                .contains("people.email").contains("redact");
        assertThat(read.get("masking").get(0).get("values").asLong()).isEqualTo(2);
        assertThat(read.get("outcome").get("rows").asLong()).isEqualTo(2);
        assertThat(executed.at("/outcome/status").asText()).isEqualTo("ok");
        assertThat(read.at("/outcome/status").asText()).as("the follow-up is told apart").isEqualTo("read");
        assertThat(read.at("/action/fingerprint")).isEqualTo(executed.at("/action/fingerprint"));
        String everything = Files.readString(fixture.base.audit);
        assertThat(MaskingFixture.leakIn(everything.replace("'123%'", ""))).isNull();
    }

    @Test
    void deniedStatementIsAuditedWithTheMaskingRule() throws Exception {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT id FROM people ORDER BY ssn"))
                    .isInstanceOf(PolicyDeniedException.class);
        }
        List<JsonNode> events = fixture.base.auditEvents();
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("decision").get("rule").asText()).isEqualTo("masking");
        assertThat(last.get("outcome").get("status").asText()).isEqualTo("denied");
    }

    @Test
    void newColumnAfterAnalysisIsNeverServedByAStaleStar() throws SQLException {
        try (Connection connection = fixture.governed(fixture.support())) {
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT * FROM orders")) {
                assertThat(result.next()).isTrue();
            }
            try (Connection raw = fixture.raw(); Statement statement = raw.createStatement()) {
                statement.execute("ALTER TABLE orders ADD COLUMN email VARCHAR(100) DEFAULT 'ada@example.com'");
            }
            try (Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM orders"))
                        .isInstanceOf(PolicyDeniedException.class).hasMessageContaining("columns");
                try (ResultSet again = statement.executeQuery("SELECT * FROM orders")) {
                    again.next();
                    assertThat(again.getString("email")).isEqualTo("a***@example.com");
                }
            }
        }
    }

    @Test
    void sessionStatementsStillRunWhileMasksApply() throws Exception {
        try (Connection connection = fixture.governed(fixture.support());
                Statement statement = connection.createStatement()) {
            statement.execute("BEGIN");
            statement.execute("SET SCHEMA PUBLIC");
            statement.execute("ROLLBACK");
            statement.execute("COMMIT");
        }
    }
}
