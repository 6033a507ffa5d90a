package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.jdbc.internal.mask.SetReturningFunctions;
import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MaskingAttacksPostgresTest extends MaskingAttacksContract {

    private static final PostgresFixture POSTGRES = PostgresFixture.shared();

    @Override
    String newDatabaseUrl() {
        String name = "masking_attacks";
        POSTGRES.newDatabase(name);
        return POSTGRES.jdbcUrl(name);
    }

    @Override
    Properties target() {
        Properties result = new Properties();
        result.setProperty("user", POSTGRES.user());
        result.setProperty("password", POSTGRES.password());
        return result;
    }

    @Override
    String database() {
        return "postgres";
    }

    /** Masking counts a set-returning function's arguments as a use by this list: it must be PostgreSQL's. */
    @Test
    void setReturningFunctionsAreThoseOfTheCatalog() throws SQLException {
        Set<String> catalog = new TreeSet<>();
        try (Connection raw = raw(); Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery("SELECT DISTINCT proname FROM pg_proc WHERE proretset"
                        + " AND pronamespace = 'pg_catalog'::regnamespace")) {
            while (result.next()) {
                catalog.add(result.getString(1));
            }
        }
        assertThat(new TreeSet<>(SetReturningFunctions.NAMES)).isEqualTo(catalog);
    }
}
