package dev.governed.service;

import dev.governed.testsupport.PostgresFixture;

class ConnectionApiPostgresTest extends ConnectionApiContract {
    @Override
    ServiceFixture startFixture() {
        return ServiceFixture.onPostgres("svc_connection", b -> { });
    }

    @Override
    java.sql.Connection database() throws java.sql.SQLException {
        return PostgresFixture.shared().dataSource("svc_connection").getConnection();
    }
}
