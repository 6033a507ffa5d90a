package dev.governed.service.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Writes stored events as JSON (an array), JSON lines (verifiable with {@code governed audit verify}),
 * CSV (RFC 4180, spreadsheet-formula cells neutralised) or OCSF 1.1 Datastore/API Activity objects.
 */
public final class AuditExport {
    public enum Format {
        JSON("application/json"), JSONL("application/x-ndjson"), CSV("text/csv"), OCSF("application/json");

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        public static Format parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown export format '" + text + "'; use json, jsonl, csv or ocsf");
            }
        }
    }

    static final List<String> CSV_COLUMNS = List.of("id", "time", "stream", "seq", "subject", "groups", "onBehalfOf", "resource",
            "kind", "environment", "action", "operation", "statement", "tables", "effect", "rule", "reason", "policyVersion",
            "approval", "status", "rows", "error", "hash");

    private final Format format;
    private final Writer out;
    private boolean first = true;

    public AuditExport(Format format, Writer out) {
        this.format = format;
        this.out = out;
    }

    public void begin() {
        switch (format) {
            case JSON, OCSF -> write("[");
            case CSV -> write(String.join(",", CSV_COLUMNS) + "\r\n");
            default -> { }
        }
    }

    public void add(StoredEvent event) {
        JsonNode tree = AuditJson.readTree(event.body());
        switch (format) {
            case JSON -> array(event.body());
            case OCSF -> array(AuditJson.write(ocsf(tree)));
            case JSONL -> write(event.body() + "\n");
            case CSV -> write(csv(tree) + "\r\n");
        }
    }

    public void end() {
        if (format == Format.JSON || format == Format.OCSF) {
            write("]");
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void array(String json) {
        write(first ? json : "," + json);
        first = false;
    }

    private void write(String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException("the export could not be written: " + e.getMessage(), e);
        }
    }

    static String csv(JsonNode e) {
        List<String> values = java.util.Arrays.asList(
                text(e, "id"), text(e, "time"), text(e, "chain", "stream"), text(e, "chain", "seq"),
                text(e, "actor", "subject"), joined(e.path("actor").path("groups")), text(e, "actor", "onBehalfOf"),
                text(e, "resource", "name"), text(e, "resource", "kind"), text(e, "resource", "environment"),
                text(e, "action", "kind"), text(e, "action", "operation"), text(e, "action", "statement"),
                joined(e.path("action").path("tables")), text(e, "decision", "effect"), text(e, "decision", "rule"),
                text(e, "decision", "reason"), text(e, "decision", "policyVersion"), text(e, "decision", "approval"),
                text(e, "outcome", "status"), text(e, "outcome", "rows"), text(e, "outcome", "error"), text(e, "chain", "hash"));
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                result.append(',');
            }
            result.append(cell(values.get(i)));
        }
        return result.toString();
    }

    /** Quotes as RFC 4180 requires, and prefixes text a spreadsheet would run as a formula with an apostrophe. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }

    private static String text(JsonNode node, String... path) {
        JsonNode current = node;
        for (String each : path) {
            current = current.path(each);
        }
        return current.isMissingNode() || current.isNull() ? null : current.asText();
    }

    private static String joined(JsonNode array) {
        if (!array.isArray()) {
            return null;
        }
        StringBuilder result = new StringBuilder();
        array.forEach(each -> result.append(result.length() == 0 ? "" : ";").append(each.asText()));
        return result.toString();
    }

    /** OCSF 1.1: SQL events as Datastore Activity (6005), HTTP as API Activity (6003), the rest as API Activity too. */
    static ObjectNode ocsf(JsonNode e) {
        ObjectNode result = AuditJson.mapper().createObjectNode();
        boolean sql = "sql".equals(text(e, "action", "kind"));
        int classUid = sql ? 6005 : 6003;
        String effect = text(e, "decision", "effect");
        boolean allowed = "allow".equals(effect);
        String status = text(e, "outcome", "status");
        result.put("class_uid", classUid);
        result.put("class_name", sql ? "Datastore Activity" : "API Activity");
        result.put("category_uid", 6);
        result.put("category_name", "Application Activity");
        result.put("activity_id", 99);
        result.put("activity_name", text(e, "action", "operation"));
        result.put("type_uid", classUid * 100 + 99);
        String time = text(e, "time");
        if (time != null) {
            result.put("time", Instant.parse(time).toEpochMilli());
        }
        result.put("severity_id", allowed ? 1 : 3);
        result.put("status_id", "ok".equals(status) ? 1 : 2);
        result.put("status", "ok".equals(status) ? "Success" : "Failure");
        if (text(e, "outcome", "error") != null) {
            result.put("status_detail", text(e, "outcome", "error"));
        }
        result.put("disposition_id", allowed ? 1 : "approve".equals(effect) ? 99 : 2);
        result.put("disposition", allowed ? "Allowed" : "approve".equals(effect) ? "Other" : "Blocked");
        ObjectNode metadata = result.putObject("metadata");
        metadata.put("version", "1.1.0");
        metadata.put("uid", text(e, "id"));
        metadata.putObject("product").put("name", "Governed").put("vendor_name", "Governed");
        if (text(e, "chain", "hash") != null) {
            metadata.put("correlation_uid", text(e, "chain", "stream"));
            metadata.put("sequence", e.path("chain").path("seq").asLong());
        }
        ObjectNode user = result.putObject("actor").putObject("user");
        user.put("name", text(e, "actor", "subject"));
        user.put("uid", text(e, "actor", "subject"));
        ArrayNode groups = user.putArray("groups");
        e.path("actor").path("groups").forEach(g -> groups.addObject().put("name", g.asText()));
        if (text(e, "actor", "onBehalfOf") != null) {
            ((ObjectNode) result.get("actor")).putObject("invoked_by").put("name", text(e, "actor", "onBehalfOf"));
        }
        if (sql) {
            ObjectNode database = result.putObject("database");
            database.put("name", text(e, "resource", "name"));
            database.put("type", "Other");
            result.putObject("query_info").put("query_string", text(e, "action", "statement"));
        } else {
            ObjectNode api = result.putObject("api");
            api.put("operation", text(e, "action", "operation"));
            api.putObject("service").put("name", text(e, "resource", "name"));
        }
        ObjectNode unmapped = result.putObject("unmapped");
        unmapped.set("decision", e.path("decision"));
        unmapped.put("environment", text(e, "resource", "environment"));
        return result;
    }
}
