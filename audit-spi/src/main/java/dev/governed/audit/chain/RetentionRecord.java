package dev.governed.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A signed statement that events {@code first..last} of {@code stream} were removed under retention rule
 * {@code rule} at {@code expiredAt}. {@code prev} is the {@code prev} of event {@code first} and {@code lastHash} the
 * hash of event {@code last}, so the record takes the place of the removed events in the chain: the first remaining
 * event's {@code prev} equals {@code lastHash}. {@code checkpoint} is the signed checkpoint at {@code last} that covered
 * them. {@code signature} is a compact JWS over {@link #signingInput()} by the key that keeps the trail.
 *
 * <p>Line form: {@code {"type":"retention","stream",…,"first","last","prev","lastHash","count","rule","expiredAt",
 * "checkpoint":{…},"signature"}}. It has no {@code chain} and no {@code time}, so a reader that knows only events and
 * checkpoints refuses it rather than taking it for an event.
 */
public record RetentionRecord(String stream, long first, long last, String prev, String lastHash, String rule,
                              Instant expiredAt, Checkpoint checkpoint, String signature) {

    public static final String TYPE = "retention";

    public RetentionRecord {
        expiredAt = expiredAt == null ? null : expiredAt.truncatedTo(ChronoUnit.MICROS);
    }

    public long count() {
        return last - first + 1;
    }

    public RetentionRecord withSignature(String jws) {
        return new RetentionRecord(stream, first, last, prev, lastHash, rule, expiredAt, checkpoint, jws);
    }

    /** The canonical (RFC 8785) JSON of the record without its signature: what the JWS signs. */
    public String signingInput() {
        ObjectNode tree = toTree();
        tree.remove("signature");
        return Jcs.canonicalize(tree);
    }

    public ObjectNode toTree() {
        ObjectNode tree = AuditJson.mapper().createObjectNode();
        tree.put("type", TYPE);
        tree.put("stream", stream);
        tree.put("first", first);
        tree.put("last", last);
        tree.put("prev", prev);
        tree.put("lastHash", lastHash);
        tree.put("count", count());
        tree.put("rule", rule);
        tree.put("expiredAt", AuditJson.formatTime(expiredAt));
        tree.set("checkpoint", checkpoint.toTree());
        tree.put("signature", signature);
        return tree;
    }

    public String toJson() {
        return AuditJson.write(toTree());
    }

    public static boolean isRetention(JsonNode tree) {
        return tree.path("type").asText("").equals(TYPE);
    }

    public static RetentionRecord fromTree(JsonNode tree) {
        if (!isRetention(tree) || !tree.path("stream").isTextual() || !tree.path("first").canConvertToLong()
                || !tree.path("last").canConvertToLong() || !tree.path("prev").isTextual() || !tree.path("lastHash").isTextual()
                || !tree.path("rule").isTextual() || !tree.path("expiredAt").isTextual() || !tree.path("checkpoint").isObject()) {
            throw new AuditException("not a valid retention record: expected type, stream, first, last, prev, lastHash, rule,"
                    + " expiredAt and checkpoint fields");
        }
        long first = tree.get("first").longValue();
        long last = tree.get("last").longValue();
        if (first < 1 || last < first || (tree.has("count") && tree.path("count").asLong() != last - first + 1)) {
            throw new AuditException("not a valid retention record: first " + first + ", last " + last + " and count "
                    + tree.path("count") + " do not agree");
        }
        JsonNode signature = tree.path("signature");
        return new RetentionRecord(tree.get("stream").textValue(), first, last, tree.get("prev").textValue(),
                tree.get("lastHash").textValue(), tree.get("rule").textValue(), AuditJson.parseTime(tree.get("expiredAt").textValue()),
                Checkpoint.fromTree(tree.get("checkpoint")), signature.isTextual() ? signature.textValue() : null);
    }
}
