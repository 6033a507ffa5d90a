package dev.governed.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HttpEvaluationTest {

    private static final CompiledPolicy POLICY = CompiledPolicy.compile(PolicyDocuments.parse("""
            version: 4
            defaults: { effect: deny }
            http:
              - id: read-one
                request: { methods: [GET], paths: ["/v1/customers/*"] }
                effect: allow
              - id: read-tree
                when: { groups: [auditors] }
                request: { methods: [GET], paths: ["/v1/**"] }
                effect: allow
              - id: no-admin
                request: { paths: ["/v1/**/admin/**"] }
                effect: deny
              - id: writes
                request: { methods: [POST] }
                effect: approve
                approval: { approvers: { groups: [admins] }, mode: once }
            """, "test"));

    private static Decision decide(String method, String path, String... groups) {
        return POLICY.evaluate(new HttpRequest(new Caller("agent", Set.of(groups)), "crm", null, method, path));
    }

    @Test
    void singleStarIsExactlyOneSegment() {
        assertThat(decide("GET", "/v1/customers/42").ruleId()).isEqualTo("read-one");
        assertThat(decide("GET", "/v1/customers/42/orders")).isInstanceOf(Decision.Deny.class);
        assertThat(decide("GET", "/v1/customers")).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void doubleStarIsAnyNumberOfSegmentsIncludingNone() {
        assertThat(decide("GET", "/v1", "auditors").ruleId()).isEqualTo("read-tree");
        assertThat(decide("GET", "/v1/a/b/c", "auditors").ruleId()).isEqualTo("read-tree");
        assertThat(decide("GET", "/v2/a", "auditors")).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void denyOverridesApproveOverridesAllowWhateverTheOrder() {
        assertThat(decide("GET", "/v1/x/admin/users", "auditors").ruleId()).isEqualTo("no-admin");
        assertThat(decide("POST", "/v1/admin").ruleId()).isEqualTo("no-admin");
        assertThat(decide("POST", "/v1/customers/1")).isInstanceOf(Decision.Approve.class);
    }

    @Test
    void methodsAndLiteralSegmentsCompareExactly() {
        assertThat(decide("DELETE", "/v1/customers/42")).isInstanceOf(Decision.Deny.class);
        assertThat(decide("GET", "/V1/customers/42")).isInstanceOf(Decision.Deny.class);
        assertThat(decide("GET", "/v1/customers/42").policyVersion()).isEqualTo(4);
        assertThat(decide("GET", "/v9").reason()).contains("no http rule allows GET /v9 for agent on resource crm");
    }
}
