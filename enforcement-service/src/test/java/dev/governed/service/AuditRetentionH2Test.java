package dev.governed.service;

import dev.governed.testsupport.TestIdentityProvider;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;

class AuditRetentionH2Test extends AuditRetentionContract {
    @Override
    ServiceFixture startFixture(Consumer<ServiceConfig.Builder> settings) {
        return ServiceFixture.start(TestIdentityProvider.served(), true, b -> settings.accept(b.dataDir(dir.resolve("db"))));
    }

    @Override
    Connection openStore() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath().normalize().resolve("governed"), "sa", "");
    }

    @Override
    List<String> failRetentionInserts() {
        return List.of("CREATE TRIGGER fail_retention BEFORE INSERT ON audit_retention FOR EACH ROW CALL '"
                + FailingInsert.class.getName() + "'");
    }

    @Override
    List<String> allowRetentionInserts() {
        return List.of("DROP TRIGGER fail_retention");
    }

    /** An H2 trigger that refuses every insert: a failure in the middle of the expiry transaction. */
    public static final class FailingInsert implements org.h2.api.Trigger {
        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
            throw new SQLException("disk full (test)");
        }
    }
}
