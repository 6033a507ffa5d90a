package dev.governed.service.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.jdbc.PolicyDeniedException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The reviewers' page in a real headless Chromium (Debian's chromium and chromium-driver): sign in with a
 * token, see a pending request live, read its statement and digest, approve or deny with a reason. Skipped,
 * saying so, only where no browser is installed.
 */
class ApprovalPageBrowserTest extends ApprovalScenario {

    private WebDriver browser() throws Exception {
        Optional<List<Path>> binaries = WebDriver.find();
        Assumptions.assumeTrue(binaries.isPresent(), "no chromium and chromedriver on this machine; install them with "
                + "`apt-get install -y chromium chromium-driver` to run the approval page's browser test");
        Path profile = Files.createTempDirectory("governed-chromium-profile"); // removed by WebDriver.close, not by @TempDir
        return new WebDriver(binaries.get().get(0), binaries.get().get(1), profile);
    }

    @Test
    void theServiceServesThePageWithAStrictContentSecurityPolicy() {
        HttpResponse<String> page = service.get("/approvals", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
                .contains("default-src 'none'").contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.body()).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script>");
        assertThat(service.get("/approvals/app.js", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aReviewerApprovesInTheBrowserAndTheStatementRunsOnce() throws Exception {
        try (WebDriver page = browser(); Connection connection = connect()) {
            page.open(service.service.baseUri().resolve("/approvals"));
            page.paste("token", dave());
            page.click("#signin-button");
            page.textOf("#subject", "dave-dba"::equals, "the signed-in reviewer");
            page.textOf("#empty", text -> text.contains("Nothing"), "an empty queue");

            String id = pending(() -> ship(connection, "shipped", 1));
            page.click("tr.request[data-id='" + id + "']"); // appears by polling, without a reload
            String statement = page.textOf("#detail-statement", text -> text.contains("UPDATE"), "the statement");
            assertThat(statement).isEqualTo("UPDATE orders SET status = ? WHERE id = ?");
            assertThat(page.text(page.element("#detail-digest"))).matches("[0-9a-f]{64}");
            assertThat(page.text(page.element("#detail-touches"))).containsIgnoringCase("update").containsIgnoringCase("orders")
                    .contains("nothing is granted");
            assertThat(page.text(page.element("#detail-requester"))).contains("agent:billing").contains("agents");
            assertThat(page.text(page.element("#detail-rule"))).contains("order-updates-need-approval").contains("once");
            assertThat(page.text(page.element("#detail-reason"))).contains("reviewed by a DBA");

            page.type("#decision-reason", "ticket OPS-42");
            page.click("#approve");
            page.textOf("#message", text -> text.contains("approved"), "the approval");

            assertThat(ship(connection, "shipped", 1)).isEqualTo(1);
            assertThat(status("orders", 1)).isEqualTo("shipped");
            assertThat(pending(() -> ship(connection, "shipped", 1))).isNotEqualTo(id);
        }
    }

    @Test
    void aDenialNeedsAReasonAndTheAgentSeesIt() throws Exception {
        try (WebDriver page = browser(); Connection connection = connect(); Statement statement = connection.createStatement()) {
            String injected = "UPDATE orders SET status = '<b id=\"injected\">x</b>' WHERE id = 2";
            String id = pending(() -> statement.executeUpdate(injected));
            page.open(service.service.baseUri().resolve("/approvals#" + id));
            page.paste("token", erin());
            page.click("#signin-button");
            page.textOf("#detail-statement", text -> text.equals(injected), "the statement as text");
            assertThat(page.all("#injected")).as("statement text is never parsed as HTML").isEmpty();

            page.click("#deny");
            page.textOf("#message", text -> text.contains("Give a reason"), "the demand for a reason");
            page.type("#decision-reason", "no status changes during the freeze");
            page.click("#deny");
            page.textOf("#message", text -> text.contains("denied"), "the denial");

            assertThatThrownBy(() -> statement.executeUpdate(injected))
                    .isInstanceOf(PolicyDeniedException.class)
                    .hasMessageContaining("erin-dba")
                    .hasMessageContaining("no status changes during the freeze");
            assertThat(status("orders", 2)).isEqualTo("open");
        }
    }
}
