package dev.governed.core.internal.approval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The digest that ties an approval to one exact execution: hex SHA-256 over the statement text as
 * written and each set of bound parameters, each value with its type. Values that cannot be read
 * twice or compared (streams, readers, LOBs, arrays, driver objects) have no digest: a statement
 * binding one cannot be approved, and is refused with what to bind instead.
 */
public final class ParameterDigest {

    private ParameterDigest() {}

    /**
     * @param sets parameter sets in execution order (one for a plain execution, one per batch entry), each
     *             keyed by position ({@code "1"}) or name, in the order they should be hashed
     * @throws IllegalArgumentException naming the parameter whose value cannot be digested
     */
    public static String of(String text, List<? extends Map<String, ?>> sets) {
        MessageDigest sha = sha256();
        update(sha, "text:" + text.length() + ":" + text);
        for (Map<String, ?> set : sets) {
            update(sha, "\u0000set:" + set.size());
            for (Map.Entry<String, ?> each : set.entrySet()) {
                update(sha, "\u0000" + each.getKey() + "=" + canonical(each.getKey(), each.getValue()));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String canonical(String key, Object value) {
        if (value == null) {
            return "null";
        }
        String type = value.getClass().getName();
        if (value instanceof byte[] bytes) {
            return "bytes:" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof String || value instanceof Character || value instanceof Boolean || value instanceof Byte
                || value instanceof Short || value instanceof Integer || value instanceof Long || value instanceof Float
                || value instanceof Double || value instanceof BigInteger || value instanceof UUID
                || value instanceof java.util.Date || value instanceof TemporalAccessor || value instanceof java.net.URL) {
            String text = value.toString();
            return type + ":" + text.length() + ":" + text;
        }
        if (value instanceof BigDecimal decimal) {
            return type + ":" + decimal.toString();
        }
        throw new IllegalArgumentException("parameter " + key + " is a " + value.getClass().getSimpleName()
                + ", which cannot be compared with what a reviewer approved; bind it as a string, number, date or byte array");
    }

    private static void update(MessageDigest sha, String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
