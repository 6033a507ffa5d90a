package dev.governed.policy.source;

import dev.governed.policy.Effect;
import dev.governed.policy.PolicyDocument;
import dev.governed.policy.PolicyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicySourcesTest {

    @TempDir
    Path dir;

    private Path policyFile() throws IOException {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "version: 9\n");
        return file;
    }

    @Test
    void plainPathIsAFile() throws IOException {
        PolicySource source = PolicySources.fromLocation(policyFile().toString());

        assertThat(source).isInstanceOf(FilePolicySource.class);
        assertThat(source.current().version()).isEqualTo(9);
    }

    @Test
    void fileUriIsAFile() throws IOException {
        PolicySource source = PolicySources.fromLocation(policyFile().toUri().toString());

        assertThat(((FilePolicySource) source).path()).isEqualTo(policyFile().toAbsolutePath());
    }

    @Test
    void filePrefixWithAPathIsAFile() throws IOException {
        PolicySource source = PolicySources.fromLocation("file:" + policyFile());

        assertThat(source.current().version()).isEqualTo(9);
    }

    @Test
    void classpathPrefixReadsAResource() {
        PolicySource source = PolicySources.fromLocation("classpath:policies/contract-example.yaml");

        assertThat(source).isInstanceOf(ClasspathPolicySource.class);
        assertThat(source.location()).isEqualTo("classpath:policies/contract-example.yaml");
        assertThat(source.current().version()).isEqualTo(7);
        assertThat(source.current()).isSameAs(source.current());
    }

    @Test
    void classpathResourceMayStartWithASlash() {
        assertThat(PolicySources.fromLocation("classpath:/policies/everything.json").current().version()).isEqualTo(12);
    }

    @Test
    void missingClasspathResourceIsNamed() {
        assertThatThrownBy(() -> PolicySources.fromLocation("classpath:policies/nope.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("classpath:policies/nope.yaml")
                .hasMessageContaining("no such resource");
    }

    @Test
    void invalidClasspathResourceIsNamed() {
        assertThatThrownBy(() -> PolicySources.fromLocation("classpath:policies/invalid-operation.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("classpath:policies/invalid-operation.yaml")
                .hasMessageContaining("rules[0].sql.operations[1]: unknown operation \"dorp\"");
    }

    @Test
    void remoteLocationsAreRefusedUntilTheRemoteSourceExists() {
        for (String location : List.of("http://svc:8080/policies/agents", "HTTPS://svc/policies")) {
            assertThatThrownBy(() -> PolicySources.fromLocation(location))
                    .isInstanceOf(PolicyException.class)
                    .hasMessageContaining(location)
                    .hasMessageContaining("not available in this build yet");
        }
    }

    @Test
    void unknownSchemesAndBlankLocationsAreRefused() {
        assertThatThrownBy(() -> PolicySources.fromLocation("ftp://host/policy.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("Unsupported policy location ftp://host/policy.yaml");
        assertThatThrownBy(() -> PolicySources.fromLocation("  "))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("No policy location given");
    }

    @Test
    void fixedSourceReturnsTheSameCompiledPolicy() {
        PolicySource source = PolicySources.fixed(PolicyDocument.of(3, Effect.DENY, List.of()));

        assertThat(source.current().version()).isEqualTo(3);
        assertThat(source.current()).isSameAs(source.current());
    }
}
