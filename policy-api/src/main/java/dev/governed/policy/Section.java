package dev.governed.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** One mapping of the document at a known path, whose keys are checked against the allowed ones up front. */
final class Section {
    private final ObjectNode node;
    private final String path;

    private Section(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * @param context appended to the unknown-key message, e.g. " for strategy keep-last"; may be empty
     */
    static Section of(JsonNode node, String path, Collection<String> allowedKeys, String context) {
        if (!(node instanceof ObjectNode object)) {
            throw new PolicyProblem(path, "expected a mapping with keys " + String.join(", ", allowedKeys)
                    + ", found " + describe(node));
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedKeys.contains(name)) {
                String suggestion = closest(name, allowedKeys);
                throw new PolicyProblem(path, "unknown key \"" + name + "\"" + context
                        + (suggestion == null ? "" : " (did you mean \"" + suggestion + "\"?)")
                        + "; allowed keys: " + String.join(", ", allowedKeys));
            }
        }
        return new Section(object, path);
    }

    String path() {
        return path;
    }

    String path(String key) {
        return child(path, key);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    boolean has(String key) {
        return value(key) != null;
    }

    /** The value, or null when the key is absent or has no value ({@code key:} or {@code key: null}). */
    JsonNode value(String key) {
        JsonNode result = node.get(key);
        return result == null || result.isNull() ? null : result;
    }

    String requiredString(String key, String expected) {
        JsonNode value = value(key);
        if (value == null) {
            throw new PolicyProblem(path, "missing \"" + key + "\"; expected " + expected);
        }
        return string(value, path(key), expected);
    }

    String optionalString(String key, String expected) {
        JsonNode value = value(key);
        return value == null ? null : string(value, path(key), expected);
    }

    /** A non-empty list of non-blank strings, or an empty set when the key is absent. */
    Set<String> stringSet(String key, String expected) {
        JsonNode value = value(key);
        Set<String> result = new LinkedHashSet<>();
        if (value == null) {
            return result;
        }
        String listPath = path(key);
        JsonNode list = list(value, listPath, expected);
        for (int i = 0; i < list.size(); i++) {
            result.add(string(list.get(i), index(listPath, i), expected));
        }
        return result;
    }

    /** A non-empty list, checked to be one. */
    static JsonNode list(JsonNode value, String path, String expected) {
        if (!value.isArray()) {
            throw new PolicyProblem(path, "expected a list of " + expected + ", found " + describe(value));
        }
        if (value.isEmpty()) {
            throw new PolicyProblem(path, "empty list; list at least one " + expected
                    + ", or remove the key");
        }
        return value;
    }

    static String string(JsonNode value, String path, String expected) {
        if (!value.isTextual()) {
            String hint = value.isBoolean()
                    ? " (YAML reads unquoted yes, no, on, off, true and false as booleans; quote the value)" : "";
            throw new PolicyProblem(path, "expected " + expected + ", found " + describe(value) + hint);
        }
        String text = value.textValue();
        if (text.isBlank()) {
            throw new PolicyProblem(path, "blank value; expected " + expected);
        }
        return text;
    }

    static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "the text \"" + node.textValue() + "\"";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return "the boolean " + node.asText();
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** The allowed key closest to a misspelt one, if it is close enough to be a likely typo. */
    private static String closest(String name, Collection<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String each : allowed) {
            int distance = distance(name.toLowerCase(Locale.ROOT), each.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = each;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
