package dev.governed.audit.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import dev.governed.audit.recording.ParameterRecording;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What exports carry of an event's session recording: each bound parameter as its type and the SHA-256 of its text
 * (never the text: an export goes to places the trail's readers did not choose; a parameter the policy withheld has
 * no digest to carry), and the result summary as recorded.
 */
final class RecordedParts {

    private RecordedParts() {}

    /** {@code [name=]type[:sha256]} per parameter, joined with {@code ;}. */
    static String csv(List<AuditEvent.Parameter> parameters) {
        return parameters.stream().map(RecordedParts::csv).collect(Collectors.joining(";"));
    }

    private static String csv(AuditEvent.Parameter parameter) {
        String digest = ParameterRecording.digestOf(parameter);
        return (parameter.name() == null ? "" : parameter.name() + "=") + parameter.type()
                + (digest == null ? "" : ":" + digest);
    }

    /** The recorded sets of a batch, each as {@link #csv(List)}, joined with {@code |}. */
    static String csv(AuditEvent.Batch batch) {
        return batch.parameters().stream().map(RecordedParts::csv).collect(Collectors.joining("|"));
    }

    /** {@code [{"name"?, "type", "sha256"}]}: the parameters with digests in place of values. */
    static ArrayNode json(List<AuditEvent.Parameter> parameters) {
        ArrayNode result = AuditJson.mapper().createArrayNode();
        for (AuditEvent.Parameter each : parameters) {
            ObjectNode parameter = result.addObject();
            if (each.name() != null) {
                parameter.put("name", each.name());
            }
            parameter.put("type", each.type());
            parameter.put("sha256", ParameterRecording.digestOf(each));
        }
        return result;
    }

    static ObjectNode json(AuditEvent.Batch batch) {
        ObjectNode result = AuditJson.mapper().createObjectNode();
        result.put("sets", batch.sets());
        ArrayNode sets = result.putArray("parameters");
        batch.parameters().forEach(each -> sets.add(json(each)));
        return result;
    }

    static ObjectNode json(AuditEvent.Result summary) {
        ObjectNode result = AuditJson.mapper().createObjectNode();
        result.put("event", summary.event());
        result.put("complete", summary.complete());
        result.put("digest", summary.digest());
        if (summary.unorderedDigest() != null) {
            result.put("unordered_digest", summary.unorderedDigest());
        }
        ArrayNode masked = result.putArray("masked");
        summary.masked().forEach(masked::add);
        return result;
    }
}
