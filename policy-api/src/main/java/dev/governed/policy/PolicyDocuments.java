package dev.governed.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");

    private PolicyDocuments() {
    }

    /**
     * Parses and validates a document.
     *
     * @param origin where the text came from (a file, a classpath resource, a URL), for messages
     * @throws PolicyException when the text is malformed or the document invalid
     */
    public static PolicyDocument parse(String text, String origin) {
        JsonNode root;
        if (text.stripLeading().startsWith("{")) {
            try {
                root = readTree(text, origin, JSON, "JSON");
            } catch (PolicyException jsonProblem) {
                // "{version: 1}" is a YAML flow mapping, not broken JSON; report the JSON error only if YAML fails too.
                try {
                    root = readTree(text, origin, YAML, "YAML");
                } catch (PolicyException yamlProblem) {
                    throw jsonProblem;
                }
            }
        } else {
            root = readTree(text, origin, YAML, "YAML");
        }
        try {
            return PolicyReader.read(root);
        } catch (PolicyProblem problem) {
            throw new PolicyException("Invalid policy " + origin + ": " + problem.path() + ": "
                    + problem.getMessage());
        }
    }

    private static JsonNode readTree(String text, String origin, ObjectMapper mapper, String format) {
        try (JsonParser parser = new NoAliases(mapper.createParser(text))) {
            JsonNode root = mapper.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                JsonLocation location = parser.currentLocation();
                throw new PolicyException("Cannot read policy " + origin + ": more than one " + format
                        + " document (line " + location.getLineNr() + ", column " + location.getColumnNr()
                        + "); keep exactly one document per policy");
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = where(e);
            throw new PolicyException("Cannot read policy " + origin + ": malformed " + format + where + ": "
                    + condense(e.getOriginalMessage()) + "; fix the syntax and reload", e);
        } catch (IOException e) {
            throw new PolicyException("Cannot read policy " + origin + ": " + e.getMessage(), e);
        }
    }

    /**
     * Jackson reads a YAML alias ({@code *name}) as the plain text "name"; rather than let
     * that turn into a puzzling error further on, refuse aliases where they appear.
     */
    private static final class NoAliases extends JsonParserDelegate {
        NoAliases(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken result = super.nextToken();
            if (delegate instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                throw new JsonParseException(this, "YAML aliases (*" + yaml.getText()
                        + ") are not supported in policies; write the value out in full");
            }
            return result;
        }
    }

    /** SnakeYAML names the problem's own position last in its message; Jackson's location may be the context's. */
    private static String where(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        Matcher mark = message == null ? null : MARK.matcher(message);
        String result = null;
        while (mark != null && mark.find()) {
            result = " at line " + mark.group(1) + ", column " + mark.group(2);
        }
        if (result != null) {
            return result;
        }
        JsonLocation location = e.getLocation();
        return location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** SnakeYAML messages span several lines with a source excerpt; keep the context and the problem. */
    private static String condense(String message) {
        if (message == null) {
            return "unknown syntax error";
        }
        StringBuilder result = new StringBuilder();
        for (String line : message.split("\\R")) {
            if (line.isBlank() || line.startsWith(" in '") || line.startsWith("    ")) {
                continue;
            }
            if (!result.isEmpty()) {
                result.append(": ");
            }
            result.append(line.strip());
        }
        return result.isEmpty() ? message.strip() : result.toString();
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
