package dev.governed.audit.export;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an {@link AuditReport} as one self-contained HTML page (inline SVG chart, no scripts, no external files) or
 * as Markdown. Every count links to the list of the event ids behind it.
 */
public final class ReportRenderer {

    private static final AuditReport.Kind[] KINDS = AuditReport.Kind.values();

    private ReportRenderer() {}

    public static String html(AuditReport report, String verdict) {
        StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Governed audit report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right}")
                .append("pre{background:#f4f4f4;padding:1em;white-space:pre-wrap}code{font-size:.9em}</style></head><body>\n")
                .append("<h1>Governed audit report</h1>\n<p>Period ").append(esc(report.from().toString())).append(" to ")
                .append(esc(report.to().toString())).append(report.resource() == null ? "" : ", resource " + esc(report.resource()))
                .append(": ").append(report.events()).append(" event(s).</p>\n<h2>Verification</h2>\n<pre>").append(esc(verdict))
                .append("</pre>\n<h2>Activity</h2>\n").append(chart(report));
        for (Map.Entry<String, Map<String, AuditReport.Row>> dimension : report.dimensions().entrySet()) {
            out.append("<h2>By ").append(dimension.getKey()).append("</h2>\n<table><tr><th>").append(dimension.getKey()).append("</th>");
            for (AuditReport.Kind kind : KINDS) {
                out.append("<th>").append(label(kind)).append("</th>");
            }
            out.append("</tr>\n");
            dimension.getValue().forEach((key, row) -> {
                out.append("<tr><td>").append(esc(key)).append("</td>");
                for (AuditReport.Kind kind : KINDS) {
                    long count = row.cell(kind).count();
                    out.append("<td class=\"n\">").append(count == 0 ? "0" : "<a href=\"#" + anchor(dimension.getKey(), key, kind) + "\">"
                            + count + "</a>").append("</td>");
                }
                out.append("</tr>\n");
            });
            out.append("</table>\n");
        }
        out.append("<h2>Denied attempts (").append(report.deniedTotal()).append(")</h2>\n").append(entries(report.denied(), false));
        out.append("<h2>Approvals (").append(report.approvalTotal()).append(")</h2>\n").append(entries(report.approvals(), true));
        out.append("<h2>Event ids behind each count</h2>\n");
        report.dimensions().forEach((dimension, rows) -> rows.forEach((key, row) -> {
            for (AuditReport.Kind kind : KINDS) {
                AuditReport.Cell cell = row.cell(kind);
                if (cell.count() > 0) {
                    out.append("<h3 id=\"").append(anchor(dimension, key, kind)).append("\">").append(esc(dimension)).append(' ')
                            .append(esc(key)).append(", ").append(label(kind)).append(": ").append(cell.count()).append("</h3>\n<p><code>")
                            .append(esc(String.join(" ", cell.ids()))).append("</code>").append(more(cell)).append("</p>\n");
                }
            }
        }));
        return out.append("</body></html>\n").toString();
    }

    public static String markdown(AuditReport report, String verdict) {
        StringBuilder out = new StringBuilder(8_192);
        out.append("# Governed audit report\n\nPeriod ").append(report.from()).append(" to ").append(report.to())
                .append(report.resource() == null ? "" : ", resource " + report.resource()).append(": ").append(report.events())
                .append(" event(s).\n\n## Verification\n\n```\n").append(verdict).append("\n```\n\n## Activity\n\n")
                .append("Events per ").append(AuditReport.BUCKETS).append("th of the period (allowed + denied):\n\n```\n");
        long[] allowed = report.allowedOverTime();
        long[] denied = report.deniedOverTime();
        for (int i = 0; i < allowed.length; i++) {
            out.append(String.format(Locale.ROOT, "%2d %6d %6d%n", i, allowed[i], denied[i]));
        }
        out.append("```\n");
        report.dimensions().forEach((dimension, rows) -> {
            out.append("\n## By ").append(dimension).append("\n\n| ").append(dimension);
            for (AuditReport.Kind kind : KINDS) {
                out.append(" | ").append(label(kind));
            }
            out.append(" |\n|---|---:|---:|---:|---:|\n");
            rows.forEach((key, row) -> {
                out.append("| ").append(md(key));
                for (AuditReport.Kind kind : KINDS) {
                    long count = row.cell(kind).count();
                    out.append(" | ").append(count == 0 ? "0" : "[" + count + "](#" + anchor(dimension, key, kind) + ")");
                }
                out.append(" |\n");
            });
        });
        out.append("\n## Denied attempts (").append(report.deniedTotal()).append(")\n\n| time | subject | resource | operation | rule | reason | event |\n|---|---|---|---|---|---|---|\n");
        report.denied().forEach(e -> out.append("| ").append(e.time()).append(" | ").append(md(e.subject())).append(" | ").append(md(e.resource()))
                .append(" | ").append(md(e.operation())).append(" | ").append(md(e.rule())).append(" | ").append(md(e.reason())).append(" | `")
                .append(e.id()).append("` |\n"));
        out.append("\n## Approvals (").append(report.approvalTotal()).append(")\n\n| time | subject | resource | operation | approval | reason | event |\n|---|---|---|---|---|---|---|\n");
        report.approvals().forEach(e -> out.append("| ").append(e.time()).append(" | ").append(md(e.subject())).append(" | ").append(md(e.resource()))
                .append(" | ").append(md(e.operation())).append(" | ").append(md(e.approval())).append(" | ").append(md(e.reason())).append(" | `")
                .append(e.id()).append("` |\n"));
        out.append("\n## Event ids behind each count\n");
        report.dimensions().forEach((dimension, rows) -> rows.forEach((key, row) -> {
            for (AuditReport.Kind kind : KINDS) {
                AuditReport.Cell cell = row.cell(kind);
                if (cell.count() > 0) {
                    out.append("\n<a id=\"").append(anchor(dimension, key, kind)).append("\"></a>\n**").append(dimension).append(' ')
                            .append(md(key)).append(", ").append(label(kind)).append(": ").append(cell.count()).append("**: `")
                            .append(String.join("` `", cell.ids())).append('`').append(more(cell)).append('\n');
                }
            }
        }));
        return out.toString();
    }

    private static String chart(AuditReport report) {
        long[] allowed = report.allowedOverTime();
        long[] denied = report.deniedOverTime();
        long max = 1;
        for (int i = 0; i < allowed.length; i++) {
            max = Math.max(max, allowed[i] + denied[i]);
        }
        int width = 12;
        int height = 120;
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + (allowed.length * width + 10)
                + "\" height=\"" + (height + 20) + "\" role=\"img\" aria-label=\"events over time: allowed green, denied red\">\n");
        for (int i = 0; i < allowed.length; i++) {
            int ok = (int) (allowed[i] * height / max);
            int no = (int) (denied[i] * height / max);
            int x = 5 + i * width;
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(height - ok - no).append("\" width=\"").append(width - 2)
                    .append("\" height=\"").append(ok).append("\" fill=\"#4a4\"><title>").append(allowed[i]).append(" allowed</title></rect>")
                    .append("<rect x=\"").append(x).append("\" y=\"").append(height - no).append("\" width=\"").append(width - 2)
                    .append("\" height=\"").append(no).append("\" fill=\"#c33\"><title>").append(denied[i]).append(" denied</title></rect>\n");
        }
        svg.append("<text x=\"5\" y=\"").append(height + 15).append("\" font-size=\"10\">").append(esc(report.from().toString()))
                .append("</text><text x=\"").append(allowed.length * width + 5).append("\" y=\"").append(height + 15)
                .append("\" font-size=\"10\" text-anchor=\"end\">").append(esc(report.to().toString())).append("</text></svg>\n");
        return svg.toString();
    }

    private static String entries(List<AuditReport.Entry> entries, boolean approvals) {
        StringBuilder out = new StringBuilder("<table><tr><th>time</th><th>subject</th><th>resource</th><th>operation</th><th>"
                + (approvals ? "approval" : "rule") + "</th><th>reason</th><th>statement</th><th>event</th></tr>\n");
        for (AuditReport.Entry each : entries) {
            out.append("<tr><td>").append(esc(each.time())).append("</td><td>").append(esc(each.subject())).append("</td><td>")
                    .append(esc(each.resource())).append("</td><td>").append(esc(each.operation())).append("</td><td>")
                    .append(esc(approvals ? each.approval() : each.rule())).append("</td><td>").append(esc(each.reason()))
                    .append("</td><td><code>").append(esc(each.statement())).append("</code></td><td><code>").append(esc(each.id()))
                    .append("</code></td></tr>\n");
        }
        return out.append("</table>\n").toString();
    }

    private static String more(AuditReport.Cell cell) {
        return cell.count() > cell.ids().size() ? " and " + (cell.count() - cell.ids().size()) + " more (filter the export)" : "";
    }

    static String anchor(String dimension, String key, AuditReport.Kind kind) {
        return "ids-" + dimension + "-" + key.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + Integer.toHexString(key.hashCode())
                + "-" + kind.name().toLowerCase(Locale.ROOT);
    }

    private static String label(AuditReport.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String md(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
