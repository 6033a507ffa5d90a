package dev.governed.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code governed demo}, the README's first command: every step it shows happens, and its trail is proven. */
class DemoTest {

    @Test
    void demoRunsAnAgentThroughTheDriverAndVerifiesItsAuditTrail(@TempDir Path folder) throws Exception {
        // what a previous run left: replaced (a stale trail would fail verification); what is not the demo's stays
        Files.writeString(folder.resolve("audit.jsonl"), "{\"stale\": true}\n");
        Files.writeString(folder.resolve("notes.txt"), "mine");
        java.io.StringWriter out = new java.io.StringWriter();
        int code = dev.governed.service.cli.GovernedCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()), "demo",
                "--data", folder.toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("ALLOWED  read open orders")
                .contains("BLOCKED  drop the orders table")
                .contains("[28000]")
                .contains("The orders table is intact: 3 rows.")
                .contains("Ada Lovelace, a***@example.com, *******6789")
                // the approval: held, refused to the agent, approved by a second identity, run once, then held again
                .containsPattern("BLOCKED  change a customer's e-mail \\(DBA approves\\)\\s+\\[G0A01\\] held for approval [0-9a-f-]{36}")
                .containsPattern("reviewer page: http://127\\.0\\.0\\.1:\\d+/approvals#[0-9a-f-]{36}")
                .containsPattern("BLOCKED  the agent approves its own request\\s+\\[HTTP 403\\]")
                .containsPattern("ALLOWED  a DBA, dana-dba, approves it \\(REST API\\)\\s+approved by dana-dba, mode once")
                .containsPattern("ALLOWED  retry the identical UPDATE\\s+1 updated")
                .containsPattern("BLOCKED  retry again: the approval is used up\\s+\\[G0A01\\]")
                // the HTTP call: keyed and masked by Governed; the path trick and the agent's own key never reach the API
                .containsPattern("ALLOWED  read a customer \\(ssn and emails masked\\)\\s+200 .*\\*+6789.*a\\*\\*\\*@example\\.com.*c\\*+@example\\.com")
                .containsPattern("BLOCKED  reach the admin API via /customers/%2e%2e\\s+\\[crm-admin\\]")
                .containsPattern("BLOCKED  send its own API key\\s+\\[")
                .contains("the CRM received only: [/v1/customers/1 (with the API key)]")
                .containsPattern("(?m)^\\s+PROVEN: 19 events")
                .doesNotContain("not covered")
                .contains("The demo's files are in " + folder)
                .doesNotContain("123-45-6789").doesNotContain("ada@example.com").doesNotContain("987-65-4321");
        assertThat(folder.resolve("notes.txt")).hasContent("mine");
    }
}
