package dev.governed.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteBufferFeeder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.governed.audit.AuditEvent;
import dev.governed.core.engine.ActiveMask;
import dev.governed.core.mask.MaskStrategy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Masks a JSON body as it streams: bytes go in chunk by chunk, each parsed with Jackson's
 * non-blocking parser and written again, masked, with its generator. Memory holds one chunk,
 * the current nesting path and at most one scalar value, never the body.
 */
final class JsonMasker {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final JsonPath[] paths;
    private final MaskStrategy[] strategies;
    private final String[] strategyNames;
    private final long[] counts;
    private final JsonParser parser;
    private final ByteBufferFeeder feeder;
    private final ByteArrayBuilder output = new ByteArrayBuilder(8192);
    private final JsonGenerator generator;
    /** The path of the current value: field names and array positions. */
    private Object[] path = new Object[16];
    private int depth;
    /** The mask over the current container's whole subtree, or -1; and the depth it started at. */
    private int subtreeMask = -1;
    private int subtreeDepth;

    JsonMasker(List<ActiveMask> masks) throws IOException {
        List<JsonPath> compiled = new ArrayList<>();
        List<MaskStrategy> configured = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ActiveMask each : masks) {
            for (String target : each.targets()) {
                compiled.add(JsonPath.compile(target));
                configured.add(each.strategy());
                names.add(each.strategyName());
            }
        }
        this.paths = compiled.toArray(new JsonPath[0]);
        this.strategies = configured.toArray(new MaskStrategy[0]);
        this.strategyNames = names.toArray(new String[0]);
        this.counts = new long[paths.length];
        this.parser = JSON.createNonBlockingByteBufferParser();
        this.feeder = (ByteBufferFeeder) parser.getNonBlockingInputFeeder();
        this.generator = JSON.createGenerator(output);
    }

    /** Masks one more chunk; returns what can be written so far (possibly nothing). */
    ByteBuffer feed(ByteBuffer chunk) throws IOException {
        feeder.feedInput(chunk);
        drain();
        return flushed();
    }

    /** Ends the body: throws if it was not one or more complete JSON values. */
    ByteBuffer finish() throws IOException {
        feeder.endOfInput();
        drain();
        if (depth != 0) { // an empty body is allowed: it reveals nothing
            throw new IOException("the JSON body ended before its last value was complete");
        }
        generator.flush();
        return flushed();
    }

    /** Values masked so far, per field and strategy. */
    List<AuditEvent.Masking> summary() {
        List<AuditEvent.Masking> result = new ArrayList<>(paths.length);
        for (int i = 0; i < paths.length; i++) {
            result.add(new AuditEvent.Masking(paths[i].text(), strategyNames[i], counts[i]));
        }
        return result;
    }

    private void drain() throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            handle(token);
        }
    }

    private void handle(JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT, START_ARRAY -> {
                nextPosition();
                int mask = subtreeMask >= 0 ? subtreeMask : matchCurrent();
                if (subtreeMask < 0 && mask >= 0) {
                    subtreeMask = mask;
                    subtreeDepth = depth;
                }
                push(token == JsonToken.START_ARRAY ? Integer.valueOf(-1) : null);
                if (token == JsonToken.START_ARRAY) {
                    generator.writeStartArray();
                } else {
                    generator.writeStartObject();
                }
            }
            case END_OBJECT, END_ARRAY -> {
                depth--;
                if (subtreeMask >= 0 && depth == subtreeDepth) {
                    subtreeMask = -1;
                }
                if (token == JsonToken.END_ARRAY) {
                    generator.writeEndArray();
                } else {
                    generator.writeEndObject();
                }
            }
            case FIELD_NAME -> {
                path[depth - 1] = parser.currentName();
                generator.writeFieldName(parser.currentName());
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL,
                 VALUE_EMBEDDED_OBJECT -> {
                nextPosition();
                int mask = subtreeMask >= 0 ? subtreeMask : matchCurrent();
                if (mask < 0 && (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)) {
                    generator.writeNumber(parser.getText()); // as written: no rounding through double
                } else if (mask < 0 || token == JsonToken.VALUE_NULL) {
                    generator.copyCurrentEvent(parser);
                } else {
                    write(strategies[mask].mask(parser.getText()));
                    counts[mask]++;
                }
            }
            default -> throw new IOException("unexpected JSON token " + token);
        }
    }

    /** In an array, each value (scalar or container) advances the position before it is matched. */
    private void nextPosition() {
        if (depth > 0 && path[depth - 1] instanceof Integer position) {
            path[depth - 1] = position + 1;
        }
    }

    private void push(Object segmentOfChild) {
        if (depth == path.length) {
            path = java.util.Arrays.copyOf(path, depth * 2);
        }
        path[depth++] = segmentOfChild;
    }

    /** The first field path that selects the value about to be written; -1 when none does. */
    private int matchCurrent() {
        for (int i = 0; i < paths.length; i++) {
            if (paths[i].matches(path, depth)) {
                return i;
            }
        }
        return -1;
    }

    private void write(Object masked) throws IOException {
        if (masked == null) {
            generator.writeNull();
        } else if (masked instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else if (masked instanceof Number number) {
            generator.writeNumber(number.toString());
        } else {
            generator.writeString(masked.toString());
        }
    }

    private ByteBuffer flushed() throws IOException {
        generator.flush();
        if (output.size() == 0) {
            return null;
        }
        ByteBuffer result = ByteBuffer.wrap(output.toByteArray());
        output.reset();
        return result;
    }
}
