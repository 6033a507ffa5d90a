package dev.governed.http;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code httpMasks} field: {@code $}, then steps {@code .name}, {@code ['name']},
 * {@code .*}, {@code [*]}, {@code [n]} and the recursive {@code ..name} / {@code ..*}.
 */
final class JsonPath {

    /** One step; {@code name} null with {@code index} -1 is a wildcard. */
    private record Step(boolean descendant, String name, int index) {
        boolean accepts(Object segment) {
            if (name != null) {
                return name.equals(segment);
            }
            if (index >= 0) {
                return segment instanceof Integer position && position == index;
            }
            return true;
        }
    }

    private final String text;
    private final Step[] steps;

    private JsonPath(String text, Step[] steps) {
        this.text = text;
        this.steps = steps;
    }

    static JsonPath compile(String text) {
        if (!text.startsWith("$")) {
            throw new IllegalArgumentException("a JSON field path starts with $, not \"" + text + "\"");
        }
        List<Step> steps = new ArrayList<>();
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '.') {
                boolean descendant = i + 1 < text.length() && text.charAt(i + 1) == '.';
                int start = i + (descendant ? 2 : 1);
                int end = start;
                while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
                    end++;
                }
                String name = text.substring(start, end);
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("an empty step in \"" + text + "\"");
                }
                steps.add(name.equals("*") ? new Step(descendant, null, -1) : new Step(descendant, name, -1));
                i = end;
            } else if (c == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("an unclosed [ in \"" + text + "\"");
                }
                String inside = text.substring(i + 1, close);
                if (inside.equals("*")) {
                    steps.add(new Step(false, null, -1));
                } else if (inside.startsWith("'") && inside.endsWith("'") && inside.length() >= 2) {
                    steps.add(new Step(false, inside.substring(1, inside.length() - 1), -1));
                } else {
                    steps.add(new Step(false, null, Integer.parseInt(inside)));
                }
                i = close + 1;
            } else {
                throw new IllegalArgumentException("unexpected \"" + c + "\" in \"" + text + "\"");
            }
        }
        return new JsonPath(text, steps.toArray(new Step[0]));
    }

    String text() {
        return text;
    }

    /** Whether the value at {@code path} (field names as strings, array positions as integers) is selected. */
    boolean matches(Object[] path, int length) {
        return matches(0, path, 0, length);
    }

    private boolean matches(int step, Object[] path, int at, int length) {
        if (step == steps.length) {
            return at == length;
        }
        Step each = steps[step];
        if (each.descendant()) {
            for (int k = at; k < length; k++) {
                if (each.accepts(path[k]) && matches(step + 1, path, k + 1, length)) {
                    return true;
                }
            }
            return false;
        }
        return at < length && each.accepts(path[at]) && matches(step + 1, path, at + 1, length);
    }
}
