package dev.governed.service;

class AuditApiPostgresTest extends AuditApiContract {
    @Override
    ServiceFixture startFixture() {
        return ServiceFixture.onPostgres("svc_audit", b -> { });
    }
}
