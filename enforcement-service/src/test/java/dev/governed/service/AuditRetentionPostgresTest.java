package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

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

    /** Two instances share this database: a hold the other one is placing is seen by expiry, never passed by it. */
    @Test
    void aHoldAnotherInstanceIsPlacingHoldsBackExpiry() throws Exception {
        String stream = upload(5, 5, new ArrayList<>(), 5);
        try (Connection other = openStore()) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("INSERT INTO audit_holds (id, scope, match_value, reason,"
                    + " created_by, created_at) VALUES (?, 'stream', ?, 'placed by the other instance', 'alice-admin', 0)")) {
                insert.setString(1, UUID.randomUUID().toString());
                insert.setString(2, stream);
                insert.executeUpdate();
            }
            CompletableFuture<JsonNode> expiry = CompletableFuture.supplyAsync(() -> expire(false));
            Thread.sleep(700);
            assertThat(expiry).as("expiry waits for the hold being placed").isNotDone();
            other.commit();
            assertThat(expiry.get(20, TimeUnit.SECONDS).get("expired").toString()).doesNotContain(stream);
        }
        assertThat(status(stream).get("events").asInt()).isEqualTo(5);
    }

    @Override
    List<String> allowRetentionInserts() {
        return List.of("DROP TRIGGER fail_retention ON audit_retention");
    }
}
