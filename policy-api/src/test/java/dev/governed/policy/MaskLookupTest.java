package dev.governed.policy;

import org.junit.jupiter.api.Test;

import static dev.governed.policy.Requests.caller;
import static org.assertj.core.api.Assertions.assertThat;

class MaskLookupTest {

    private final CompiledPolicy contract = CompiledPolicy.compile(PolicyFixtures.document("contract-example.yaml"));
    private final Caller agent = caller("agent:support", "support-agents");
    private final Caller compliance = caller("alice", "compliance");

    @Test
    void maskedColumnIsFoundWhateverItsCase() {
        MaskRule mask = contract.maskFor(agent, "orders-db", "prod", TableName.of("PUBLIC", "Customers"), "SSN");

        assertThat(mask.strategy()).isEqualTo("keep-last");
    }

    @Test
    void unmaskedColumnHasNoMask() {
        assertThat(contract.maskFor(agent, "orders-db", "prod", TableName.of("public", "customers"), "name")).isNull();
        assertThat(contract.hasMasks()).isTrue();
    }

    @Test
    void exemptCallerSeesTheColumnInClear() {
        assertThat(contract.maskFor(agent, "orders-db", "prod", TableName.of("crm", "users"), "email").strategy())
                .isEqualTo("email");
        assertThat(contract.maskFor(compliance, "orders-db", "prod", TableName.of("crm", "users"), "email")).isNull();
    }

    @Test
    void exemptionFromOneMaskDoesNotLiftAnotherOnTheSameColumn() {
        CompiledPolicy policy = CompiledPolicy.compile(PolicyDocuments.parse("""
                version: 1
                masks:
                  - { columns: ["*.email"], strategy: email, exempt: { groups: [compliance] } }
                  - { columns: [crm.users.email], strategy: redact }
                """, "two masks"));

        assertThat(policy.maskFor(compliance, "db", null, TableName.of("crm", "users"), "email").strategy())
                .isEqualTo("redact");
        assertThat(policy.maskFor(compliance, "db", null, TableName.of("crm", "people"), "email")).isNull();
    }

    @Test
    void maskScopedToResourcesAppliesOnlyThere() {
        CompiledPolicy policy = CompiledPolicy.compile(PolicyDocuments.parse(
                "version: 1\nmasks:\n  - { columns: [t.c], resources: [crm-db], strategy: hash }\n", "scoped"));

        assertThat(policy.maskFor(agent, "crm-db", null, TableName.of("s", "t"), "c")).isNotNull();
        assertThat(policy.maskFor(agent, "orders-db", null, TableName.of("s", "t"), "c")).isNull();
    }

    @Test
    void aMaskIsNeverLostToTheSpellingOfItsResource() {
        CompiledPolicy policy = CompiledPolicy.compile(PolicyDocuments.parse("""
                version: 1
                masks:
                  - { columns: [t.c], resources: [crm-db], strategy: hash }
                httpMasks:
                  - { fields: [$.ssn], resources: [crm-api], strategy: redact }
                """, "scoped"));

        assertThat(policy.maskFor(agent, "CRM-DB", null, TableName.of("s", "t"), "c")).isNotNull();
        assertThat(policy.maskFor(agent, null, null, TableName.of("s", "t"), "c")).as("unknown resource").isNotNull();
        assertThat(policy.httpMasksFor(agent, "Crm-Api", null)).hasSize(1);
        assertThat(policy.document().masks().get(0).appliesTo("crm-db")).isTrue();
        assertThat(policy.document().masks().get(0).appliesTo("orders-db")).isFalse();
    }

    @Test
    void httpMasksApplyPerResourceAndExemption() {
        assertThat(contract.httpMasksFor(agent, "crm-api", null)).hasSize(1);
        assertThat(contract.httpMasksFor(agent, "billing-api", null)).isEmpty();

        CompiledPolicy everything = CompiledPolicy.compile(PolicyFixtures.document("everything.json"));
        assertThat(everything.httpMasksFor(caller("agent:audit"), "any", null)).isEmpty();
        assertThat(everything.httpMasksFor(agent, "any", null)).hasSize(1);
    }
}
