package dev.governed.audit.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditDispatcher;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditIds;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV and OCSF exports carry a session recording's parameter digests (never values) and result summaries. */
class RecordingExportTest {

    private static final String DIGEST = "ab".repeat(32);
    private static final String ROWS = "cd".repeat(32);
    private static final String UNORDERED = "ef".repeat(32);

    @TempDir
    Path dir;

    @BeforeEach
    void writeEvents() throws IOException {
        try (AuditDispatcher dispatcher = AuditDispatcher.builder().sinks("jsonl:" + dir.resolve("audit.jsonl") + "?fsync=none")
                .closeOnShutdown(false).build()) {
            dispatcher.record(event("stmt-1", new AuditEvent.Action("sql", "select", "SELECT … WHERE id = ? AND name = ?",
                    "f", List.of("public.customers"), List.of(new AuditEvent.Parameter(null, "integer", "7"),
                            new AuditEvent.Parameter(DIGEST, "string", null),
                            new AuditEvent.Parameter(null, "string", null),
                            new AuditEvent.Parameter(null, "string", "Ada", "who"))),
                    new AuditEvent.Outcome("ok", null, 5, null)));
            dispatcher.record(event("read-1", new AuditEvent.Action("sql", "select", "SELECT …", "f", List.of()),
                    new AuditEvent.Outcome("read", 2L, 9, null,
                            new AuditEvent.Result(true, ROWS, "stmt-1", List.of(2, 4), UNORDERED))));
            dispatcher.record(event("batch-1", new AuditEvent.Action("sql", "update", "UPDATE orders SET status = ? …",
                    "f", List.of("public.orders"), List.of(), new AuditEvent.Batch(List.of(
                            List.of(new AuditEvent.Parameter(null, "string", "packed")),
                            List.of(new AuditEvent.Parameter(null, "null", null))), 250)),
                    new AuditEvent.Outcome("ok", 250L, 30, null)));
        }
    }

    @Test
    void csvCarriesParameterDigestsBatchesAndResultSummariesButNoValue() throws Exception {
        List<String> rows = export(ExportFormat.CSV);
        String header = rows.get(0);
        List<String> columns = List.of(header.split(","));

        assertThat(header).endsWith(",parameters,batch_sets,batch_parameters,result_event,result_complete,"
                + "result_digest,result_unordered_digest,result_masked");
        assertThat(cell(rows.get(1), columns, "parameters"))
                .isEqualTo("integer:" + sha256("7") + ";string:" + DIGEST + ";string;who=string:" + sha256("Ada"));
        assertThat(cell(rows.get(2), columns, "result_event")).isEqualTo("stmt-1");
        assertThat(cell(rows.get(2), columns, "result_complete")).isEqualTo("true");
        assertThat(cell(rows.get(2), columns, "result_digest")).isEqualTo(ROWS);
        assertThat(cell(rows.get(2), columns, "result_unordered_digest")).isEqualTo(UNORDERED);
        assertThat(cell(rows.get(2), columns, "result_masked")).isEqualTo("2;4");
        assertThat(cell(rows.get(3), columns, "batch_sets")).isEqualTo("250");
        assertThat(cell(rows.get(3), columns, "batch_parameters")).isEqualTo("string:" + sha256("packed") + "|null");
        assertThat(String.join("\n", rows)).doesNotContain("Ada").doesNotContain("packed");
    }

    @Test
    void ocsfCarriesThemUnderUnmapped() throws Exception {
        List<JsonNode> events = export(ExportFormat.OCSF).stream().map(AuditJson::readTree).toList();

        JsonNode parameters = events.get(0).at("/unmapped/parameters");
        assertThat(parameters.at("/0/sha256").asText()).isEqualTo(sha256("7"));
        assertThat(parameters.at("/1/sha256").asText()).isEqualTo(DIGEST);
        assertThat(parameters.at("/2/sha256").isNull()).isTrue();
        assertThat(parameters.at("/3/name").asText()).isEqualTo("who");
        assertThat(parameters.at("/3/type").asText()).isEqualTo("string");
        JsonNode result = events.get(1).at("/unmapped/result");
        assertThat(result.get("event").asText()).isEqualTo("stmt-1");
        assertThat(result.get("digest").asText()).isEqualTo(ROWS);
        assertThat(result.get("unordered_digest").asText()).isEqualTo(UNORDERED);
        assertThat(result.get("masked").toString()).isEqualTo("[2,4]");
        JsonNode batch = events.get(2).at("/unmapped/batch");
        assertThat(batch.get("sets").asInt()).isEqualTo(250);
        assertThat(batch.at("/parameters/0/0/sha256").asText()).isEqualTo(sha256("packed"));
        assertThat(events.toString()).doesNotContain("Ada").doesNotContain("packed");
        assertThat(events.get(0).at("/unmapped").has("result")).isFalse();
        assertThat(events.get(1).at("/unmapped").has("parameters")).isFalse();
    }

    private List<String> export(ExportFormat format) throws IOException {
        StringWriter out = new StringWriter();
        AuditExporter.of(format, ExportFilter.all()).export(dir, out);
        return out.toString().lines().toList();
    }

    /** The named column of a CSV row whose cells hold no comma or quote. */
    private static String cell(String row, List<String> columns, String column) {
        return row.split(",", -1)[columns.indexOf(column)];
    }

    private static AuditEvent event(String id, AuditEvent.Action action, AuditEvent.Outcome outcome) {
        return new AuditEvent(id + "-" + AuditIds.newId().substring(0, 4), Instant.parse("2026-12-05T10:00:00Z"), null,
                new AuditEvent.Actor("agent:support", List.of("support-agents"), "https://idp", "jti", null),
                new AuditEvent.Session("s-1", "c-1"), new AuditEvent.Resource("app-db", "jdbc", "h2:mem", "prod"),
                action, new AuditEvent.DecisionInfo("allow", "read", null, 1L, null), List.of(), outcome);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
