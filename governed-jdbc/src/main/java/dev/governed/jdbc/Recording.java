package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.recording.ParameterRecording;
import dev.governed.audit.recording.ResultRecording;
import dev.governed.core.GovernedSettings;
import java.util.List;

/**
 * What a datasource's events keep for a later replay: bound parameters ({@code governed.audit.parameters}) and
 * result digests ({@code governed.audit.results}). With {@code governed.redactLiterals} the parameters default to
 * {@code digest}: a statement whose literals are hidden should not show its bound values either.
 */
record Recording(ParameterRecording parameters, ResultRecording results) {

    static final Recording DEFAULT = new Recording(ParameterRecording.VALUES, ResultRecording.NONE);

    /** @throws IllegalArgumentException naming a setting whose value is not allowed */
    static Recording from(GovernedSettings settings, boolean redactLiterals) {
        ParameterRecording parameters = ParameterRecording.parse(settings.get(ParameterRecording.SETTING)
                .orElse(redactLiterals ? "digest" : "values"));
        return new Recording(parameters, ResultRecording.parse(settings.get(ResultRecording.SETTING).orElse(null)));
    }

    boolean digestsResults() {
        return results == ResultRecording.DIGEST;
    }

    /** The recorded form of {@code values} (1-based, entry i-1 for parameter i, null where unbound). */
    List<AuditEvent.Parameter> parameters(Object[] values, Object nullMarker, boolean withheld) {
        if (parameters == ParameterRecording.NONE) {
            return List.of();
        }
        int count = values.length;
        while (count > 0 && values[count - 1] == null) {
            count--;
        }
        if (count == 0) {
            return List.of();
        }
        AuditEvent.Parameter[] result = new AuditEvent.Parameter[count];
        for (int i = 0; i < count; i++) {
            Object each = values[i];
            result[i] = parameters.record(each == nullMarker ? null : each, withheld);
        }
        return List.of(result); // immutable already: the event's records do not copy it again
    }
}
