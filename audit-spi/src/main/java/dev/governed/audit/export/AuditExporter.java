package dev.governed.audit.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.RetentionRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Exports the events of audit files (a {@code .jsonl} file, or every {@code .jsonl} file of a
 * directory in name order) in one {@link ExportFormat}, keeping those the {@link ExportFilter}
 * matches. Checkpoints are left out; re-delivered copies of an event (same {@code id}, see the
 * at-least-once spool) are exported once, remembering the last million ids. Lines that are not
 * events are an error naming file:line: run {@code governed audit verify} first.
 */
public final class AuditExporter {

    private static final int REMEMBERED_IDS = 1_000_000;

    private final ExportFormat format;
    private final ExportFilter filter;

    private AuditExporter(ExportFormat format, ExportFilter filter) {
        this.format = format;
        this.filter = filter;
    }

    public static AuditExporter of(ExportFormat format, ExportFilter filter) {
        return new AuditExporter(format, filter);
    }

    /** Writes the matching events to {@code out} and returns how many were written. */
    public long export(Path fileOrDirectory, Writer out) throws IOException {
        EventFormat writer = format.format();
        Map<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED_IDS;
            }
        };
        long written = 0;
        writer.begin(out);
        for (Path file : files(fileOrDirectory)) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                long number = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    AuditEvent event = parse(line, file, number);
                    if (event == null || seen.put(String.valueOf(event.id()), Boolean.TRUE) != null
                            || !filter.matches(event)) {
                        continue;
                    }
                    writer.write(event, line, out);
                    written++;
                }
            }
        }
        writer.end(out);
        out.flush();
        return written;
    }

    private static AuditEvent parse(String line, Path file, long number) {
        try {
            JsonNode tree = AuditJson.readTree(line);
            return Checkpoint.isCheckpoint(tree) || RetentionRecord.isRetention(tree) ? null : AuditJson.fromTree(tree);
        } catch (AuditException e) {
            throw new AuditException(file + ":" + number + ": " + e.getMessage()
                    + "; the file is damaged, run 'governed audit verify' on it", e);
        }
    }

    private static List<Path> files(Path fileOrDirectory) throws IOException {
        if (Files.isRegularFile(fileOrDirectory)) {
            return List.of(fileOrDirectory);
        }
        if (!Files.isDirectory(fileOrDirectory)) {
            throw new IOException("no audit file or directory at " + fileOrDirectory);
        }
        try (Stream<Path> listing = Files.list(fileOrDirectory)) {
            return new ArrayList<>(listing.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .filter(Files::isRegularFile).sorted().toList());
        }
    }
}
