package dev.governed.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;

/**
 * Reads and writes policy documents. Text starting with <code>{</code> is read as JSON,
 * anything else as YAML. Reading is strict: unknown keys, bad values and duplicate keys
 * are rejected with a {@link PolicyException} naming the origin, the field path
 * (e.g. {@code rules[2].sql.operations[0]}), the problem and what is allowed.
 */
public final class PolicyDocuments {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private PolicyDocuments() {
    }

    /**
     * Parses and validates a document.
     *
     * @param origin where the text came from (a file, a classpath resource, a URL), for messages
     * @throws PolicyException when the text is malformed or the document invalid
     */
    public static PolicyDocument parse(String text, String origin) {
        boolean json = text.stripLeading().startsWith("{");
        JsonNode root = readTree(text, origin, json ? JSON : YAML, json ? "JSON" : "YAML");
        try {
            return PolicyReader.read(root);
        } catch (PolicyProblem problem) {
            throw new PolicyException("Invalid policy " + origin + ": " + problem.path() + ": "
                    + problem.getMessage());
        }
    }

    private static JsonNode readTree(String text, String origin, ObjectMapper mapper, String format) {
        try (JsonParser parser = mapper.createParser(text)) {
            JsonNode root = mapper.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                JsonLocation location = parser.currentLocation();
                throw new PolicyException("Cannot read policy " + origin + ": more than one " + format
                        + " document (line " + location.getLineNr() + ", column " + location.getColumnNr()
                        + "); keep exactly one document per policy");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column "
                    + location.getColumnNr();
            throw new PolicyException("Cannot read policy " + origin + ": malformed " + format + where + ": "
                    + firstLine(e.getOriginalMessage()) + "; fix the syntax and reload", e);
        } catch (IOException e) {
            throw new PolicyException("Cannot read policy " + origin + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown syntax error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The document as JSON that {@link #parse} reads back into an equal document. */
    public static String toJson(PolicyDocument document) {
        return write(JSON, document);
    }

    /** The document as YAML that {@link #parse} reads back into an equal document. */
    public static String toYaml(PolicyDocument document) {
        return write(YAML, document);
    }

    private static String write(ObjectMapper mapper, PolicyDocument document) {
        try {
            return mapper.writeValueAsString(PolicyWriter.tree(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise policy version " + document.version(), e);
        }
    }
}
