package dev.governed.service;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class ConnectionApiH2Test extends ConnectionApiContract {
    @TempDir
    static Path dir;

    @Override
    ServiceFixture startFixture() {
        return ServiceFixture.start(dev.governed.testsupport.TestIdentityProvider.served(), true, b -> b.dataDir(dir));
    }

    @Override
    java.sql.Connection database() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("governed"), "sa", "");
    }
}
