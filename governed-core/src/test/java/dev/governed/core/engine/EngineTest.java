package dev.governed.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.governed.core.GovernedSettings;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.PolicyException;
import dev.governed.testsupport.TestIdentityProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {

    private static final String POLICY = """
            version: 9
            defaults: { effect: deny }
            http:
              - id: read
                when: { groups: [agents], resources: [crm] }
                request: { methods: [GET], paths: ["/v1/**"] }
                effect: allow
              - id: writes
                request: { methods: [POST] }
                effect: approve
                approval: { approvers: { groups: [admins] }, mode: once }
            httpMasks:
              - resources: [crm]
                fields: ["$.name"]
                strategy: initials
                separator: "_"
            """;

    private final TestIdentityProvider idp = TestIdentityProvider.shared();

    @TempDir
    Path directory;

    private Properties settings(String token) throws Exception {
        Properties result = new Properties();
        result.setProperty("governed.policy", Files.writeString(directory.resolve("policy.yaml"), POLICY).toString());
        result.setProperty("governed.jwks", idp.writeJwks(directory).toString());
        result.setProperty("governed.issuer", idp.issuer());
        result.setProperty("governed.audience", idp.audience());
        result.setProperty("governed.audit", "jsonl:" + directory.resolve("audit.jsonl"));
        result.setProperty("governed.environment", "prod");
        if (token != null) {
            result.setProperty("governed.token", token);
        }
        return result;
    }

    private String agent() {
        return idp.token().subject("agent:a").groups("agents").sign();
    }

    private static Request get(String path) {
        return new Request("http", "crm", "http://crm", "get", "GET " + path, PolicyQuestion.http("GET", path));
    }

    @Test
    void oneAdmissionCarriesDecisionVersionAndConfiguredMasksOfOneSnapshot() throws Exception {
        try (Engine engine = Engine.create(GovernedSettings.from(settings(agent())))) {
            Admission admission = engine.admit(get("/v1/customers"));

            assertThat(admission.isAllowed()).isTrue();
            assertThat(admission.rule()).isEqualTo("read");
            assertThat(admission.policyVersion()).isEqualTo(9);
            assertThat(admission.approvalRequired()).isNull();
            assertThat(admission.masks()).hasSize(1);
            ActiveMask mask = admission.masks().get(0);
            assertThat(mask.targets()).containsExactly("$.name");
            assertThat(mask.strategy().mask("Jane Doe")).isEqualTo("J_ D_");
            assertThat(admission.isRecorded()).isFalse();
            admission.complete(null, List.of());
            admission.complete(null, List.of()); // recorded once only
            engine.flush();
        }
        List<JsonNode> events = events();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).at("/resource/environment").asText()).isEqualTo("prod");
        assertThat(events.get(0).at("/decision/rule").asText()).isEqualTo("read");
    }

    @Test
    void denialsAreAuditedBeforeAdmitReturns() throws Exception {
        try (Engine engine = Engine.create(GovernedSettings.from(settings(agent())))) {
            Admission admission = engine.admit(get("/v2/other"));

            assertThat(admission.isAllowed()).isFalse();
            assertThat(admission.isRecorded()).isTrue();
            assertThat(admission.denialMessage()).contains("'default'", "policy version 9");
        }
        assertThat(events().get(0).at("/outcome/status").asText()).isEqualTo("denied");
    }

    @Test
    void approvalRulesGoToTheHookAndDenyWithoutOne() throws Exception {
        Request post = new Request("http", "crm", "http://crm", "post", "POST /v1/x", PolicyQuestion.http("POST", "/v1/x"));
        try (Engine disabled = Engine.create(GovernedSettings.from(settings(agent())))) {
            Admission admission = disabled.admit(post);
            assertThat(admission.isAllowed()).isFalse();
            assertThat(admission.approvalRequired().ruleId()).isEqualTo("writes");
            assertThat(admission.decision().reason()).contains("approvals are not enabled");
        }
        ApprovalHook approveAll = (request, caller, decision) -> ApprovalHook.Review.approved("approval-1");
        try (Engine approving = Engine.create(GovernedSettings.from(settings(agent())), approveAll)) {
            Admission admission = approving.admit(post);
            assertThat(admission.isAllowed()).isTrue();
            assertThat(admission.approvalRequired().approverGroups()).containsExactly("admins");
        }
    }

    @Test
    void aBadPolicySettingFailsWhenTheEngineIsMadeNotAtTheFirstRequest() throws Exception {
        Properties service = settings(agent());
        service.setProperty("governed.policy", "http://127.0.0.1:9");
        service.setProperty("governed.policy.key", directory.resolve("no-such-key.jwks").toString());
        assertThatThrownBy(() -> Engine.create(GovernedSettings.from(service)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("governed.policy.key");

        Properties broken = settings(agent());
        broken.setProperty("governed.policy", Files.writeString(directory.resolve("broken.yaml"), "version: [").toString());
        assertThatThrownBy(() -> Engine.create(GovernedSettings.from(broken))).isInstanceOf(PolicyException.class);
    }

    @Test
    void missingOrInvalidTokensAreDeniedAsAuthentication() throws Exception {
        try (Engine engine = Engine.create(GovernedSettings.from(settings("garbage")))) {
            Admission admission = engine.admit(get("/v1/customers"));
            assertThat(admission.isAllowed()).isFalse();
            assertThat(admission.rule()).isEqualTo("authentication");
            assertThat(admission.identity()).isNull();
        }
    }

    @Test
    void anSpiStrategyIsNameableInAPolicyAndUnknownOnesAreStillRejected() {
        assertThat(PolicyDocuments.parse(POLICY, "test").httpMasks().get(0).options()).containsEntry("separator", "_");
        assertThatThrownBy(() -> PolicyDocuments.parse(POLICY.replace("initials", "initialz"), "test"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("initialz").hasMessageContaining("initials");
        assertThatThrownBy(() -> PolicyDocuments.parse(POLICY.replace("separator", "separatr"), "test"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("separatr");
    }

    @Test
    void enginesWithTheSameAuditSettingsShareOneChain() throws Exception {
        Properties settings = settings(agent());
        try (Engine first = Engine.create(GovernedSettings.from(settings));
             Engine second = Engine.create(GovernedSettings.from(settings))) {
            first.admit(get("/v2/a"));
            second.admit(get("/v2/b"));
        }
        List<JsonNode> events = events();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).at("/chain/stream")).isEqualTo(events.get(1).at("/chain/stream"));
        assertThat(events.get(1).at("/chain/prev")).isEqualTo(events.get(0).at("/chain/hash"));
    }

    private List<JsonNode> events() throws Exception {
        ObjectMapper json = new ObjectMapper();
        return Files.readAllLines(directory.resolve("audit.jsonl")).stream().map(line -> {
            try {
                return json.readTree(line);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(node -> !node.has("type")).toList();
    }
}
