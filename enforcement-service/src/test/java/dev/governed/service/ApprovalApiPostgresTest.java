package dev.governed.service;

class ApprovalApiPostgresTest extends ApprovalApiContract {
    @Override
    ServiceFixture startFixture() {
        return ServiceFixture.onPostgres("svc_approval", b -> b.clock(CLOCK));
    }
}
