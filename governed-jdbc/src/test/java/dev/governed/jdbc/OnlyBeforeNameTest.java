package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * H2 reads {@code FROM only customers} as the table {@code ONLY} aliased {@code customers}; the analyser reads
 * PostgreSQL's meaning (the table {@code customers}). On H2 such a statement is refused, so a policy never decides
 * on one table while the database reads another.
 */
class OnlyBeforeNameTest {

    private final GovernedFixture fixture = new GovernedFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM only customers",
        "SELECT * FROM ONLY \"customers\"",
        "SELECT c.* FROM orders o JOIN only customers c ON c.id = o.customer_id",
        "select * from Only\ncustomers",
        "DELETE FROM only customers WHERE id = 1",
        "UPDATE only customers SET name = 'x' WHERE id = 1"})
    void onlyBeforeANameIsRefusedOnH2(String sql) {
        assertThat(OnlyBeforeName.in(sql, GovernanceFactory::withoutLiterals)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM customers WHERE name <> 'only me'",
        "SELECT * FROM customers -- only customers\n WHERE id = 1",
        "SELECT id FROM customers ORDER BY id FETCH FIRST 1 ROWS ONLY",
        "SELECT id FROM customers FETCH FIRST ROW ONLY",
        "SELECT id FROM customers FETCH FIRST 2 ROWS ONLY FOR UPDATE",
        "SET TRANSACTION READ ONLY",
        "START TRANSACTION READ ONLY, ISOLATION LEVEL SERIALIZABLE",
        "SELECT \"only\" FROM t",
        "SELECT only_col FROM t"})
    void otherUsesOfTheWordAreLeftAlone(String sql) {
        assertThat(OnlyBeforeName.in(sql, GovernanceFactory::withoutLiterals)).isFalse();
    }

    /** The attack: a table named ONLY holding what the policy denies, read through a name the policy allows. */
    @Test
    void aTableCalledOnlyIsNotReadUnderAnotherTablesName() throws Exception {
        String rawUrl = GovernedFixture.newH2Database();
        try (Connection raw = DriverManager.getConnection(rawUrl, "sa", "");
                Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE \"ONLY\" (id INT, secret VARCHAR(20))");
            statement.execute("INSERT INTO \"ONLY\" VALUES (1, 'top secret')");
        }
        try (Connection connection = DriverManager.getConnection(GovernedFixture.governedUrl(rawUrl),
                        fixture.properties(fixture.supportAgent()));
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM only customers"))
                    .isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining("ONLY before a name");
            try (ResultSet result = statement.executeQuery(
                    "SELECT id FROM customers WHERE name <> 'only me' ORDER BY id FETCH FIRST 1 ROWS ONLY")) {
                assertThat(result.next()).isTrue();
            }
        }
        assertThat(fixture.auditEvents()).extracting(each -> each.at("/decision/rule").asText())
                .contains("unanalysable");
    }
}
