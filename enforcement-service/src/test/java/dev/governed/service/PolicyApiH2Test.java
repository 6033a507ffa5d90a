package dev.governed.service;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class PolicyApiH2Test extends PolicyApiContract {
    @TempDir
    static Path dir;

    @Override
    ServiceFixture startFixture() {
        return ServiceFixture.start(dev.governed.testsupport.TestIdentityProvider.served(), true, b -> b.dataDir(dir));
    }
}
