package dev.governed.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The document as plain maps and lists in the contract's shape, leaving out what is absent or default. */
final class PolicyWriter {

    private PolicyWriter() {
    }

    static Map<String, Object> tree(PolicyDocument document) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("version", document.version());
        result.put("defaults", Map.of("effect", document.defaultEffect().key()));
        putList(result, "rules", document.rules().stream().map(PolicyWriter::rule).toList());
        putList(result, "masks", document.masks().stream().map(PolicyWriter::mask).toList());
        putList(result, "http", document.http().stream().map(PolicyWriter::httpRule).toList());
        putList(result, "httpMasks", document.httpMasks().stream().map(PolicyWriter::httpMask).toList());
        return result;
    }

    private static Map<String, Object> rule(Rule rule) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", rule.id());
        putWhen(result, "when", rule.when());
        Map<String, Object> sql = new LinkedHashMap<>();
        putList(sql, "operations", rule.sql().operations().stream()
                .sorted(Comparator.naturalOrder()).map(SqlOperation::key).toList());
        putList(sql, "tables", rule.sql().tables().stream().map(TablePattern::text).toList());
        if (rule.sql().where() != SqlMatch.Where.ANY) {
            sql.put("where", rule.sql().where().key());
        }
        if (!sql.isEmpty()) {
            result.put("sql", sql);
        }
        putDecision(result, rule.effect(), rule.reason(), rule.approval());
        return result;
    }

    private static Map<String, Object> httpRule(HttpRule rule) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", rule.id());
        putWhen(result, "when", rule.when());
        Map<String, Object> request = new LinkedHashMap<>();
        putList(request, "methods", sorted(rule.request().methods()));
        putList(request, "paths", rule.request().paths());
        if (!request.isEmpty()) {
            result.put("request", request);
        }
        putDecision(result, rule.effect(), rule.reason(), rule.approval());
        return result;
    }

    private static void putDecision(Map<String, Object> result, Effect effect, String reason, Approval approval) {
        result.put("effect", effect.key());
        if (reason != null) {
            result.put("reason", reason);
        }
        if (approval != null) {
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("approvers", Map.of("groups", sorted(approval.approverGroups())));
            block.put("mode", approval.mode().key());
            if (approval.ttl() != null) {
                block.put("ttl", approval.ttl().toString());
            }
            if (approval.minApprovals() > 1) {
                block.put("minApprovals", approval.minApprovals());
            }
            result.put("approval", block);
        }
    }

    private static Map<String, Object> mask(MaskRule mask) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("columns", mask.columns().stream().map(ColumnPattern::text).toList());
        putList(result, "resources", sorted(mask.resources()));
        result.put("strategy", mask.strategy());
        result.putAll(new java.util.TreeMap<>(mask.options()));
        if (mask.exempt() != null) {
            putWhen(result, "exempt", mask.exempt());
        }
        result.put("onDerived", mask.onDerived().key());
        if (mask.allowEquality()) {
            result.put("allowEquality", true);
        }
        return result;
    }

    private static Map<String, Object> httpMask(HttpMask mask) {
        Map<String, Object> result = new LinkedHashMap<>();
        putList(result, "resources", sorted(mask.resources()));
        result.put("fields", mask.fields());
        result.put("strategy", mask.strategy());
        result.putAll(new java.util.TreeMap<>(mask.options()));
        if (mask.exempt() != null) {
            putWhen(result, "exempt", mask.exempt());
        }
        return result;
    }

    private static void putWhen(Map<String, Object> result, String key, When when) {
        Map<String, Object> block = new LinkedHashMap<>();
        putList(block, "subjects", sorted(when.subjects()));
        putList(block, "groups", sorted(when.groups()));
        putList(block, "actors", when.actors().patterns());
        if (when.onBehalfOf().isAbsent()) {
            block.put("onBehalfOf", PartyPatterns.ABSENT_KEYWORD);
        } else {
            putList(block, "onBehalfOf", when.onBehalfOf().patterns());
        }
        putList(block, "resources", sorted(when.resources()));
        putList(block, "environments", sorted(when.environments()));
        if (!block.isEmpty()) {
            result.put(key, block);
        }
    }

    private static void putList(Map<String, Object> result, String key, List<?> values) {
        if (!values.isEmpty()) {
            result.put(key, values);
        }
    }

    private static List<String> sorted(Set<String> values) {
        List<String> result = new ArrayList<>(values);
        result.sort(Comparator.naturalOrder());
        return result;
    }
}
