package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.recording.ParameterRecording;
import dev.governed.audit.recording.ResultRecording;
import dev.governed.core.GovernedSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a datasource's events keep for a later replay: bound parameters ({@code governed.audit.parameters}), at most
 * {@code batchSets} parameter sets of a batch ({@code governed.audit.batchSets}) and result digests
 * ({@code governed.audit.results}). With {@code governed.redactLiterals} the parameters default to {@code digest}: a
 * statement whose literals are hidden should not show its bound values either.
 */
record Recording(ParameterRecording parameters, ResultRecording results, int batchSets) {

    /** Enough for the batches people read in a trail; a bulk load of thousands of rows is counted, not copied. */
    static final int DEFAULT_BATCH_SETS = 100;

    static final Recording DEFAULT = new Recording(ParameterRecording.VALUES, ResultRecording.NONE, DEFAULT_BATCH_SETS);

    /** @throws IllegalArgumentException naming a setting whose value is not allowed */
    static Recording from(GovernedSettings settings, boolean redactLiterals) {
        ParameterRecording parameters = ParameterRecording.parse(settings.get(ParameterRecording.SETTING)
                .orElse(redactLiterals ? "digest" : "values"));
        return new Recording(parameters, ResultRecording.parse(settings.get(ResultRecording.SETTING).orElse(null)),
                batchSets(settings.get(ParameterRecording.BATCH_SETS_SETTING).orElse(null)));
    }

    private static int batchSets(String text) {
        if (text == null) {
            return DEFAULT_BATCH_SETS;
        }
        try {
            int result = Integer.parseInt(text.strip());
            if (result >= 0) {
                return result;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(ParameterRecording.BATCH_SETS_SETTING + "=" + text + " is not a whole number of parameter"
                + " sets, 0 or more (0 records only how many sets a batch had)");
    }

    boolean digestsResults() {
        return results == ResultRecording.DIGEST;
    }

    /**
     * The recorded form of {@code values} (1-based, entry i-1 for parameter i, null where unbound), then of the
     * parameters bound by {@code name} (in name order, each with its name).
     */
    List<AuditEvent.Parameter> parameters(Object[] values, Map<String, Object> named, Object nullMarker,
                                          boolean withheld) {
        if (parameters == ParameterRecording.NONE) {
            return List.of();
        }
        int count = values.length;
        while (count > 0 && values[count - 1] == null) {
            count--;
        }
        int size = count + (named == null ? 0 : named.size());
        if (size == 0) {
            return List.of();
        }
        AuditEvent.Parameter[] result = new AuditEvent.Parameter[size];
        for (int i = 0; i < count; i++) {
            Object each = values[i];
            result[i] = parameters.record(each == nullMarker ? null : each, withheld);
        }
        if (named != null) {
            int i = count;
            for (Map.Entry<String, Object> each : named.entrySet()) {
                result[i++] = parameters.record(each.getValue() == nullMarker ? null : each.getValue(), withheld)
                        .named(each.getKey());
            }
        }
        return List.of(result); // immutable already: the event's records do not copy it again
    }

    /** The recorded form of a batch's parameter sets: the first {@link #batchSets} of them; null when none are kept. */
    AuditEvent.Batch batch(List<Object[]> positional, List<Map<String, Object>> named, Object nullMarker,
                           boolean withheld) {
        if (parameters == ParameterRecording.NONE) {
            return null;
        }
        int kept = Math.min(batchSets, positional.size());
        List<List<AuditEvent.Parameter>> sets = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            sets.add(parameters(positional.get(i), named.get(i), nullMarker, withheld));
        }
        return new AuditEvent.Batch(sets, positional.size());
    }
}
