package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Databases that would read a statement differently from the analyser are refused at connect. */
class DialectGuardTest {

    @Test
    void h2InMySqlModeIsRefusedBecauseBackticksAndHashCommentsWouldHideStatements() {
        try (GovernedFixture fixture = new GovernedFixture()) {
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:governed:h2:mem:mysql_mode;MODE=MySQL",
                            fixture.properties(fixture.dba())))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("MODE=MySQL");
        }
    }

    @Test
    void h2InPostgreSqlModeIsGoverned() throws Exception {
        try (GovernedFixture fixture = new GovernedFixture();
                Connection connection = DriverManager.getConnection("jdbc:governed:h2:mem:pg_mode;MODE=PostgreSQL",
                        fixture.properties(fixture.dba()))) {
            assertThat(connection.createStatement().executeQuery("SELECT 1").next()).isTrue();
        }
    }

    @Test
    void postgresWithoutStandardConformingStringsIsRefused() {
        PostgresFixture postgres = PostgresFixture.shared();
        postgres.newDatabase("nonconforming");
        try (GovernedFixture fixture = new GovernedFixture()) {
            Properties properties = fixture.properties(fixture.dba());
            properties.setProperty("user", postgres.user());
            properties.setProperty("password", postgres.password());
            properties.setProperty("options", "-c standard_conforming_strings=off");
            String url = "jdbc:governed:" + postgres.jdbcUrl("nonconforming").substring("jdbc:".length());
            assertThatThrownBy(() -> DriverManager.getConnection(url, properties))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("standard_conforming_strings");
        }
    }
}
