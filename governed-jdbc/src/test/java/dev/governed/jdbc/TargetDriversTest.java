package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real driver is found even when DriverManager does not offer it to Governed. */
class TargetDriversTest {

    @Test
    void aDriverMissingFromDriverManagerIsFoundThroughServiceLoader() throws Exception {
        List<Driver> h2 = Collections.list(DriverManager.getDrivers()).stream()
                .filter(each -> each.getClass().getName().equals("org.h2.Driver")).toList();
        for (Driver each : h2) {
            DriverManager.deregisterDriver(each);
        }
        try (GovernedFixture fixture = new GovernedFixture();
                var connection = DriverManager.getConnection("jdbc:governed:h2:mem:found_by_service_loader",
                        fixture.properties(fixture.dba()));
                ResultSet result = connection.createStatement().executeQuery("SELECT 1")) {
            assertThat(result.next()).isTrue();
            assertThat(TargetDrivers.find("jdbc:h2:mem:x").getClass().getName()).isEqualTo("org.h2.Driver");
        } finally {
            for (Driver each : h2) {
                DriverManager.registerDriver(each);
            }
        }
    }
}
