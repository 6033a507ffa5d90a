package dev.governed.service;

class PolicyApiPostgresTest extends PolicyApiContract {
    @Override
    ServiceFixture startFixture() {
        return ServiceFixture.onPostgres("svc_policy", b -> { });
    }
}
