package dev.governed.jdbc;

import dev.governed.testsupport.PostgresFixture;
import java.util.Properties;

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
}
