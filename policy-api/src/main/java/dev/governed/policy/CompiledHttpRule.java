package dev.governed.policy;

import java.util.List;

/** One {@code http} rule prepared for evaluation: path patterns pre-split into segments. */
final class CompiledHttpRule {
    final HttpRule rule;
    final Effect effect;
    private final String[][] paths;
    final Decision.Allow allowDecision;

    CompiledHttpRule(HttpRule rule, long policyVersion) {
        this.rule = rule;
        this.effect = rule.effect();
        List<String> patterns = rule.request().paths();
        this.paths = new String[patterns.size()][];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = segments(patterns.get(i));
        }
        this.allowDecision = effect == Effect.ALLOW
                ? new Decision.Allow(rule.id(), rule.reason() != null ? rule.reason() : "allowed by rule " + rule.id(),
                policyVersion)
                : null;
    }

    boolean matches(HttpRequest request) {
        if (!rule.when().matches(request.caller(), request.resource(), request.environment())) {
            return false;
        }
        if (!rule.request().methods().isEmpty() && !rule.request().methods().contains(request.method())) {
            return false;
        }
        if (paths.length == 0) {
            return true;
        }
        String[] path = segments(request.path());
        for (String[] each : paths) {
            if (matches(each, 0, path, 0)) {
                return true;
            }
        }
        return false;
    }

    /** {@code /} is no segment, {@code /a/b} is [a, b]; a trailing slash adds no segment. */
    static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    /** {@code *} is exactly one segment, {@code **} any number (zero included); literals compare exactly. */
    private static boolean matches(String[] pattern, int p, String[] path, int s) {
        while (p < pattern.length) {
            String each = pattern[p];
            if (each.equals("**")) {
                for (int rest = s; rest <= path.length; rest++) {
                    if (matches(pattern, p + 1, path, rest)) {
                        return true;
                    }
                }
                return false;
            }
            if (s >= path.length || !(each.equals("*") || each.equals(path[s]))) {
                return false;
            }
            p++;
            s++;
        }
        return s == path.length;
    }
}
