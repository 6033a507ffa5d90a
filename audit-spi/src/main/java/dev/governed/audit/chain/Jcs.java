package dev.governed.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme over a Jackson tree: object members sorted by the UTF-16
 * code units of their names, no whitespace, strings escaped as ES6 {@code JSON.stringify} does and
 * numbers in ES6 {@code Number.prototype.toString} form.
 *
 * <p>Audit events carry only integers; non-integral numbers go through {@link Double#toString},
 * which is the shortest round-trip form for all but rare values on Java 17.
 */
public final class Jcs {

    private static final double MAX_SAFE_INTEGER = 9007199254740991d;

    private Jcs() {}

    public static String canonicalize(JsonNode node) {
        StringBuilder out = new StringBuilder(512);
        write(node, out);
        return out.toString();
    }

    public static byte[] canonicalBytes(JsonNode node) {
        return canonicalize(node).getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out);
            case ARRAY -> writeArray(node, out);
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> writeNumber(node, out);
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL, MISSING -> out.append("null");
            default -> throw new IllegalArgumentException("JSON value of type " + node.getNodeType()
                    + " cannot be canonicalised (RFC 8785 covers JSON data only)");
        }
    }

    private static void writeObject(JsonNode node, StringBuilder out) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.size());
        node.fields().forEachRemaining(members::add);
        // String.compareTo compares UTF-16 code units, exactly what RFC 8785 section 3.2.3 asks for.
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            writeString(members.get(i).getKey(), out);
            out.append(':');
            write(members.get(i).getValue(), out);
        }
        out.append('}');
    }

    private static void writeArray(JsonNode node, StringBuilder out) {
        out.append('[');
        Iterator<JsonNode> each = node.elements();
        boolean first = true;
        while (each.hasNext()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            write(each.next(), out);
        }
        out.append(']');
    }

    static void writeString(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || isLoneSurrogate(value, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    // ES2019 well-formed JSON.stringify escapes unpaired surrogates instead of emitting invalid UTF-16.
    private static boolean isLoneSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(value.charAt(i - 1));
        }
        return false;
    }

    private static void writeNumber(JsonNode node, StringBuilder out) {
        if (node.canConvertToExactIntegral() && node.canConvertToLong()) {
            long value = node.longValue();
            if (Math.abs((double) value) <= MAX_SAFE_INTEGER) {
                out.append(value);
                return;
            }
        }
        out.append(es6(node.doubleValue()));
    }

    /** ES6 Number::toString for a finite double. */
    static String es6(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("NaN and Infinity are not JSON numbers");
        }
        if (value == 0) {
            return "0";
        }
        String sign = value < 0 ? "-" : "";
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int k = digits.length();
        int n = k - decimal.scale(); // value = 0.digits * 10^n
        String result;
        if (k <= n && n <= 21) {
            result = digits + "0".repeat(n - k);
        } else if (0 < n && n <= 21) {
            result = digits.substring(0, n) + "." + digits.substring(n);
        } else if (-6 < n && n <= 0) {
            result = "0." + "0".repeat(-n) + digits;
        } else {
            int exponent = n - 1;
            String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            result = mantissa + "e" + (exponent >= 0 ? "+" : "-") + Math.abs(exponent);
        }
        return sign + result;
    }
}
