package dev.governed.audit.export;

import dev.governed.audit.AuditException;
import java.util.Arrays;
import java.util.Locale;

/** The formats of {@code governed audit export --format}. */
public enum ExportFormat {
    /** The stored contract lines, unchanged (still verifiable event by event). */
    JSON(new JsonLinesFormat()),
    /** RFC 4180 CSV with a header; the columns are listed in {@link CsvFormat#COLUMNS}. */
    CSV(new CsvFormat()),
    /** One OCSF 1.3 event per line: Datastore Activity (6005) for sql, API Activity (6003) for http. */
    OCSF(new OcsfFormat());

    private final EventFormat format;

    ExportFormat(EventFormat format) {
        this.format = format;
    }

    EventFormat format() {
        return format;
    }

    public static ExportFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AuditException("unknown export format '" + name + "'; use one of "
                    + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
        }
    }
}
