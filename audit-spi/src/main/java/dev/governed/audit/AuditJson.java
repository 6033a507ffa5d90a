package dev.governed.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one JSON form of audit events: the shape documented in docs/audit.md,
 * fields in contract order, nulls written as {@code null}, {@code time} as ISO-8601 UTC with
 * exactly six fraction digits ({@code 2026-11-22T01:02:03.123456Z}). Thread-safe.
 *
 * <p>Reading ignores unknown fields so that newer writers stay readable; the verifier hashes the
 * parsed tree, not the record, so an added field is still caught as a change.
 */
public final class AuditJson {

    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("governed-audit")
                    .addSerializer(Instant.class, new MicrosInstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // a line means one thing to every reader: a field given twice, or content after the object, is damage
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AuditJson() {}

    /** The shared, fully configured mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One line of JSON (no line break) in the contract shape. */
    public static String toJson(AuditEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new AuditException("cannot serialise audit event " + event.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The event as a JSON tree in contract field order, e.g. for hashing. */
    public static ObjectNode toTree(AuditEvent event) {
        return MAPPER.valueToTree(event);
    }

    public static String write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new AuditException("cannot serialise audit JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static AuditEvent fromJson(String json) {
        try {
            return MAPPER.readValue(json, AuditEvent.class);
        } catch (JsonProcessingException e) {
            throw new AuditException("not a valid audit event: " + e.getOriginalMessage()
                    + " (expected one JSON object per line in the shape of the audit event contract)", e);
        }
    }

    public static AuditEvent fromTree(JsonNode tree) {
        try {
            return MAPPER.treeToValue(tree, AuditEvent.class);
        } catch (JsonProcessingException e) {
            throw new AuditException("not a valid audit event: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses any JSON text into a tree; {@link AuditException} when it is not JSON. */
    public static JsonNode readTree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AuditException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The event with {@code time} cut to the microseconds its JSON carries, so record and line agree. */
    public static AuditEvent atMicros(AuditEvent event) {
        if (event.time() == null || event.time().getNano() % 1000 == 0) {
            return event;
        }
        return new AuditEvent(event.id(), event.time().truncatedTo(ChronoUnit.MICROS), event.chain(), event.actor(),
                event.session(), event.resource(), event.action(), event.decision(), event.masking(), event.outcome());
    }

    /** {@code time} text for an instant: UTC, microseconds, {@code Z}. */
    public static String formatTime(Instant time) {
        return MICROS.format(time.truncatedTo(ChronoUnit.MICROS));
    }

    public static Instant parseTime(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new AuditException("not an ISO-8601 UTC time: '" + text + "'", e);
        }
    }

    private static final class MicrosInstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(formatTime(value));
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text,
                        "expected ISO-8601 UTC time like 2026-11-22T01:02:03.123456Z");
            }
        }
    }
}
