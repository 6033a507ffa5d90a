package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.PolicyDocument;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.Rule;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service reads RFC 8693 tokens like the driver: the effective policy follows the acting party and the represented user. */
class DelegatedCallerTest {
    @TempDir
    static Path dir;

    static ServiceFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ServiceFixture.onH2(dir);
        String policy = """
                version: 1
                rules:
                  - id: billing-for-alice
                    when: { actors: ["agent:billing"], onBehalfOf: [alice] }
                    sql: { operations: [select], tables: [public.orders] }
                    effect: allow
                  - id: direct-only
                    when: { onBehalfOf: absent }
                    sql: { operations: [select], tables: [public.customers] }
                    effect: allow
                """;
        assertThat(fixture.post("/v1/policies?activate=true", fixture.admin(), "application/yaml", policy).statusCode())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void effectivePolicyDependsOnWhomTheSameAgentActsFor() {
        String forAlice = fixture.idp.token().subject("alice").groups("support-agents").delegation("agent:billing").sign();
        String forBob = fixture.idp.token().subject("bob").groups("support-agents").delegation("agent:billing").sign();
        String direct = fixture.idp.token().subject("agent:billing").groups("support-agents").sign();

        assertThat(ruleIds(forAlice)).containsExactly("billing-for-alice");
        assertThat(ruleIds(forBob)).isEmpty();
        assertThat(ruleIds(direct)).containsExactly("direct-only");
        assertThat(ruleIds(forAlice)).as("still cached per represented user").containsExactly("billing-for-alice");
    }

    @Test
    void chainDeeperThanTheLimitIsUnauthorized() {
        String deep = fixture.idp.token().subject("alice").delegation("a1", "a2", "a3", "a4", "a5", "a6").sign();

        HttpResponse<String> response = fixture.get(PolicyApiContract.effectivePath("orders-db", "prod"), deep);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("deeper than the limit of 5 actors");
    }

    private static java.util.List<String> ruleIds(String token) {
        HttpResponse<String> response = fixture.get(PolicyApiContract.effectivePath("orders-db", "prod"), token);
        assertThat(response.statusCode()).isEqualTo(200);
        PolicyDocument served = PolicyDocuments.parse(response.body(), "served");
        return served.rules().stream().map(Rule::id).toList();
    }
}
