package dev.governed.audit.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditException;
import dev.governed.audit.AuditJson;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.EventEncoder;
import dev.governed.audit.chain.Jcs;
import dev.governed.audit.chain.RetentionRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The per-line work of verification that needs no other line: parse, hash the event's canonical form, check a
 * checkpoint's signature. Runs on several threads at once (one instance each); the order-dependent checks stay
 * with the single thread that consumes the results in file order.
 */
final class LineParser {

    private static final String EVENT_LINE_START = "{\"id\":";

    sealed interface Parsed permits Event, CheckpointLine, RetentionLine, Damaged {}

    /** An event's chain fields and the SHA-256 of its canonical form without {@code hash}. */
    record Event(String stream, long seq, String prev, String claimedHash, byte[] hash) implements Parsed {}

    record CheckpointLine(Checkpoint checkpoint, TrustedKeys.Check check) implements Parsed {}

    /** A retention record, its own signature check and its covering checkpoint's. */
    record RetentionLine(RetentionRecord record, TrustedKeys.Check check, TrustedKeys.Check checkpointCheck) implements Parsed {}

    record Damaged(String reason) implements Parsed {}

    private final TrustedKeys trusted;
    private final MessageDigest digest = sha256();
    private final EventEncoder encoder = new EventEncoder();

    LineParser(TrustedKeys trusted) {
        this.trusted = trusted;
    }

    /** What the line holds; null for a blank line. */
    Parsed parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        if (line.startsWith(EVENT_LINE_START)) {
            Event written = writtenEvent(line);
            if (written != null) {
                return written;
            }
        }
        JsonNode tree;
        try {
            tree = AuditJson.readTree(line);
        } catch (AuditException e) {
            return new Damaged("not a JSON object (damaged or cut-off line)");
        }
        if (Checkpoint.isCheckpoint(tree)) {
            try {
                Checkpoint checkpoint = Checkpoint.fromTree(tree);
                return new CheckpointLine(checkpoint, trusted.check(checkpoint));
            } catch (AuditException e) {
                return new Damaged("malformed checkpoint: " + e.getMessage());
            }
        }
        if (RetentionRecord.isRetention(tree)) {
            try {
                RetentionRecord record = RetentionRecord.fromTree(tree);
                return new RetentionLine(record, trusted.check(record), trusted.check(record.checkpoint()));
            } catch (AuditException e) {
                return new Damaged("malformed retention record: " + e.getMessage());
            }
        }
        JsonNode chain = tree.path("chain");
        if (!chain.path("stream").isTextual() || !chain.path("seq").canConvertToLong()
                || !chain.path("prev").isTextual() || !chain.path("hash").isTextual()) {
            return new Damaged("event without a complete chain (stream, seq, prev, hash): not written by"
                    + " the dispatcher, or inserted");
        }
        String claimed = chain.get("hash").textValue();
        return new Event(chain.get("stream").textValue(), chain.get("seq").longValue(), chain.get("prev").textValue(), claimed,
                hashOf(tree));
    }

    /** SHA-256 of the event's canonical JSON without {@code chain.hash}; takes the hash out of the tree. */
    byte[] hashOf(JsonNode tree) {
        if (tree.get("chain") instanceof ObjectNode chain) {
            chain.remove("hash");
        }
        return digest.digest(Jcs.canonicalBytes(tree));
    }

    /**
     * The fast path for a line exactly as the dispatcher writes it: the event is read into its record, hashed by the
     * writer's own canonical encoder, and accepted only if encoding it again gives the very same line (so no field
     * was added, dropped or written differently); anything else takes the general tree path.
     */
    private Event writtenEvent(String line) {
        AuditEvent event;
        try {
            event = AuditJson.fromJson(line);
        } catch (AuditException notAnEvent) {
            return null;
        }
        AuditEvent.Chain chain = event.chain();
        if (chain == null || chain.stream() == null || chain.prev() == null || chain.hash() == null || !EventEncoder.fits(event)) {
            return null;
        }
        encoder.canonical(event, chain.stream(), chain.seq(), chain.prev());
        digest.update(encoder.buffer(), 0, encoder.length());
        byte[] hash = digest.digest();
        if (!encoder.chainedLine(event, chain.hash()).equals(line)) {
            return null;
        }
        return new Event(chain.stream(), chain.seq(), chain.prev(), chain.hash(), hash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
