package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.testsupport.TestIdentityProvider;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySigningDisabledTest {
    @Test
    void askingForASignedDocumentIsA406WhenSigningIsOff(@TempDir Path dir) {
        try (ServiceFixture fixture = ServiceFixture.start(TestIdentityProvider.served(), true, b -> b.dataDir(dir).signPolicies(false))) {
            fixture.post("/v1/policies?activate=true", fixture.admin(), "application/yaml", Policies.text("orders-v7.yaml"));
            String agent = fixture.agent("agent:support", "support-agents");
            String path = "/v1/policies/effective?resource=orders-db&environment=prod";
            HttpResponse<String> signed = ServiceFixture.send(fixture.request(path, agent).header("Accept", "application/jose").GET().build());
            assertThat(signed.statusCode()).isEqualTo(406);
            assertThat(signed.body()).contains("signPolicies");
            assertThat(fixture.get(path, agent).statusCode()).isEqualTo(200);
        }
    }
}
