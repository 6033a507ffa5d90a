package dev.governed.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A statement that stream {@code stream} had, at {@code seq}, the head hash {@code head}.
 * {@code signature} is a compact JWS over {@link #signingInput()} or null when the writer had no
 * key. Line form: {@code {"type":"checkpoint","stream",…,"seq","head","time","signature"}}.
 */
public record Checkpoint(String stream, long seq, String head, Instant time, String signature) {

    public static final String TYPE = "checkpoint";

    public Checkpoint {
        // the line carries microseconds; keeping no more makes a parsed checkpoint equal the written one
        time = time == null ? null : time.truncatedTo(ChronoUnit.MICROS);
    }

    public Checkpoint withSignature(String jws) {
        return new Checkpoint(stream, seq, head, time, jws);
    }

    /** The canonical (RFC 8785) JSON of the checkpoint without its signature: what the JWS signs. */
    public String signingInput() {
        ObjectNode tree = toTree();
        tree.remove("signature");
        return Jcs.canonicalize(tree);
    }

    public ObjectNode toTree() {
        ObjectNode tree = AuditJson.mapper().createObjectNode();
        tree.put("type", TYPE);
        tree.put("stream", stream);
        tree.put("seq", seq);
        tree.put("head", head);
        tree.put("time", AuditJson.formatTime(time));
        tree.put("signature", signature);
        return tree;
    }

    public String toJson() {
        return AuditJson.write(toTree());
    }

    public static boolean isCheckpoint(JsonNode tree) {
        return tree.path("type").asText("").equals(TYPE);
    }

    public static Checkpoint fromTree(JsonNode tree) {
        if (!isCheckpoint(tree) || !tree.path("stream").isTextual() || !tree.path("seq").canConvertToLong()
                || !tree.path("head").isTextual() || !tree.path("time").isTextual()) {
            throw new AuditException("not a valid checkpoint: expected type, stream, seq, head and time fields");
        }
        JsonNode signature = tree.path("signature");
        return new Checkpoint(tree.get("stream").textValue(), tree.get("seq").longValue(),
                tree.get("head").textValue(), AuditJson.parseTime(tree.get("time").textValue()),
                signature.isTextual() ? signature.textValue() : null);
    }
}
