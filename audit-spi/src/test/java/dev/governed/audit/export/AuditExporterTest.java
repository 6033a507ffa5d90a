package dev.governed.audit.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditIds;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditExporterTest {

    private static final Instant T0 = Instant.parse("2026-11-22T01:00:00Z");

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void writeEvents() throws IOException {
        file = dir.resolve("audit.jsonl");
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + file + "?fsync=none")
                .checkpointEvery(2).closeOnShutdown(false).build()) {
            dispatcher.record(sql("agent:billing", "orders-db", "select", "SELECT a, b FROM t WHERE x = 'a,\"b\"'", "allow", "ok", 0));
            dispatcher.record(sql("agent:billing", "orders-db", "delete", "DELETE FROM orders", "deny", "denied", 60));
            dispatcher.record(sql("agent:other", "hr-db", "insert", "=HYPERLINK(\"http://evil\")", "allow", "ok", 120));
            dispatcher.record(http("agent:billing", "crm-api", "GET", "/v1/customers/7", "allow", 180));
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.add(lines.get(0)); // an at-least-once re-delivery
        Files.write(file, lines);
    }

    @Test
    void jsonExportKeepsTheStoredLinesOfMatchingEventsOnce() throws IOException {
        StringWriter out = new StringWriter();

        long count = AuditExporter.of(ExportFormat.JSON, ExportFilter.all().withSubject("agent:billing")).export(file, out);

        assertThat(count).isEqualTo(3);
        List<String> stored = Files.readAllLines(file);
        assertThat(out.toString().lines()).containsExactly(stored.get(0), stored.get(1), stored.get(4));
    }

    @Test
    void filtersCombineResourceTimeRangeAndDecision() throws IOException {
        assertThat(export(ExportFormat.JSON, ExportFilter.all().withResource("hr-db"))).hasSize(1);
        assertThat(export(ExportFormat.JSON, ExportFilter.all().withDecision("DENY")))
                .singleElement().satisfies(l -> assertThat(l).contains("DELETE FROM orders"));
        assertThat(export(ExportFormat.JSON, ExportFilter.all().between(T0.plusSeconds(60), T0.plusSeconds(180))))
                .hasSize(2);
        assertThat(export(ExportFormat.JSON, ExportFilter.all().withSubject("agent:billing").withDecision("allow")
                .between(T0, T0.plusSeconds(1)))).hasSize(1);
    }

    @Test
    void csvHasTheDocumentedHeaderQuotesAndDefusesFormulas() throws IOException {
        List<String> rows = export(ExportFormat.CSV, ExportFilter.all());

        assertThat(rows.get(0)).isEqualTo(String.join(",", CsvFormat.COLUMNS));
        assertThat(rows).hasSize(5);
        assertThat(rows.get(1)).contains(",\"SELECT a, b FROM t WHERE x = 'a,\"\"b\"\"'\",")
                .contains(",agent:billing,support-agents;ops,")
                .contains(",public.customers.ssn:keep-last:3,");
        assertThat(rows.get(3)).contains(",\"'=HYPERLINK(\"\"http://evil\"\")\",");
    }

    @Test
    void ocsfMapsSqlToDatastoreActivityAndHttpToApiActivity() throws IOException {
        List<JsonNode> events = export(ExportFormat.OCSF, ExportFilter.all()).stream().map(AuditJson::readTree).toList();

        JsonNode select = events.get(0);
        assertThat(select.get("class_uid").asInt()).isEqualTo(6005);
        assertThat(select.get("activity_id").asInt()).isEqualTo(4);
        assertThat(select.get("type_uid").asLong()).isEqualTo(600504);
        assertThat(select.at("/actor/user/name").asText()).isEqualTo("agent:billing");
        assertThat(select.at("/actor/authorizations/0/policy/name").asText()).isEqualTo("rule-allow");
        assertThat(select.at("/query_info/query_string").asText()).startsWith("SELECT a, b");
        assertThat(select.at("/database/name").asText()).isEqualTo("orders-db");
        assertThat(select.at("/metadata/version").asText()).isEqualTo("1.3.0");
        assertThat(select.get("time").asLong()).isEqualTo(T0.toEpochMilli());

        JsonNode denied = events.get(1);
        assertThat(denied.get("activity_id").asInt()).isEqualTo(7);
        assertThat(denied.get("disposition").asText()).isEqualTo("Blocked");
        assertThat(denied.get("status").asText()).isEqualTo("Failure");

        JsonNode get = events.get(3);
        assertThat(get.get("class_uid").asInt()).isEqualTo(6003);
        assertThat(get.get("activity_id").asInt()).isEqualTo(2);
        assertThat(get.get("type_uid").asLong()).isEqualTo(600302);
        assertThat(get.at("/http_request/http_method").asText()).isEqualTo("GET");
        assertThat(get.at("/http_request/url/path").asText()).isEqualTo("/v1/customers/7");
        assertThat(get.at("/api/service/name").asText()).isEqualTo("crm-api");
    }

    @Test
    void damagedLineIsAnErrorNamingFileAndLine() throws IOException {
        Files.writeString(file, "{broken\n", java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> export(ExportFormat.CSV, ExportFilter.all()))
                .isInstanceOf(AuditException.class).hasMessageContaining(file + ":8:")
                .hasMessageContaining("governed audit verify");
    }

    @Test
    void unknownFormatIsRejectedListingTheKnownOnes() {
        assertThat(ExportFormat.parse("ocsf")).isEqualTo(ExportFormat.OCSF);
        assertThatThrownBy(() -> ExportFormat.parse("xml")).hasMessageContaining("[json, csv, ocsf]");
    }

    private List<String> export(ExportFormat format, ExportFilter filter) throws IOException {
        StringWriter out = new StringWriter();
        AuditExporter.of(format, filter).export(dir, out);
        return out.toString().lines().toList();
    }

    private static AuditEvent sql(String subject, String resource, String operation, String statement, String effect,
            String status, long secondsAfterT0) {
        return event(subject, resource, "jdbc", new AuditEvent.Action("sql", operation, statement, "f1", List.of("public.orders")),
                effect, status, secondsAfterT0);
    }

    private static AuditEvent http(String subject, String resource, String method, String path, String effect,
            long secondsAfterT0) {
        return event(subject, resource, "http", new AuditEvent.Action("http", method, path, null, List.of()),
                effect, "ok", secondsAfterT0);
    }

    private static AuditEvent event(String subject, String resource, String kind, AuditEvent.Action action,
            String effect, String status, long secondsAfterT0) {
        return new AuditEvent(AuditIds.newId(), T0.plusSeconds(secondsAfterT0), null,
                new AuditEvent.Actor(subject, List.of("support-agents", "ops"), "https://idp", "jti", null),
                new AuditEvent.Session("s-1", "c-1"),
                new AuditEvent.Resource(resource, kind, "postgresql://db:5432/app", "prod"), action,
                new AuditEvent.DecisionInfo(effect, "rule-" + effect, "because", 7L, null),
                List.of(new AuditEvent.Masking("public.customers.ssn", "keep-last", 3)),
                new AuditEvent.Outcome(status, 3L, 812, null));
    }
}
