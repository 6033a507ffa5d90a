package dev.governed.audit.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What an auditor reads first: for a period (and optionally one resource), per identity, resource, rule and
 * environment the counts of allowed, denied, approved and masked actions, each with the ids of the events behind
 * it; the denied attempts; the approvals; activity over time. Built in one pass; memory is bounded by the number
 * of distinct identities, resources, rules and environments, and at most {@link #IDS_PER_CELL} ids per count.
 */
public final class AuditReport {

    public static final int IDS_PER_CELL = 200;
    public static final int LISTED = 500;
    public static final int BUCKETS = 48;

    public enum Kind { ALLOWED, DENIED, APPROVED, MASKED }

    /** One count with the ids of its first {@link #IDS_PER_CELL} events. */
    public static final class Cell {
        private long count;
        private final List<String> ids = new ArrayList<>();

        void add(String id) {
            count++;
            if (ids.size() < IDS_PER_CELL) {
                ids.add(id);
            }
        }

        public long count() {
            return count;
        }

        public List<String> ids() {
            return ids;
        }
    }

    /** The four counts of one identity, resource, rule or environment. */
    public static final class Row {
        private final Map<Kind, Cell> cells = new java.util.EnumMap<>(Kind.class);

        Row() {
            for (Kind each : Kind.values()) {
                cells.put(each, new Cell());
            }
        }

        public Cell cell(Kind kind) {
            return cells.get(kind);
        }
    }

    /** A line of the denied-attempts or approvals list. */
    public record Entry(String id, String time, String subject, String resource, String operation, String statement, String rule,
                        String reason, String approval) {}

    private final Instant from;
    private final Instant to;
    private final String resource;
    private final Map<String, Map<String, Row>> dimensions = new java.util.LinkedHashMap<>();
    private final List<Entry> denied = new ArrayList<>();
    private final List<Entry> approvals = new ArrayList<>();
    private final long[] allowedOverTime = new long[BUCKETS];
    private final long[] deniedOverTime = new long[BUCKETS];
    private long events;
    private long deniedTotal;
    private long approvalTotal;

    private AuditReport(Instant from, Instant to, String resource) {
        if (!from.isBefore(to)) {
            throw new AuditException("the report period is empty: --from " + from + " is not before --to " + to);
        }
        this.from = from;
        this.to = to;
        this.resource = resource;
        for (String each : List.of("identity", "resource", "rule", "environment")) {
            dimensions.put(each, new TreeMap<>());
        }
    }

    /** Reads a file, or every {@code *.jsonl} file of a directory in name order, keeping events in [from, to). */
    public static AuditReport of(Path fileOrDirectory, Instant from, Instant to, String resource) throws IOException {
        AuditReport report = new AuditReport(from, to, resource);
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> listing = Files.list(fileOrDirectory)) {
                listing.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
            }
        } else {
            files.add(fileOrDirectory);
        }
        for (Path each : files) {
            try (BufferedReader reader = Files.newBufferedReader(each, StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    report.line(line);
                }
            }
        }
        return report;
    }

    private void line(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonNode event;
        try {
            event = AuditJson.readTree(line);
        } catch (AuditException damaged) {
            return; // the verdict reports damage; the counts cover what can be read
        }
        if (Checkpoint.isCheckpoint(event) || !event.path("time").isTextual()) {
            return;
        }
        Instant time = Instant.parse(event.get("time").textValue());
        String resourceName = text(event.at("/resource/name"));
        if (time.isBefore(from) || !time.isBefore(to) || resource != null && !resource.equals(resourceName)) {
            return;
        }
        events++;
        String id = text(event.path("id"));
        String effect = text(event.at("/decision/effect"));
        boolean approved = event.at("/decision/approval").isTextual() || effect.equals("approve");
        List<Kind> kinds = new ArrayList<>();
        if (effect.equals("allow")) {
            kinds.add(Kind.ALLOWED);
        } else if (effect.equals("deny")) {
            kinds.add(Kind.DENIED);
        }
        if (approved) {
            kinds.add(Kind.APPROVED);
        }
        if (event.path("masking").size() > 0) {
            kinds.add(Kind.MASKED);
        }
        Map<String, String> keys = Map.of("identity", text(event.at("/actor/subject")), "resource", resourceName,
                "rule", text(event.at("/decision/rule")), "environment", text(event.at("/resource/environment")));
        keys.forEach((dimension, key) -> {
            Row row = dimensions.get(dimension).computeIfAbsent(key, k -> new Row());
            kinds.forEach(kind -> row.cell(kind).add(id));
        });
        int bucket = (int) Math.min(BUCKETS - 1, Duration.between(from, time).toMillis() * BUCKETS / Duration.between(from, to).toMillis());
        if (kinds.contains(Kind.DENIED)) {
            deniedOverTime[bucket]++;
            deniedTotal++;
            if (denied.size() < LISTED) {
                denied.add(entry(event, id));
            }
        } else {
            allowedOverTime[bucket]++;
        }
        if (approved) {
            approvalTotal++;
            if (approvals.size() < LISTED) {
                approvals.add(entry(event, id));
            }
        }
    }

    private static Entry entry(JsonNode event, String id) {
        return new Entry(id, text(event.path("time")), text(event.at("/actor/subject")), text(event.at("/resource/name")),
                text(event.at("/action/operation")), event.at("/action/statement").asText(""), text(event.at("/decision/rule")),
                event.at("/decision/reason").asText(event.at("/outcome/error").asText("")), event.at("/decision/approval").asText(""));
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.asText().isEmpty() ? "-" : node.asText();
    }

    public Instant from() {
        return from;
    }

    public Instant to() {
        return to;
    }

    public String resource() {
        return resource;
    }

    public long events() {
        return events;
    }

    /** By dimension (identity, resource, rule, environment), then by its value, in name order. */
    public Map<String, Map<String, Row>> dimensions() {
        return dimensions;
    }

    public List<Entry> denied() {
        return denied;
    }

    public long deniedTotal() {
        return deniedTotal;
    }

    public List<Entry> approvals() {
        return approvals;
    }

    public long approvalTotal() {
        return approvalTotal;
    }

    /** Events per {@link #BUCKETS}-th of the period that were not denied, and those denied. */
    public long[] allowedOverTime() {
        return allowedOverTime.clone();
    }

    public long[] deniedOverTime() {
        return deniedOverTime.clone();
    }
}
