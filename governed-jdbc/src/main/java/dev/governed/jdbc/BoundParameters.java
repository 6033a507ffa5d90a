package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.core.internal.approval.ParameterDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters bound on one prepared statement, kept by reference (the driver keeps them too) so that
 * a statement a rule sends to approval can be digested: an approval releases these values, no others.
 * Recording costs an array store per setter; digesting happens only for statements that need approval.
 */
final class BoundParameters {

    private static final Object NULL = new Object();

    private Object[] values = new Object[8];
    private Map<String, Object> named;
    private final List<Object[]> batch = new ArrayList<>();
    private final List<Map<String, Object>> namedBatch = new ArrayList<>();

    void bind(int index, Object value) {
        if (index < 1) {
            return; // the driver refuses it
        }
        if (index > values.length) {
            values = Arrays.copyOf(values, Math.max(index, values.length * 2));
        }
        values[index - 1] = value == null ? NULL : value;
    }

    void bind(String name, Object value) {
        if (named == null) {
            named = new TreeMap<>();
        }
        named.put(name, value == null ? NULL : value);
    }

    void clear() {
        Arrays.fill(values, null);
        named = null;
    }

    /** {@code addBatch()}: the current values become one entry of the batch; JDBC keeps them bound. */
    void batched() {
        batch.add(values.clone());
        namedBatch.add(named == null ? null : new TreeMap<>(named));
    }

    void clearBatch() {
        batch.clear();
        namedBatch.clear();
    }

    /**
     * Hex SHA-256 of {@code sql} with the current values, or with every batch entry when {@code ofBatch}.
     *
     * @throws IllegalArgumentException naming a value that cannot be compared (a stream, a LOB)
     */
    String digest(String sql, boolean ofBatch) {
        List<Map<String, Object>> sets = new ArrayList<>();
        if (ofBatch) {
            for (int i = 0; i < batch.size(); i++) {
                sets.add(set(batch.get(i), namedBatch.get(i) == null ? Map.of() : namedBatch.get(i)));
            }
        } else {
            sets.add(set(values, named == null ? Map.of() : named));
        }
        return ParameterDigest.of(sql, sets);
    }

    /** The current values as {@code recording} keeps them in an event; empty when nothing is kept. */
    List<AuditEvent.Parameter> recorded(Recording recording, boolean withheld) {
        return recording.parameters(values, named, NULL, withheld);
    }

    /** The batch's parameter sets as {@code recording} keeps them in an event; null when nothing is kept. */
    AuditEvent.Batch recordedBatch(Recording recording, boolean withheld) {
        return recording.batch(batch, namedBatch, NULL, withheld);
    }

    private static Map<String, Object> set(Object[] positional, Map<String, Object> byName) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = 0; i < positional.length; i++) {
            if (positional[i] != null) {
                result.put(Integer.toString(i + 1), positional[i] == NULL ? null : positional[i]);
            }
        }
        byName.forEach((name, value) -> result.put(":" + name, value == NULL ? null : value));
        return result;
    }
}
