package dev.governed.service.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.HashChain;
import dev.governed.service.web.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an audit upload, a JSON array or JSON lines (what the {@code jsonl} sink writes), all or nothing:
 * one malformed event refuses the whole batch, naming it, so a client never half-uploads.
 */
public final class AuditBatchParser {
    private static final int MAX_ID_LENGTH = 64;
    private static final ObjectReader STRICT = AuditJson.mapper().readerFor(AuditEvent.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The events and checkpoints of one upload, in the order sent. */
    public record Batch(List<IncomingEvent> events, List<Checkpoint> checkpoints) {}

    private AuditBatchParser() {}

    public static Batch parse(String text, boolean jsonLines, int maxEvents) {
        List<JsonNode> nodes = new ArrayList<>();
        if (jsonLines) {
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    nodes.add(readLine(lines[i], "line " + (i + 1)));
                    requireWithinLimit(nodes.size(), maxEvents);
                }
            }
        } else {
            JsonNode root = readLine(text, "the body");
            if (!root.isArray()) {
                throw ApiException.badRequest("the body must be a JSON array of audit events (or send Content-Type application/x-ndjson "
                        + "with one event per line)");
            }
            requireWithinLimit(root.size(), maxEvents);
            root.forEach(nodes::add);
        }
        if (nodes.isEmpty()) {
            throw ApiException.badRequest("the upload holds no audit events");
        }
        List<IncomingEvent> events = new ArrayList<>();
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            String where = jsonLines ? "event " + (i + 1) : "event [" + i + "]";
            if (!node.isObject()) {
                throw ApiException.badRequest(where + " is not a JSON object");
            }
            if (dev.governed.audit.chain.RetentionRecord.isRetention(node)) {
                throw ApiException.badRequest(where + " is a retention record; only the service writes those, when it expires"
                        + " events under its retention rules");
            }
            if (Checkpoint.isCheckpoint(node)) {
                checkpoints.add(checkpoint(node, where));
            } else {
                events.add(event(node, where));
            }
        }
        return new Batch(events, checkpoints);
    }

    private static void requireWithinLimit(int count, int maxEvents) {
        if (count > maxEvents) {
            throw new ApiException(413, "payload_too_large", "the upload holds more than " + maxEvents
                    + " events; send them in batches of at most " + maxEvents);
        }
    }

    private static JsonNode readLine(String text, String where) {
        try {
            JsonNode result = AuditJson.mapper().readTree(text);
            if (result == null || result.isMissingNode()) {
                throw ApiException.badRequest(where + " is empty");
            }
            return result;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(where + " is not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
    }

    private static IncomingEvent event(JsonNode node, String where) {
        AuditEvent event;
        try {
            event = STRICT.readValue(node);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest(where + " has an unknown field '" + e.getPropertyName() + "' at "
                    + e.getPathReference() + "; send events in the audit event contract shape");
        } catch (java.io.IOException e) {
            throw ApiException.badRequest(where + " is not an audit event: " + firstLine(e.getMessage()));
        }
        if (event.id() == null || event.id().isBlank() || event.id().length() > MAX_ID_LENGTH) {
            throw ApiException.badRequest(where + " needs an id of 1 to " + MAX_ID_LENGTH + " characters");
        }
        if (event.time() == null) {
            throw ApiException.badRequest(where + " (id " + event.id() + ") has no time");
        }
        AuditEvent.Chain chain = event.chain();
        boolean hashValid = true;
        if (chain != null) {
            if (chain.stream() == null || chain.stream().isBlank() || chain.stream().length() > MAX_ID_LENGTH || chain.seq() < 1
                    || chain.hash() == null) {
                throw ApiException.badRequest(where + " (id " + event.id() + ") has an incomplete chain: stream, seq >= 1, prev and hash "
                        + "are required when chain is present");
            }
            hashValid = chain.hash().equals(HashChain.hashOf(node));
        }
        return new IncomingEvent(event, AuditJson.write(node), hashValid);
    }

    private static Checkpoint checkpoint(JsonNode node, String where) {
        try {
            Checkpoint result = Checkpoint.fromTree(node);
            if (result.stream() == null || result.head() == null) {
                throw ApiException.badRequest(where + " is a checkpoint without stream or head");
            }
            return result;
        } catch (RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.badRequest(where + " is not a valid checkpoint: " + e.getMessage());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
