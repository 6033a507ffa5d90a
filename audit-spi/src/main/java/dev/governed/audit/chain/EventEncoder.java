package dev.governed.audit.chain;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Writes an {@link AuditEvent} as UTF-8 JSON straight into one reused byte buffer, without a
 * Jackson tree: either the RFC 8785 canonical form that the chain hashes, or the contract line
 * the sinks receive. Both use the RFC 8785 escaping, so a line parses back into exactly the
 * values that were hashed, and {@link Jcs} over the parsed line reproduces {@link #canonical}.
 *
 * <p>The line keeps the contract's field order: key order carries no meaning in JSON, but readers
 * (people, {@code grep}, the contract example) expect {@code id} and {@code time} first, and a
 * second pass over an event in the buffer costs a fraction of the hash. Not thread-safe: one
 * instance per thread.
 */
public final class EventEncoder {

    /** Integers JCS writes as themselves; larger ones take the double form, which {@link #fits} leaves to Jackson. */
    private static final long MAX_SAFE_INTEGER = 9007199254740991L;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = bytes("null");

    private static final int A_FINGERPRINT = 0;
    private static final int A_KIND = 1;
    private static final int A_OPERATION = 2;
    private static final int A_STATEMENT = 3;
    private static final int A_TABLES = 4;
    private static final int AC_GROUPS = 5;
    private static final int AC_ISSUER = 6;
    private static final int AC_ON_BEHALF_OF = 7;
    private static final int AC_SUBJECT = 8;
    private static final int AC_TOKEN_ID = 9;
    private static final int C_PREV = 10;
    private static final int C_SEQ = 11;
    private static final int C_STREAM = 12;
    private static final int D_APPROVAL = 13;
    private static final int D_EFFECT = 14;
    private static final int D_POLICY_VERSION = 15;
    private static final int D_REASON = 16;
    private static final int D_RULE = 17;
    private static final int ID = 18;
    private static final int MASKING = 19;
    private static final int O_DURATION = 20;
    private static final int O_ERROR = 21;
    private static final int O_ROWS = 22;
    private static final int O_STATUS = 23;
    private static final int R_ENVIRONMENT = 24;
    private static final int R_KIND = 25;
    private static final int R_NAME = 26;
    private static final int R_TARGET = 27;
    private static final int S_CONNECTION = 28;
    private static final int S_ID = 29;
    private static final int TIME = 30;
    private static final int AC_DELEGATION = 31;
    private static final int A_PARAMETERS = 32;
    private static final int O_RESULT = 33;
    private static final int A_BATCH = 34;
    private static final int SLOTS = 35;
    private static final int CACHE_SLOTS = 1024;
    private static final int CACHED_CHARS = 512;

    private final String[] cachedStrings = new String[CACHE_SLOTS];
    private final byte[][] cachedBytes = new byte[CACHE_SLOTS][];
    private int misses;
    private byte[] buffer = new byte[2048];
    // where canonical() put each value, so the line is assembled by copying instead of encoding again
    private final int[] slotStart = new int[SLOTS];
    private final int[] slotEnd = new int[SLOTS];
    private byte[] line = new byte[2048];
    private int lineLength;
    private int length;

    /** Whether this encoder writes the event exactly as {@link Jcs} would; false only for integers beyond 2^53. */
    public static boolean fits(AuditEvent event) {
        if (event.chain() != null && !safe(event.chain().seq())) {
            return false;
        }
        if (event.decision() != null && event.decision().policyVersion() != null
                && !safe(event.decision().policyVersion())) {
            return false;
        }
        if (event.outcome() != null && (!safe(event.outcome().durationMicros())
                || event.outcome().rows() != null && !safe(event.outcome().rows()))) {
            return false;
        }
        for (AuditEvent.Masking each : event.masking()) {
            if (!safe(each.values())) {
                return false;
            }
        }
        return true;
    }

    private static boolean safe(long value) {
        return value <= MAX_SAFE_INTEGER && value >= -MAX_SAFE_INTEGER;
    }

    /** The written bytes are {@code buffer()[0, length())}, valid until the next call. */
    public byte[] buffer() {
        return buffer;
    }

    public int length() {
        return length;
    }

    public String text() {
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * The RFC 8785 form of {@code event} placed at ({@code stream}, {@code seq}, {@code prev}),
     * without {@code chain.hash}: members sorted by name at every level, no whitespace.
     */
    public EventEncoder canonical(AuditEvent event, String stream, long seq, String prev) {
        length = 0;
        raw("{\"action\":");
        AuditEvent.Action action = event.action();
        if (action == null) {
            raw(NULL);
        } else {
            // batch < fingerprint; left out when null so such events hash as they always did
            if (action.batch() != null) {
                raw("{\"batch\":");
                batch(A_BATCH, action.batch());
                raw(",\"fingerprint\":");
            } else {
                raw("{\"fingerprint\":");
            }
            string(A_FINGERPRINT, action.fingerprint());
            raw(",\"kind\":");
            string(A_KIND, action.kind());
            raw(",\"operation\":");
            string(A_OPERATION, action.operation());
            // operation < parameters < statement; left out when empty so such events hash as they always did
            if (!action.parameters().isEmpty()) {
                raw(",\"parameters\":");
                parameters(A_PARAMETERS, action.parameters());
            }
            raw(",\"statement\":");
            string(A_STATEMENT, action.statement());
            raw(",\"tables\":");
            strings(A_TABLES, action.tables());
            raw('}');
        }
        raw(",\"actor\":");
        AuditEvent.Actor actor = event.actor();
        if (actor == null) {
            raw(NULL);
        } else {
            raw('{');
            // delegation < groups in RFC 8785 order; left out when empty so such events hash as they always did
            if (!actor.delegation().isEmpty()) {
                raw("\"delegation\":");
                strings(AC_DELEGATION, actor.delegation());
                raw(',');
            }
            raw("\"groups\":");
            strings(AC_GROUPS, actor.groups());
            raw(",\"issuer\":");
            string(AC_ISSUER, actor.issuer());
            raw(",\"onBehalfOf\":");
            string(AC_ON_BEHALF_OF, actor.onBehalfOf());
            raw(",\"subject\":");
            string(AC_SUBJECT, actor.subject());
            raw(",\"tokenId\":");
            string(AC_TOKEN_ID, actor.tokenId());
            raw('}');
        }
        raw(",\"chain\":{\"prev\":");
        unique(C_PREV, prev);
        raw(",\"seq\":");
        number(C_SEQ, seq);
        raw(",\"stream\":");
        string(C_STREAM, stream);
        raw("},\"decision\":");
        AuditEvent.DecisionInfo decision = event.decision();
        if (decision == null) {
            raw(NULL);
        } else {
            raw("{\"approval\":");
            string(D_APPROVAL, decision.approval());
            raw(",\"effect\":");
            string(D_EFFECT, decision.effect());
            raw(",\"policyVersion\":");
            number(D_POLICY_VERSION, decision.policyVersion());
            raw(",\"reason\":");
            string(D_REASON, decision.reason());
            raw(",\"rule\":");
            string(D_RULE, decision.rule());
            raw('}');
        }
        raw(",\"id\":");
        unique(ID, event.id());
        raw(",\"masking\":");
        masking(MASKING, event.masking());
        raw(",\"outcome\":");
        AuditEvent.Outcome outcome = event.outcome();
        if (outcome == null) {
            raw(NULL);
        } else {
            raw("{\"durationMicros\":");
            number(O_DURATION, outcome.durationMicros());
            raw(",\"error\":");
            string(O_ERROR, outcome.error());
            if (outcome.result() != null) {
                raw(",\"result\":");
                result(O_RESULT, outcome.result());
            }
            raw(",\"rows\":");
            number(O_ROWS, outcome.rows());
            raw(",\"status\":");
            string(O_STATUS, outcome.status());
            raw('}');
        }
        raw(",\"resource\":");
        AuditEvent.Resource resource = event.resource();
        if (resource == null) {
            raw(NULL);
        } else {
            raw("{\"environment\":");
            string(R_ENVIRONMENT, resource.environment());
            raw(",\"kind\":");
            string(R_KIND, resource.kind());
            raw(",\"name\":");
            string(R_NAME, resource.name());
            raw(",\"target\":");
            string(R_TARGET, resource.target());
            raw('}');
        }
        raw(",\"session\":");
        AuditEvent.Session session = event.session();
        if (session == null) {
            raw(NULL);
        } else {
            raw("{\"connection\":");
            string(S_CONNECTION, session.connection());
            raw(",\"id\":");
            string(S_ID, session.id());
            raw('}');
        }
        raw(",\"time\":");
        time(TIME, event.time());
        raw('}');
        return this;
    }

    /**
     * The contract line of the event last written by {@link #canonical}, now carrying {@code hash}:
     * the values are copied from the canonical bytes into contract order, not encoded again.
     * {@code event} must be that same event (only its nulls are looked at).
     */
    public String chainedLine(AuditEvent event, String hash) {
        lineLength = 0;
        put(L_ID);
        copy(ID);
        put(L_TIME);
        copy(TIME);
        put(L_CHAIN_STREAM);
        copy(C_STREAM);
        put(L_SEQ);
        copy(C_SEQ);
        put(L_PREV);
        copy(C_PREV);
        put(L_HASH);
        putAscii(hash);
        put(L_HASH_END);
        if (event.actor() == null) {
            put(L_ACTOR_NULL);
        } else {
            put(L_ACTOR_SUBJECT);
            copy(AC_SUBJECT);
            put(L_GROUPS);
            copy(AC_GROUPS);
            put(L_ISSUER);
            copy(AC_ISSUER);
            put(L_TOKEN_ID);
            copy(AC_TOKEN_ID);
            put(L_ON_BEHALF_OF);
            copy(AC_ON_BEHALF_OF);
            if (!event.actor().delegation().isEmpty()) {
                put(L_DELEGATION);
                copy(AC_DELEGATION);
            }
            put(L_CLOSE);
        }
        if (event.session() == null) {
            put(L_SESSION_NULL);
        } else {
            put(L_SESSION_ID);
            copy(S_ID);
            put(L_CONNECTION);
            copy(S_CONNECTION);
            put(L_CLOSE);
        }
        if (event.resource() == null) {
            put(L_RESOURCE_NULL);
        } else {
            put(L_RESOURCE_NAME);
            copy(R_NAME);
            put(L_KIND);
            copy(R_KIND);
            put(L_TARGET);
            copy(R_TARGET);
            put(L_ENVIRONMENT);
            copy(R_ENVIRONMENT);
            put(L_CLOSE);
        }
        if (event.action() == null) {
            put(L_ACTION_NULL);
        } else {
            put(L_ACTION_KIND);
            copy(A_KIND);
            put(L_OPERATION);
            copy(A_OPERATION);
            put(L_STATEMENT);
            copy(A_STATEMENT);
            put(L_FINGERPRINT);
            copy(A_FINGERPRINT);
            put(L_TABLES);
            copy(A_TABLES);
            if (!event.action().parameters().isEmpty()) {
                put(L_PARAMETERS);
                copy(A_PARAMETERS);
            }
            if (event.action().batch() != null) {
                put(L_BATCH);
                copy(A_BATCH);
            }
            put(L_CLOSE);
        }
        if (event.decision() == null) {
            put(L_DECISION_NULL);
        } else {
            put(L_DECISION_EFFECT);
            copy(D_EFFECT);
            put(L_RULE);
            copy(D_RULE);
            put(L_REASON);
            copy(D_REASON);
            put(L_POLICY_VERSION);
            copy(D_POLICY_VERSION);
            put(L_APPROVAL);
            copy(D_APPROVAL);
            put(L_CLOSE);
        }
        put(L_MASKING);
        copy(MASKING);
        if (event.outcome() == null) {
            put(L_OUTCOME_NULL);
        } else {
            put(L_OUTCOME_STATUS);
            copy(O_STATUS);
            put(L_ROWS);
            copy(O_ROWS);
            put(L_DURATION);
            copy(O_DURATION);
            put(L_ERROR);
            copy(O_ERROR);
            if (event.outcome().result() != null) {
                put(L_RESULT);
                copy(O_RESULT);
            }
            put(L_CLOSE);
        }
        put(L_CLOSE);
        return new String(line, 0, lineLength, StandardCharsets.UTF_8);
    }

    private static final byte[] L_ID = bytes("{\"id\":");
    private static final byte[] L_TIME = bytes(",\"time\":");
    private static final byte[] L_CHAIN_STREAM = bytes(",\"chain\":{\"stream\":");
    private static final byte[] L_SEQ = bytes(",\"seq\":");
    private static final byte[] L_PREV = bytes(",\"prev\":");
    private static final byte[] L_HASH = bytes(",\"hash\":\"");
    private static final byte[] L_HASH_END = bytes("\"}");
    private static final byte[] L_ACTOR_NULL = bytes(",\"actor\":null");
    private static final byte[] L_ACTOR_SUBJECT = bytes(",\"actor\":{\"subject\":");
    private static final byte[] L_GROUPS = bytes(",\"groups\":");
    private static final byte[] L_ISSUER = bytes(",\"issuer\":");
    private static final byte[] L_TOKEN_ID = bytes(",\"tokenId\":");
    private static final byte[] L_ON_BEHALF_OF = bytes(",\"onBehalfOf\":");
    private static final byte[] L_DELEGATION = bytes(",\"delegation\":");
    private static final byte[] L_SESSION_NULL = bytes(",\"session\":null");
    private static final byte[] L_SESSION_ID = bytes(",\"session\":{\"id\":");
    private static final byte[] L_CONNECTION = bytes(",\"connection\":");
    private static final byte[] L_RESOURCE_NULL = bytes(",\"resource\":null");
    private static final byte[] L_RESOURCE_NAME = bytes(",\"resource\":{\"name\":");
    private static final byte[] L_KIND = bytes(",\"kind\":");
    private static final byte[] L_TARGET = bytes(",\"target\":");
    private static final byte[] L_ENVIRONMENT = bytes(",\"environment\":");
    private static final byte[] L_ACTION_NULL = bytes(",\"action\":null");
    private static final byte[] L_ACTION_KIND = bytes(",\"action\":{\"kind\":");
    private static final byte[] L_OPERATION = bytes(",\"operation\":");
    private static final byte[] L_STATEMENT = bytes(",\"statement\":");
    private static final byte[] L_FINGERPRINT = bytes(",\"fingerprint\":");
    private static final byte[] L_TABLES = bytes(",\"tables\":");
    private static final byte[] L_DECISION_NULL = bytes(",\"decision\":null");
    private static final byte[] L_DECISION_EFFECT = bytes(",\"decision\":{\"effect\":");
    private static final byte[] L_RULE = bytes(",\"rule\":");
    private static final byte[] L_REASON = bytes(",\"reason\":");
    private static final byte[] L_POLICY_VERSION = bytes(",\"policyVersion\":");
    private static final byte[] L_APPROVAL = bytes(",\"approval\":");
    private static final byte[] L_MASKING = bytes(",\"masking\":");
    private static final byte[] L_OUTCOME_NULL = bytes(",\"outcome\":null");
    private static final byte[] L_OUTCOME_STATUS = bytes(",\"outcome\":{\"status\":");
    private static final byte[] L_ROWS = bytes(",\"rows\":");
    private static final byte[] L_DURATION = bytes(",\"durationMicros\":");
    private static final byte[] L_ERROR = bytes(",\"error\":");
    private static final byte[] L_PARAMETERS = bytes(",\"parameters\":");
    private static final byte[] L_RESULT = bytes(",\"result\":");
    private static final byte[] L_BATCH = bytes(",\"batch\":");
    private static final byte[] L_CLOSE = bytes("}");

    private void put(byte[] bytes) {
        ensureLine(bytes.length);
        System.arraycopy(bytes, 0, line, lineLength, bytes.length);
        lineLength += bytes.length;
    }

    @SuppressWarnings("deprecation")
    private void putAscii(String hex) {
        ensureLine(hex.length());
        hex.getBytes(0, hex.length(), line, lineLength); // hex digits only
        lineLength += hex.length();
    }

    private void copy(int slot) {
        int from = slotStart[slot];
        int n = slotEnd[slot] - from;
        ensureLine(n);
        System.arraycopy(buffer, from, line, lineLength, n);
        lineLength += n;
    }

    private void ensureLine(int more) {
        if (lineLength + more > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + more));
        }
    }

    /** The contract line of {@code event} (its {@code chain} may be null), fields in contract order. */
    public EventEncoder line(AuditEvent event) {
        length = 0;
        raw("{\"id\":");
        unique(event.id());
        raw(",\"time\":");
        time(event.time());
        raw(",\"chain\":");
        AuditEvent.Chain chain = event.chain();
        if (chain == null) {
            raw(NULL);
        } else {
            raw("{\"stream\":");
            string(chain.stream());
            raw(",\"seq\":");
            number(chain.seq());
            raw(",\"prev\":");
            unique(chain.prev());
            raw(",\"hash\":");
            unique(chain.hash());
            raw('}');
        }
        raw(",\"actor\":");
        AuditEvent.Actor actor = event.actor();
        if (actor == null) {
            raw(NULL);
        } else {
            raw("{\"subject\":");
            string(actor.subject());
            raw(",\"groups\":");
            strings(actor.groups());
            raw(",\"issuer\":");
            string(actor.issuer());
            raw(",\"tokenId\":");
            string(actor.tokenId());
            raw(",\"onBehalfOf\":");
            string(actor.onBehalfOf());
            if (!actor.delegation().isEmpty()) {
                raw(",\"delegation\":");
                strings(actor.delegation());
            }
            raw('}');
        }
        raw(",\"session\":");
        AuditEvent.Session session = event.session();
        if (session == null) {
            raw(NULL);
        } else {
            raw("{\"id\":");
            string(session.id());
            raw(",\"connection\":");
            string(session.connection());
            raw('}');
        }
        raw(",\"resource\":");
        AuditEvent.Resource resource = event.resource();
        if (resource == null) {
            raw(NULL);
        } else {
            raw("{\"name\":");
            string(resource.name());
            raw(",\"kind\":");
            string(resource.kind());
            raw(",\"target\":");
            string(resource.target());
            raw(",\"environment\":");
            string(resource.environment());
            raw('}');
        }
        raw(",\"action\":");
        AuditEvent.Action action = event.action();
        if (action == null) {
            raw(NULL);
        } else {
            raw("{\"kind\":");
            string(action.kind());
            raw(",\"operation\":");
            string(action.operation());
            raw(",\"statement\":");
            string(action.statement());
            raw(",\"fingerprint\":");
            string(action.fingerprint());
            raw(",\"tables\":");
            strings(action.tables());
            if (!action.parameters().isEmpty()) {
                raw(",\"parameters\":");
                parameters(action.parameters());
            }
            if (action.batch() != null) {
                raw(",\"batch\":");
                batch(action.batch());
            }
            raw('}');
        }
        raw(",\"decision\":");
        AuditEvent.DecisionInfo decision = event.decision();
        if (decision == null) {
            raw(NULL);
        } else {
            raw("{\"effect\":");
            string(decision.effect());
            raw(",\"rule\":");
            string(decision.rule());
            raw(",\"reason\":");
            string(decision.reason());
            raw(",\"policyVersion\":");
            number(decision.policyVersion());
            raw(",\"approval\":");
            string(decision.approval());
            raw('}');
        }
        raw(",\"masking\":");
        masking(event.masking());
        raw(",\"outcome\":");
        AuditEvent.Outcome outcome = event.outcome();
        if (outcome == null) {
            raw(NULL);
        } else {
            raw("{\"status\":");
            string(outcome.status());
            raw(",\"rows\":");
            number(outcome.rows());
            raw(",\"durationMicros\":");
            number(outcome.durationMicros());
            raw(",\"error\":");
            string(outcome.error());
            if (outcome.result() != null) {
                raw(",\"result\":");
                result(outcome.result());
            }
            raw('}');
        }
        raw('}');
        return this;
    }

    private void string(int slot, String value) {
        int start = length;
        string(value);
        mark(slot, start);
    }

    private void unique(int slot, String value) {
        int start = length;
        unique(value);
        mark(slot, start);
    }

    private void number(int slot, Long value) {
        int start = length;
        number(value);
        mark(slot, start);
    }

    private void number(int slot, long value) {
        int start = length;
        number(value);
        mark(slot, start);
    }

    private void strings(int slot, List<String> values) {
        int start = length;
        strings(values);
        mark(slot, start);
    }

    private void time(int slot, Instant value) {
        int start = length;
        time(value);
        mark(slot, start);
    }

    private void masking(int slot, List<AuditEvent.Masking> value) {
        int start = length;
        masking(value);
        mark(slot, start);
    }

    private void parameters(int slot, List<AuditEvent.Parameter> value) {
        int start = length;
        parameters(value);
        mark(slot, start);
    }

    private void batch(int slot, AuditEvent.Batch value) {
        int start = length;
        batch(value);
        mark(slot, start);
    }

    private void result(int slot, AuditEvent.Result value) {
        int start = length;
        result(value);
        mark(slot, start);
    }

    private void mark(int slot, int start) {
        slotStart[slot] = start;
        slotEnd[slot] = length;
    }

    // column < strategy < values: contract order is canonical order here
    private void masking(List<AuditEvent.Masking> masking) {
        raw('[');
        for (int i = 0; i < masking.size(); i++) {
            if (i > 0) {
                raw(',');
            }
            AuditEvent.Masking each = masking.get(i);
            raw("{\"column\":");
            string(each.column());
            raw(",\"strategy\":");
            string(each.strategy());
            raw(",\"values\":");
            number(each.values());
            raw('}');
        }
        raw(']');
    }

    // parameters < sets: contract order is canonical order here
    private void batch(AuditEvent.Batch batch) {
        raw("{\"parameters\":[");
        for (int i = 0; i < batch.parameters().size(); i++) {
            if (i > 0) {
                raw(',');
            }
            parameters(batch.parameters().get(i));
        }
        raw("],\"sets\":");
        number(batch.sets());
        raw('}');
    }

    // name < sha256 < type < value: contract order is canonical order here; name only when bound by name
    private void parameters(List<AuditEvent.Parameter> parameters) {
        raw('[');
        for (int i = 0; i < parameters.size(); i++) {
            if (i > 0) {
                raw(',');
            }
            AuditEvent.Parameter each = parameters.get(i);
            if (each.name() != null) {
                raw("{\"name\":");
                string(each.name());
                raw(",\"sha256\":");
            } else {
                raw("{\"sha256\":");
            }
            unique(each.sha256());
            raw(",\"type\":");
            string(each.type());
            raw(",\"value\":");
            unique(each.value());
            raw('}');
        }
        raw(']');
    }

    // complete < digest < event < masked < unorderedDigest: contract order is canonical order here
    private void result(AuditEvent.Result result) {
        raw(result.complete() ? "{\"complete\":true" : "{\"complete\":false");
        raw(",\"digest\":");
        unique(result.digest());
        raw(",\"event\":");
        unique(result.event());
        raw(",\"masked\":[");
        List<Integer> masked = result.masked();
        for (int i = 0; i < masked.size(); i++) {
            if (i > 0) {
                raw(',');
            }
            number(masked.get(i).longValue());
        }
        raw(']');
        if (result.unorderedDigest() != null) {
            raw(",\"unorderedDigest\":");
            unique(result.unorderedDigest());
        }
        raw('}');
    }

    private void strings(List<String> values) {
        raw('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                raw(',');
            }
            string(values.get(i));
        }
        raw(']');
    }

    private void number(Long value) {
        if (value == null) {
            raw(NULL);
        } else {
            number(value.longValue());
        }
    }

    private void number(long value) {
        ensure(20);
        if (value == Long.MIN_VALUE) {
            raw("-9223372036854775808"); // the one long without a positive counterpart (lines only, see fits)
            return;
        }
        if (value < 0) {
            buffer[length++] = '-';
            value = -value;
        }
        if (value == 0) {
            buffer[length++] = '0';
            return;
        }
        int digits = 0;
        for (long rest = value; rest > 0; rest /= 10) {
            digits++;
        }
        int end = length + digits;
        for (int at = end - 1; at >= length; at--) {
            buffer[at] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length = end;
    }

    /** ISO-8601 UTC with six fraction digits, like {@link AuditJson#formatTime}, computed without a formatter. */
    private void time(Instant time) {
        if (time == null) {
            raw(NULL);
            return;
        }
        long seconds = time.getEpochSecond();
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        // civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible low-level date algorithms")
        long z = days + 719_468;
        long era = (z >= 0 ? z : z - 146_096) / 146_097;
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            string(AuditJson.formatTime(time));
            return;
        }
        ensure(29);
        byte[] b = buffer;
        int at = length;
        b[at++] = '"';
        at = digits(b, at, (int) year, 4);
        b[at++] = '-';
        at = digits(b, at, month, 2);
        b[at++] = '-';
        at = digits(b, at, day, 2);
        b[at++] = 'T';
        at = digits(b, at, secondOfDay / 3600, 2);
        b[at++] = ':';
        at = digits(b, at, secondOfDay / 60 % 60, 2);
        b[at++] = ':';
        at = digits(b, at, secondOfDay % 60, 2);
        b[at++] = '.';
        at = digits(b, at, time.getNano() / 1000, 6);
        b[at++] = 'Z';
        b[at++] = '"';
        length = at;
    }

    private static int digits(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /**
     * A JSON string escaped as RFC 8785 (ES6 {@code JSON.stringify}) does, in UTF-8. Most strings
     * of an event are the very same instances event after event (subject, statement, target...),
     * so their encoded bytes are remembered by identity and copied.
     */
    private void string(String value) {
        if (value == null) {
            raw(NULL);
            return;
        }
        int n = value.length();
        if (n > CACHED_CHARS) {
            encode(value);
            return;
        }
        // two candidate slots, so two hot strings that share one do not evict each other for ever
        int hash = System.identityHashCode(value);
        int first = hash & (CACHE_SLOTS - 1);
        int second = (hash >>> 16 ^ hash >>> 5) & (CACHE_SLOTS - 1);
        if (cachedStrings[first] == value) {
            raw(cachedBytes[first]);
            return;
        }
        if (cachedStrings[second] == value) {
            raw(cachedBytes[second]);
            return;
        }
        int start = length;
        encode(value);
        int slot = cachedStrings[first] == null || cachedStrings[second] != null && (misses++ & 1) == 0 ? first : second;
        cachedStrings[slot] = value;
        cachedBytes[slot] = Arrays.copyOfRange(buffer, start, length);
    }

    /** A string of this event alone (its id, its hashes): not worth remembering. */
    private void unique(String value) {
        if (value == null) {
            raw(NULL);
        } else {
            encode(value);
        }
    }

    private void encode(String value) {
        int n = value.length();
        ensure(n * 6 + 2); // worst case: every char a six-byte \\u escape
        byte[] b = buffer;
        int at = length;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                b[at++] = (byte) c;
            } else if (c < 0x80) {
                at = escape(b, at, c);
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | c >> 6);
                b[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                b[at++] = (byte) (0xF0 | cp >> 18);
                b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                at = unicodeEscape(b, at, c); // a lone surrogate has no UTF-8 form
            } else {
                b[at++] = (byte) (0xE0 | c >> 12);
                b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        b[at++] = '"';
        length = at;
    }

    private static int escape(byte[] b, int at, char c) {
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
        if (shortForm == 0) {
            return unicodeEscape(b, at, c);
        }
        b[at++] = '\\';
        b[at++] = (byte) shortForm;
        return at;
    }

    private static int unicodeEscape(byte[] b, int at, char c) {
        b[at++] = '\\';
        b[at++] = 'u';
        b[at++] = HEX[c >> 12 & 0xF];
        b[at++] = HEX[c >> 8 & 0xF];
        b[at++] = HEX[c >> 4 & 0xF];
        b[at++] = HEX[c & 0xF];
        return at;
    }

    @SuppressWarnings("deprecation")
    private void raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        ascii.getBytes(0, n, buffer, length); // ASCII only: the deprecated copy is exact and allocation-free
        length += n;
    }

    private void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void raw(char c) {
        ensure(1);
        buffer[length++] = (byte) c;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
