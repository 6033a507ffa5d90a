package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A policy that cannot be used fails the connection, with a message that names the problem. */
class BrokenPolicyTest {

    private static final String URL = "jdbc:governed:h2:mem:broken_policy";
    private final GovernedFixture fixture = new GovernedFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private Properties withPolicy(String location) {
        Properties result = fixture.properties(fixture.supportAgent());
        result.setProperty("governed.policy", location);
        return result;
    }

    @Test
    void unknownKeyIsNamed() {
        assertThatThrownBy(() -> DriverManager.getConnection(URL, withPolicy("classpath:policies/broken-unknown-key.yaml")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("tabels")
                .hasMessageContaining("broken-unknown-key.yaml");
    }

    @Test
    void unknownOperationIsNamed() {
        assertThatThrownBy(() -> DriverManager.getConnection(URL, withPolicy("classpath:policies/broken-operation.yaml")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("dorp");
    }

    @Test
    void malformedYamlIsReported() {
        assertThatThrownBy(() -> DriverManager.getConnection(URL, withPolicy("classpath:policies/broken-syntax.yaml")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("broken-syntax.yaml");
    }

    @Test
    void missingPolicyFileIsReported() {
        assertThatThrownBy(() -> DriverManager.getConnection(URL, withPolicy("/no/such/policy.yaml")))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("/no/such/policy.yaml");
    }

    @Test
    void noPolicyConfiguredIsReported() {
        Properties properties = fixture.properties(fixture.supportAgent());
        properties.remove("governed.policy");
        assertThatThrownBy(() -> DriverManager.getConnection(URL, properties))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("governed.policy");
    }

    @Test
    void noKeysConfiguredIsReported() {
        Properties properties = fixture.properties(fixture.supportAgent());
        properties.remove("governed.jwks");
        properties.remove("governed.issuer");
        assertThatThrownBy(() -> DriverManager.getConnection(URL, properties))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("governed.issuer");
    }
}
