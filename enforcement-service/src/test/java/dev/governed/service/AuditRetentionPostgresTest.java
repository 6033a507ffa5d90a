package dev.governed.service;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

class AuditRetentionPostgresTest extends AuditRetentionContract {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private String database;

    @Override
    ServiceFixture startFixture(Consumer<ServiceConfig.Builder> settings) {
        database = "svc_retention_" + DATABASES.incrementAndGet();
        return ServiceFixture.onPostgres(database, settings);
    }

    @Override
    Connection openStore() throws SQLException {
        return PostgresFixture.shared().dataSource(database).getConnection();
    }

    @Override
    List<String> failRetentionInserts() {
        return List.of("CREATE FUNCTION fail_retention() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$"
                        + " LANGUAGE plpgsql",
                "CREATE TRIGGER fail_retention BEFORE INSERT ON audit_retention FOR EACH ROW EXECUTE FUNCTION fail_retention()");
    }

    @Override
    List<String> allowRetentionInserts() {
        return List.of("DROP TRIGGER fail_retention ON audit_retention");
    }
}
