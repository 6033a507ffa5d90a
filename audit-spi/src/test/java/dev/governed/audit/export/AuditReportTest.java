package dev.governed.audit.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditIds;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auditor's report over a known trail: the counts, the links to event ids, the lists. */
class AuditReportTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-02T00:00:00Z");

    @TempDir
    Path dir;
    private Path file;
    private final List<String> maskedIds = new ArrayList<>();
    private final List<String> deniedIds = new ArrayList<>();

    @BeforeEach
    void writeKnownTrail() {
        file = dir.resolve("audit.jsonl");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=none").closeOnShutdown(false).build()) {
            for (int hour = 1; hour <= 3; hour++) {
                AuditEvent read = event("agent:a", "orders-db", "prod", "allow", "support-read", null, hour == 2, hour);
                if (hour == 2) {
                    maskedIds.add(read.id());
                }
                dispatcher.record(read);
            }
            for (int hour = 4; hour <= 5; hour++) {
                AuditEvent drop = event("agent:b", "orders-db", "prod", "deny", "no-destructive-ddl", null, false, hour);
                deniedIds.add(drop.id());
                dispatcher.record(drop);
            }
            dispatcher.record(event("agent:a", "billing", "staging", "approve", "writes-need-approval", "ap-1", false, 6));
            dispatcher.record(event("agent:c", "orders-db", "prod", "allow", "support-read", null, false, -30)); // before the period
        }
    }

    private static AuditEvent event(String subject, String resource, String environment, String effect, String rule, String approval,
            boolean masked, int hour) {
        return new AuditEvent(AuditIds.newId(), FROM.plusSeconds(hour * 3600L), null,
                new AuditEvent.Actor(subject, List.of("agents"), "https://idp", null, null), new AuditEvent.Session("s-1", null),
                new AuditEvent.Resource(resource, "jdbc", "h2:mem:x", environment),
                new AuditEvent.Action("sql", effect.equals("deny") ? "drop" : "select", "SELECT 1", "f", List.of()),
                new AuditEvent.DecisionInfo(effect, rule, effect.equals("deny") ? "destructive DDL is never allowed" : null, 7L, approval),
                masked ? List.of(new AuditEvent.Masking("public.customers.ssn", "keep-last", 3)) : List.of(),
                new AuditEvent.Outcome(effect.equals("deny") ? "denied" : "ok", 1L, 10, null));
    }

    @Test
    void countsPerIdentityResourceRuleAndEnvironmentMatchTheTrail() throws IOException {
        AuditReport report = AuditReport.of(file, FROM, TO, null);

        assertThat(report.events()).isEqualTo(6);
        AuditReport.Row a = report.dimensions().get("identity").get("agent:a");
        assertThat(a.cell(AuditReport.Kind.ALLOWED).count()).isEqualTo(3);
        assertThat(a.cell(AuditReport.Kind.APPROVED).count()).isEqualTo(1);
        assertThat(a.cell(AuditReport.Kind.MASKED).ids()).containsExactlyElementsOf(maskedIds);
        assertThat(report.dimensions().get("identity").get("agent:b").cell(AuditReport.Kind.DENIED).ids()).containsExactlyElementsOf(deniedIds);
        assertThat(report.dimensions().get("identity")).doesNotContainKey("agent:c");
        AuditReport.Row orders = report.dimensions().get("resource").get("orders-db");
        assertThat(orders.cell(AuditReport.Kind.ALLOWED).count()).isEqualTo(3);
        assertThat(orders.cell(AuditReport.Kind.DENIED).count()).isEqualTo(2);
        assertThat(report.dimensions().get("rule").get("no-destructive-ddl").cell(AuditReport.Kind.DENIED).count()).isEqualTo(2);
        assertThat(report.dimensions().get("environment").get("staging").cell(AuditReport.Kind.APPROVED).count()).isEqualTo(1);
        assertThat(report.denied()).extracting(AuditReport.Entry::reason).containsOnly("destructive DDL is never allowed");
        assertThat(report.approvals()).extracting(AuditReport.Entry::approval).containsExactly("ap-1");
        assertThat(java.util.Arrays.stream(report.deniedOverTime()).sum()).isEqualTo(2);
        assertThat(java.util.Arrays.stream(report.allowedOverTime()).sum()).isEqualTo(4);
    }

    @Test
    void resourceFilterKeepsOnlyThatResource() throws IOException {
        AuditReport report = AuditReport.of(file, FROM, TO, "billing");

        assertThat(report.events()).isEqualTo(1);
        assertThat(report.dimensions().get("resource")).containsOnlyKeys("billing");
    }

    @Test
    void htmlAndMarkdownLinkEveryCountToItsEventIds() throws IOException {
        AuditReport report = AuditReport.of(file, FROM, TO, null);

        String html = ReportRenderer.html(report, "PROVEN: 7 events");
        String anchor = ReportRenderer.anchor("identity", "agent:b", AuditReport.Kind.DENIED);
        assertThat(html).contains("<svg", "PROVEN: 7 events", "href=\"#" + anchor + "\">2</a>", "id=\"" + anchor + "\"")
                .contains(deniedIds).doesNotContain("<script");
        String markdown = ReportRenderer.markdown(report, "PROVEN: 7 events");
        assertThat(markdown).contains("| agent:b | 0 | [2](#" + anchor + ") | 0 | 0 |", "`ap-1`".replace("`", ""))
                .contains(deniedIds);
    }

    @Test
    void emptyPeriodIsRefused() {
        assertThatThrownBy(() -> AuditReport.of(file, TO, FROM, null)).isInstanceOf(AuditException.class).hasMessageContaining("--from");
    }
}
