package dev.governed.audit.export;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * RFC 4180 CSV (CRLF line ends, fields quoted when they hold a comma, quote or line break) with
 * the header {@link #COLUMNS}. Lists ({@code groups}, {@code tables}) are joined with {@code ;};
 * {@code masked_columns} holds {@code column:strategy:count} items joined with {@code ;}. The session recording
 * comes last: {@code parameters} as {@code [name=]type[:sha256]} items joined with {@code ;} (the SHA-256 of each
 * value's text, never the text; no digest when the event holds none: withheld, NULL, a stream), a batch's
 * {@code batch_sets} and its recorded sets in {@code batch_parameters} (each like {@code parameters}, joined with
 * {@code |}), and a result summary's {@code result_*} columns ({@code result_masked}: 1-based columns joined with
 * {@code ;}). A text
 * value starting with {@code = + - @}, tab or CR gets a leading {@code '} so a spreadsheet does not
 * run it as a formula (SQL text and subjects come from the audited side).
 */
final class CsvFormat implements EventFormat {

    static final List<String> COLUMNS = List.of("id", "time", "stream", "seq", "subject", "groups", "issuer",
            "token_id", "on_behalf_of", "session_id", "connection_id", "resource", "resource_kind", "target",
            "environment", "action_kind", "operation", "statement", "fingerprint", "tables", "effect", "rule", "reason",
            "policy_version", "approval", "masked_columns", "status", "rows", "duration_micros", "error",
            "parameters", "batch_sets", "batch_parameters", "result_event", "result_complete", "result_digest",
            "result_unordered_digest", "result_masked");

    @Override
    public void begin(Writer out) throws IOException {
        out.write(String.join(",", COLUMNS));
        out.write("\r\n");
    }

    @Override
    public void write(AuditEvent e, String json, Writer out) throws IOException {
        List<String> row = new ArrayList<>(COLUMNS.size());
        row.add(text(e.id()));
        row.add(e.time() == null ? "" : AuditJson.formatTime(e.time()));
        row.add(e.chain() == null ? "" : text(e.chain().stream()));
        row.add(e.chain() == null ? "" : Long.toString(e.chain().seq()));
        AuditEvent.Actor actor = e.actor();
        row.add(actor == null ? "" : text(actor.subject()));
        row.add(actor == null ? "" : text(String.join(";", actor.groups())));
        row.add(actor == null ? "" : text(actor.issuer()));
        row.add(actor == null ? "" : text(actor.tokenId()));
        row.add(actor == null ? "" : text(actor.onBehalfOf()));
        row.add(e.session() == null ? "" : text(e.session().id()));
        row.add(e.session() == null ? "" : text(e.session().connection()));
        AuditEvent.Resource resource = e.resource();
        row.add(resource == null ? "" : text(resource.name()));
        row.add(resource == null ? "" : text(resource.kind()));
        row.add(resource == null ? "" : text(resource.target()));
        row.add(resource == null ? "" : text(resource.environment()));
        AuditEvent.Action action = e.action();
        row.add(action == null ? "" : text(action.kind()));
        row.add(action == null ? "" : text(action.operation()));
        row.add(action == null ? "" : text(action.statement()));
        row.add(action == null ? "" : text(action.fingerprint()));
        row.add(action == null ? "" : text(String.join(";", action.tables())));
        AuditEvent.DecisionInfo decision = e.decision();
        row.add(decision == null ? "" : text(decision.effect()));
        row.add(decision == null ? "" : text(decision.rule()));
        row.add(decision == null ? "" : text(decision.reason()));
        row.add(decision == null || decision.policyVersion() == null ? "" : decision.policyVersion().toString());
        row.add(decision == null ? "" : text(decision.approval()));
        row.add(text(e.masking().stream().map(m -> m.column() + ":" + m.strategy() + ":" + m.values())
                .collect(Collectors.joining(";"))));
        AuditEvent.Outcome outcome = e.outcome();
        row.add(outcome == null ? "" : text(outcome.status()));
        row.add(outcome == null || outcome.rows() == null ? "" : outcome.rows().toString());
        row.add(outcome == null ? "" : Long.toString(outcome.durationMicros()));
        row.add(outcome == null ? "" : text(outcome.error()));
        row.add(action == null ? "" : text(RecordedParts.csv(action.parameters())));
        AuditEvent.Batch batch = action == null ? null : action.batch();
        row.add(batch == null ? "" : Integer.toString(batch.sets()));
        row.add(batch == null ? "" : text(RecordedParts.csv(batch)));
        AuditEvent.Result result = outcome == null ? null : outcome.result();
        row.add(result == null ? "" : text(result.event()));
        row.add(result == null ? "" : Boolean.toString(result.complete()));
        row.add(result == null ? "" : text(result.digest()));
        row.add(result == null ? "" : text(result.unorderedDigest()));
        row.add(result == null ? "" : text(result.masked().stream().map(String::valueOf)
                .collect(Collectors.joining(";"))));
        out.write(String.join(",", row));
        out.write("\r\n");
    }

    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String safe = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') < 0 && safe.indexOf('"') < 0 && safe.indexOf('\n') < 0 && safe.indexOf('\r') < 0) {
            return safe;
        }
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
