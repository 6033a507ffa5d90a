package dev.governed.core.identity;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.stream.Collectors;

/** Formatting for error messages: values from a token are attacker-controlled, so they are quoted and cut short. */
final class Messages {
    private static final int MAX_VALUE_LENGTH = 80;

    private Messages() {}

    static String quote(Object value) {
        if (value == null) {
            return "(none)";
        }
        String text = value.toString();
        StringBuilder result = new StringBuilder(Math.min(text.length(), MAX_VALUE_LENGTH) + 3).append('\'');
        for (int i = 0; i < text.length() && i < MAX_VALUE_LENGTH; i++) {
            char each = text.charAt(i);
            result.append(Character.isISOControl(each) ? '?' : each);
        }
        if (text.length() > MAX_VALUE_LENGTH) {
            result.append('…');
        }
        return result.append('\'').toString();
    }

    static String quoteAll(Collection<?> values) {
        return values.isEmpty() ? "(none)" : values.stream().map(Messages::quote).collect(Collectors.joining(", "));
    }

    static String list(Collection<?> values) {
        return values.isEmpty() ? "(none)" : values.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
