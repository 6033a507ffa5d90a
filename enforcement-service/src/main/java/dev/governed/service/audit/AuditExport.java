package dev.governed.service.audit;

import dev.governed.audit.AuditException;
import dev.governed.audit.export.AuditExporter;
import dev.governed.audit.export.ExportFilter;
import dev.governed.audit.export.ExportFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Exports stored events in the formats of {@code governed audit export}: {@code json} (the contract lines),
 * {@code csv} and {@code ocsf} are written by audit-spi's {@link AuditExporter}, so a file exported locally and
 * one exported from the service look the same; {@code jsonl} is the contract lines plus, for whole streams, the
 * signed retention records of expired events and the stored checkpoints, which {@code governed audit verify}
 * checks, signatures included.
 */
public final class AuditExport {
    private static final String JSONL = "jsonl";

    private final String format;
    private final ExportFormat spiFormat;

    private AuditExport(String format, ExportFormat spiFormat) {
        this.format = format;
        this.spiFormat = spiFormat;
    }

    /** @throws IllegalArgumentException naming the known formats when {@code name} is not one */
    public static AuditExport of(String name) {
        String format = name.trim().toLowerCase(Locale.ROOT);
        if (format.equals(JSONL)) {
            return new AuditExport(format, null);
        }
        try {
            return new AuditExport(format, ExportFormat.parse(format));
        } catch (AuditException e) {
            throw new IllegalArgumentException("unknown export format '" + name + "'; use json, jsonl, csv or ocsf");
        }
    }

    public String contentType() {
        return format.equals("csv") ? "text/csv" : "application/x-ndjson";
    }

    public boolean carriesCheckpoints() {
        return spiFormat == null;
    }

    /**
     * Writes the events {@code store} holds for {@code filter}; with {@code withCheckpoints}, also the stored
     * checkpoints of {@code stream} (all streams when null). Other formats go through a temporary file, so
     * memory holds one page of events whatever the size of the export.
     */
    public void write(AuditStore store, AuditFilter filter, boolean withCheckpoints, Writer out) throws IOException {
        if (spiFormat == null) {
            if (!withCheckpoints) {
                store.forEach(filter, each -> line(out, each.body()));
                out.flush();
                return;
            }
            // retention records first: each stands in for expired events, so it precedes the events that remain
            store.forEachRetention(filter.stream(), json -> line(out, json));
            // each checkpoint right after its event: the verifier then checks it in one pass, in constant memory
            java.util.Map<String, String> checkpoints = new java.util.HashMap<>();
            store.forEachCheckpoint(filter.stream(), json -> {
                var tree = dev.governed.audit.AuditJson.readTree(json);
                checkpoints.put(tree.path("stream").asText() + "#" + tree.path("seq").asLong(), json);
            });
            store.forEach(filter, each -> {
                line(out, each.body());
                var chain = dev.governed.audit.AuditJson.readTree(each.body()).path("chain");
                String checkpoint = checkpoints.remove(chain.path("stream").asText() + "#" + chain.path("seq").asLong());
                if (checkpoint != null) {
                    line(out, checkpoint);
                }
            });
            checkpoints.values().forEach(json -> line(out, json));
            out.flush();
            return;
        }
        Path spool = Files.createTempFile("governed-export-", ".jsonl");
        try {
            try (BufferedWriter lines = Files.newBufferedWriter(spool, StandardCharsets.UTF_8)) {
                store.forEach(filter, each -> line(lines, each.body()));
            }
            AuditExporter.of(spiFormat, ExportFilter.all()).export(spool, out);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static void line(Writer out, String json) {
        try {
            out.write(json);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("the export could not be written: " + e.getMessage(), e);
        }
    }
}
