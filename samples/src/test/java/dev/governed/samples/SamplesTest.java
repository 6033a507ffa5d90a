package dev.governed.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sample runs as its documented command would, and shows what its documentation says it shows. */
class SamplesTest {

    @Test
    void urlSwapMasksWhatThePolicyMasksAndRefusesAnUnboundedDelete(@TempDir Path folder) throws Exception {
        String out = capture(stream -> UrlSwap.run(folder, stream));
        assertThat(out).contains("read: Ada Lovelace, a***@example.com, *******6789")
                .contains("refused [42501]")
                .doesNotContain("123-45-6789").doesNotContain("ada@example.com");
        assertThat(Files.readString(folder.resolve("audit.jsonl"))).contains("\"type\":\"checkpoint\"").doesNotContain("123-45-6789");
    }

    @Test
    void httpAgentExampleMasksTheAnswerAndRefusesTheEscapedAdminPath(@TempDir Path folder) throws Exception {
        String out = capture(stream -> HttpAgentExample.run(folder, stream));
        assertThat(out).contains("GET /v1/customers/42 -> 200").contains("*******6789").contains("\"apiKeySeen\":true")
                .contains("/admin/users -> refused")
                .doesNotContain("123-45-6789").doesNotContain("jane@example.com").doesNotContain("crm-api-key-not-for-agents");
        assertThat(Files.readString(folder.resolve("audit.jsonl"))).contains("\"kind\":\"http\"")
                .doesNotContain("123-45-6789").doesNotContain("crm-api-key-not-for-agents");
    }

    @Test
    void agentExampleDecidesEachStatementForTheAgentItRunsAs(@TempDir Path folder) throws Exception {
        String out = capture(stream -> AgentExample.run(folder, stream));
        assertThat(out).contains("agent:support was refused [42501]")
                .contains("agent:billing closed order 1")
                .contains("agent:billing was refused [42501]");
        List<String> subjects = Files.readAllLines(folder.resolve("audit.jsonl")).stream()
                .filter(line -> line.contains("\"actor\"")).map(line -> line.replaceAll(".*\"subject\":\"([^\"]+)\".*", "$1")).toList();
        assertThat(subjects).containsExactly("agent:support", "agent:billing", "agent:billing");
    }

    @Test
    void theConsoleSinkIsFoundByItsTypeAndPrintsEveryEvent() throws Exception {
        String home = System.getProperty("user.home");
        Path fakeHome = Files.createTempDirectory("governed-samples-home");
        System.setProperty("user.home", fakeHome.toString());
        try {
            String out = capture(stream -> {
                PrintStream original = System.out;
                System.setOut(stream);
                try {
                    CustomSinkExample.main(new String[0]);
                } finally {
                    System.setOut(original);
                }
            });
            assertThat(out).contains("AUDIT>{\"id\":").contains("\"operation\":\"select\"");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    fakeHome.resolve(".governed/samples/custom-sink")))).isEqualTo("rwx------");
        } finally {
            System.setProperty("user.home", home);
            SampleFolder.fresh(fakeHome);
            Files.delete(fakeHome);
        }
    }

    @Test
    void complianceCheckVerifiesThenExportsOcsfAndTheDenials(@TempDir Path folder) throws Exception {
        capture(stream -> UrlSwap.run(folder, stream));
        String out = capture(stream -> assertThat(ComplianceCheck.check(folder.resolve("audit.jsonl"), folder.resolve("audit-public.jwk"),
                folder, stream)).isTrue());
        assertThat(out).contains("verify: PROVEN").contains("OCSF events").contains("1 denied statement(s)");
        assertThat(Files.readString(folder.resolve("audit.ocsf.jsonl"))).contains("\"class_uid\":6005");

        Path tampered = Files.writeString(folder.resolve("tampered.jsonl"),
                Files.readString(folder.resolve("audit.jsonl")).replaceFirst("agent:support", "agent:someone-else"));
        assertThat(ComplianceCheck.check(tampered, folder.resolve("audit-public.jwk"), folder, new PrintStream(new ByteArrayOutputStream())))
                .isFalse();
    }

    interface Body {
        void run(PrintStream out) throws Exception;
    }

    static String capture(Body body) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            body.run(stream);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
