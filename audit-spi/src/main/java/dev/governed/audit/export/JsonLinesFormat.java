package dev.governed.audit.export;

import dev.governed.audit.AuditEvent;
import java.io.IOException;
import java.io.Writer;

final class JsonLinesFormat implements EventFormat {

    @Override
    public void write(AuditEvent event, String json, Writer out) throws IOException {
        out.write(json);
        out.write('\n');
    }
}
