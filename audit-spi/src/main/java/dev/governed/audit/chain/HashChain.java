package dev.governed.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One stream of hash-chained events. Not thread-safe by design: the dispatcher's single writer
 * thread owns it, so the hot path never contends on a lock.
 *
 * <p>{@code hash} = hex SHA-256 over the RFC 8785 canonical JSON of the event without
 * {@code chain.hash}; {@code prev} is the previous event's hash, 64 zeros for the first event of a
 * fresh stream, or the head of the last checkpoint of the stream this one resumes.
 */
public final class HashChain {

    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private final String stream;
    private final EventEncoder encoder = new EventEncoder();
    private final MessageDigest digest = sha256();
    private long seq;
    private String head;

    public HashChain(String stream, String initialPrev) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.head = initialPrev == null ? GENESIS : initialPrev;
    }

    /** The event placed at the next position, with its contract JSON line (no line break). */
    public record Linked(AuditEvent event, String json) {}

    public Linked append(AuditEvent event) {
        long nextSeq = seq + 1;
        if (!EventEncoder.fits(event) || nextSeq > 9007199254740991L) {
            return appendThroughTree(AuditJson.atMicros(event), nextSeq);
        }
        // one hand-written pass for the hash; the line is copied together from it; no tree, no per-event digest
        encoder.canonical(event, stream, nextSeq, head);
        digest.update(encoder.buffer(), 0, encoder.length());
        String hash = HEX.formatHex(digest.digest());
        // the encoder writes whole microseconds; the record says the same, in the one copy made anyway
        Instant time = event.time() == null ? null : event.time().truncatedTo(ChronoUnit.MICROS);
        AuditEvent linked = new AuditEvent(event.id(), time, new AuditEvent.Chain(stream, nextSeq, head, hash),
                event.actor(), event.session(), event.resource(), event.action(), event.decision(), event.masking(),
                event.outcome());
        seq = nextSeq;
        head = hash;
        return new Linked(linked, encoder.chainedLine(event, hash));
    }

    // integers beyond 2^53 take JCS's double form, which only the tree path writes
    private Linked appendThroughTree(AuditEvent event, long nextSeq) {
        ObjectNode tree = AuditJson.toTree(event.withChain(new AuditEvent.Chain(stream, nextSeq, head, null)));
        ObjectNode chain = (ObjectNode) tree.get("chain");
        chain.remove("hash");
        String hash = sha256Hex(Jcs.canonicalBytes(tree));
        chain.put("hash", hash); // appended last: same field order as the record
        seq = nextSeq;
        String prev = head;
        head = hash;
        return new Linked(event.withChain(new AuditEvent.Chain(stream, nextSeq, prev, hash)), AuditJson.write(tree));
    }

    /** Loads and initialises what {@link #append} needs, off the callers' path. */
    public static void warmUp() {
        new HashChain("warm-up", null).append(new AuditEvent("warm-up", java.time.Instant.now(), null,
                new AuditEvent.Actor("warm-up", null, null, null, null), new AuditEvent.Session(null, null),
                new AuditEvent.Resource(null, null, null, null), new AuditEvent.Action(null, null, null, null, null),
                new AuditEvent.DecisionInfo(null, null, null, null, null),
                java.util.List.of(new AuditEvent.Masking("c", "s", 1)), new AuditEvent.Outcome("ok", null, 0, null)));
    }

    /** Recomputes the hash of a parsed event line; the tree is not modified. */
    public static String hashOf(JsonNode eventTree) {
        ObjectNode copy = eventTree.deepCopy();
        JsonNode chain = copy.get("chain");
        if (chain instanceof ObjectNode chainObject) {
            chainObject.remove("hash");
        }
        return sha256Hex(Jcs.canonicalBytes(copy));
    }

    public String stream() {
        return stream;
    }

    /** Sequence number of the last appended event; 0 before the first. */
    public long seq() {
        return seq;
    }

    /** Hash of the last appended event, or the initial prev before the first. */
    public String head() {
        return head;
    }

    static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
