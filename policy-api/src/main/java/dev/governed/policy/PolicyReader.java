package dev.governed.policy;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/** Turns a parsed JSON/YAML tree into a {@link PolicyDocument}, rejecting anything the contract does not allow. */
final class PolicyReader {

    private static final List<String> TOP_KEYS = List.of("version", "defaults", "rules", "masks", "http", "httpMasks");
    private static final List<String> DEFAULTS_KEYS = List.of("effect");
    private static final List<String> RULE_KEYS = List.of("id", "when", "sql", "effect", "reason", "approval");
    private static final List<String> HTTP_RULE_KEYS = List.of("id", "when", "request", "effect", "reason", "approval");
    private static final List<String> WHEN_KEYS =
            List.of("subjects", "groups", "resources", "environments", "actors", "onBehalfOf");
    private static final List<String> SQL_KEYS = List.of("operations", "tables", "where");
    private static final List<String> REQUEST_KEYS = List.of("methods", "paths");
    private static final List<String> APPROVAL_KEYS = List.of("approvers", "mode", "ttl", "minApprovals");
    private static final List<String> APPROVERS_KEYS = List.of("groups");
    private static final List<String> MASK_KEYS =
            List.of("columns", "resources", "strategy", "exempt", "onDerived", "allowEquality");
    private static final List<String> HTTP_MASK_KEYS = List.of("resources", "fields", "strategy", "exempt");

    private static final String OPERATIONS = Arrays.stream(SqlOperation.values())
            .map(SqlOperation::key).collect(Collectors.joining(", "));
    private static final Set<String> HTTP_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");
    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern JSON_PATH = Pattern.compile(
            "\\$(?:\\.\\.?(?:[A-Za-z_][A-Za-z0-9_-]*|\\*)|\\[(?:\\*|\\d+|'[^']+')])+");

    /** Rule ids seen so far, across {@code rules} and {@code http}, with where each was defined. */
    private final Map<String, String> ruleIds = new HashMap<>();

    private PolicyReader() {
    }

    static PolicyDocument read(JsonNode root) {
        return new PolicyReader().document(root);
    }

    private PolicyDocument document(JsonNode root) {
        if (root == null || root.isNull() || root.isMissingNode()) {
            throw new PolicyProblem("", "the document is empty; expected a mapping with keys " + String.join(", ", TOP_KEYS));
        }
        Section top = Section.of(root, "", TOP_KEYS, "");
        long version = version(top);
        Effect defaultEffect = Effect.DENY;
        JsonNode defaults = top.value("defaults");
        if (defaults != null) {
            Section section = Section.of(defaults, "defaults", DEFAULTS_KEYS, "");
            JsonNode effect = section.value("effect");
            if (effect != null) {
                defaultEffect = effect(effect, section.path("effect"), false);
            }
        }
        List<Rule> rules = new ArrayList<>();
        forEach(top, "rules", "rule", (node, path) -> rules.add(rule(node, path)));
        List<MaskRule> masks = new ArrayList<>();
        forEach(top, "masks", "mask", (node, path) -> masks.add(mask(node, path)));
        List<HttpRule> http = new ArrayList<>();
        forEach(top, "http", "http rule", (node, path) -> http.add(httpRule(node, path)));
        List<HttpMask> httpMasks = new ArrayList<>();
        forEach(top, "httpMasks", "http mask", (node, path) -> httpMasks.add(httpMask(node, path)));
        return new PolicyDocument(version, defaultEffect, rules, masks, http, httpMasks);
    }

    private interface ItemReader {
        void read(JsonNode node, String path);
    }

    private static void forEach(Section section, String key, String what, ItemReader reader) {
        JsonNode value = section.value(key);
        if (value == null) {
            return;
        }
        String path = section.path(key);
        if (!value.isArray()) {
            throw new PolicyProblem(path, "expected a list of " + what + "s, found " + Section.describe(value));
        }
        for (int i = 0; i < value.size(); i++) {
            reader.read(value.get(i), Section.index(path, i));
        }
    }

    private static long version(Section top) {
        JsonNode value = top.value("version");
        String expected = "a whole number >= 0 (the policy's revision, echoed in audit events), e.g. version: 7";
        if (value == null) {
            throw new PolicyProblem("", "missing \"version\"; expected " + expected);
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new PolicyProblem("version", "expected " + expected + ", found " + Section.describe(value));
        }
        return value.longValue();
    }

    private Rule rule(JsonNode node, String path) {
        Section section = Section.of(node, path, RULE_KEYS, "");
        String id = ruleId(section);
        When when = when(section.value("when"), section.path("when"), false);
        JsonNode sqlNode = section.value("sql");
        SqlMatch sql = sqlNode == null ? SqlMatch.ANY : sql(sqlNode, section.path("sql"));
        Effect effect = requiredEffect(section);
        String reason = section.optionalString("reason", "a reason text shown to the caller");
        return new Rule(id, when, sql, effect, reason, approval(section, effect));
    }

    private HttpRule httpRule(JsonNode node, String path) {
        Section section = Section.of(node, path, HTTP_RULE_KEYS, "");
        String id = ruleId(section);
        When when = when(section.value("when"), section.path("when"), false);
        JsonNode requestNode = section.value("request");
        HttpRequestMatch request = requestNode == null ? HttpRequestMatch.ANY
                : request(requestNode, section.path("request"));
        Effect effect = requiredEffect(section);
        String reason = section.optionalString("reason", "a reason text shown to the caller");
        return new HttpRule(id, when, request, effect, reason, approval(section, effect));
    }

    private String ruleId(Section section) {
        String expected = "a rule id made of letters, digits and . _ : / - (unique in the document)";
        String id = section.requiredString("id", expected);
        if (!RULE_ID.matcher(id).matches()) {
            throw new PolicyProblem(section.path("id"), "bad rule id \"" + id + "\"; expected " + expected);
        }
        if (id.equals("default")) {
            throw new PolicyProblem(section.path("id"),
                    "rule id \"default\" is reserved for decisions made by defaults.effect; choose another id");
        }
        String previous = ruleIds.putIfAbsent(id, section.path());
        if (previous != null) {
            throw new PolicyProblem(section.path("id"), "duplicate rule id \"" + id + "\", already used by "
                    + previous + "; rule ids must be unique because decisions and audit events name them");
        }
        return id;
    }

    private static Effect requiredEffect(Section section) {
        JsonNode value = section.value("effect");
        if (value == null) {
            throw new PolicyProblem(section.path(), "missing \"effect\"; expected one of allow, deny, approve");
        }
        return effect(value, section.path("effect"), true);
    }

    private static Effect effect(JsonNode value, String path, boolean approveAllowed) {
        String expected = approveAllowed ? "one of allow, deny, approve" : "allow or deny";
        String text = Section.string(value, path, expected);
        for (Effect each : Effect.values()) {
            if (each.key().equalsIgnoreCase(text) && (approveAllowed || each != Effect.APPROVE)) {
                return each;
            }
        }
        throw new PolicyProblem(path, "unknown effect \"" + text + "\"; expected " + expected);
    }

    private static Approval approval(Section rule, Effect effect) {
        JsonNode value = rule.value("approval");
        String path = rule.path("approval");
        if (effect != Effect.APPROVE) {
            if (value != null) {
                throw new PolicyProblem(path, "an approval block is only allowed with effect approve; remove it"
                        + " or set effect: approve");
            }
            return null;
        }
        if (value == null) {
            throw new PolicyProblem(rule.path(), "effect approve needs an approval block naming who approves,"
                    + " e.g. approval: { approvers: { groups: [dba] }, mode: once }");
        }
        Section section = Section.of(value, path, APPROVAL_KEYS, "");
        JsonNode approvers = section.value("approvers");
        if (approvers == null) {
            throw new PolicyProblem(path, "missing \"approvers\"; expected e.g. approvers: { groups: [dba] }");
        }
        Section approverSection = Section.of(approvers, section.path("approvers"), APPROVERS_KEYS, "");
        Set<String> groups = approverSection.stringSet("groups", "an approver group");
        if (groups.isEmpty()) {
            throw new PolicyProblem(approverSection.path(), "missing \"groups\"; expected the groups whose members"
                    + " may approve, e.g. groups: [dba]");
        }
        Approval.Mode mode = Approval.Mode.ONCE;
        String modeText = section.optionalString("mode", "once or window");
        if (modeText != null) {
            mode = switch (modeText.toLowerCase(Locale.ROOT)) {
                case "once" -> Approval.Mode.ONCE;
                case "window" -> Approval.Mode.WINDOW;
                default -> throw new PolicyProblem(section.path("mode"),
                        "unknown mode \"" + modeText + "\"; expected once or window");
            };
        }
        Duration ttl = null;
        JsonNode ttlNode = section.value("ttl");
        if (mode == Approval.Mode.WINDOW) {
            if (ttlNode == null) {
                throw new PolicyProblem(path, "mode window needs \"ttl\", how long one approval lasts, e.g. ttl: 15m");
            }
            ttl = duration(ttlNode, section.path("ttl"));
        } else if (ttlNode != null) {
            throw new PolicyProblem(section.path("ttl"), "ttl is only allowed with mode: window; remove it or set"
                    + " mode: window");
        }
        JsonNode minimum = section.value("minApprovals");
        int minApprovals = 1;
        if (minimum != null) {
            if (!minimum.canConvertToInt() || !minimum.isIntegralNumber() || minimum.intValue() < 1) {
                throw new PolicyProblem(section.path("minApprovals"), "minApprovals must be a whole number of at least 1,"
                        + " how many different approvers must approve, e.g. minApprovals: 2");
            }
            minApprovals = minimum.intValue();
        }
        return new Approval(groups, mode, ttl, minApprovals);
    }

    private static Duration duration(JsonNode node, String path) {
        String expected = "a positive duration such as 30s, 15m, 2h, 1d or PT15M";
        String text = Section.string(node, path, expected);
        Duration result;
        Matcher shortForm = SHORT_DURATION.matcher(text);
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            result = switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                result = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new PolicyProblem(path, "bad duration \"" + text + "\"; expected " + expected);
            }
        }
        if (result.isZero() || result.isNegative()) {
            throw new PolicyProblem(path, "duration \"" + text + "\" is not positive; expected " + expected);
        }
        return result;
    }

    private static When when(JsonNode node, String path, boolean mustNameSomeone) {
        if (node == null) {
            return When.ANY;
        }
        Section section = Section.of(node, path, WHEN_KEYS, "");
        When result = new When(
                section.stringSet("subjects", "a token subject"),
                section.stringSet("groups", "a group"),
                section.stringSet("resources", "a resource name"),
                section.stringSet("environments", "an environment name"),
                parties(section, "actors", false),
                parties(section, "onBehalfOf", true));
        if (mustNameSomeone && result.isAny()) {
            throw new PolicyProblem(path, "an empty block would exempt every caller; name at least one of "
                    + String.join(", ", WHEN_KEYS) + ", or remove it");
        }
        return result;
    }

    /**
     * {@code actors} and {@code onBehalfOf}: a list of {@link PartyPatterns#SHAPE}; {@code onBehalfOf} may
     * instead be the word {@code absent} (tokens without delegation only).
     */
    private static PartyPatterns parties(Section section, String key, boolean absentAllowed) {
        JsonNode value = section.value(key);
        if (value == null) {
            return PartyPatterns.ANY;
        }
        String path = section.path(key);
        String absentHint = absentAllowed ? ", or the word absent (only tokens without delegation)" : "";
        if (value.isTextual()) {
            if (absentAllowed && value.textValue().equals(PartyPatterns.ABSENT_KEYWORD)) {
                return PartyPatterns.ABSENT;
            }
            throw new PolicyProblem(path, "expected a list of " + PartyPatterns.SHAPE + absentHint + ", found "
                    + Section.describe(value) + "; write " + key + ": [" + value.textValue() + "]"
                    + (absentAllowed || !value.textValue().equals(PartyPatterns.ABSENT_KEYWORD) ? ""
                    : " (absent is only for onBehalfOf: every call has an acting party)"));
        }
        JsonNode list = Section.list(value, path, PartyPatterns.SHAPE + absentHint);
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String itemPath = Section.index(path, i);
            String text = Section.string(list.get(i), itemPath, PartyPatterns.SHAPE);
            if (absentAllowed && text.equals(PartyPatterns.ABSENT_KEYWORD)) {
                throw new PolicyProblem(itemPath, "absent cannot be mixed with names; write " + key
                        + ": absent on its own (tokens without delegation), or list the represented users");
            }
            patterns.add(text);
        }
        try {
            return PartyPatterns.of(patterns);
        } catch (IllegalArgumentException e) {
            throw new PolicyProblem(path, e.getMessage());
        }
    }

    private static SqlMatch sql(JsonNode node, String path) {
        Section section = Section.of(node, path, SQL_KEYS, "");
        Set<SqlOperation> operations = java.util.EnumSet.noneOf(SqlOperation.class);
        JsonNode operationsNode = section.value("operations");
        if (operationsNode != null) {
            String listPath = section.path("operations");
            JsonNode list = Section.list(operationsNode, listPath, "operation (" + OPERATIONS + ")");
            for (int i = 0; i < list.size(); i++) {
                String itemPath = Section.index(listPath, i);
                String key = Section.string(list.get(i), itemPath, "one of " + OPERATIONS);
                operations.add(SqlOperation.fromKey(key).orElseThrow(() -> new PolicyProblem(itemPath,
                        "unknown operation \"" + key + "\"; expected one of " + OPERATIONS)));
            }
        }
        List<TablePattern> tables = new ArrayList<>();
        JsonNode tablesNode = section.value("tables");
        if (tablesNode != null) {
            String listPath = section.path("tables");
            JsonNode list = Section.list(tablesNode, listPath, TablePattern.SHAPE);
            for (int i = 0; i < list.size(); i++) {
                String itemPath = Section.index(listPath, i);
                String text = Section.string(list.get(i), itemPath, TablePattern.SHAPE);
                try {
                    tables.add(TablePattern.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new PolicyProblem(itemPath, e.getMessage());
                }
            }
        }
        SqlMatch.Where where = SqlMatch.Where.ANY;
        String whereText = section.optionalString("where", "absent or present");
        if (whereText != null) {
            where = switch (whereText.toLowerCase(Locale.ROOT)) {
                case "absent" -> SqlMatch.Where.ABSENT;
                case "present" -> SqlMatch.Where.PRESENT;
                default -> throw new PolicyProblem(section.path("where"), "unknown where \"" + whereText
                        + "\"; expected absent (statements without a WHERE clause) or present");
            };
        }
        return new SqlMatch(operations, tables, where);
    }

    private static HttpRequestMatch request(JsonNode node, String path) {
        Section section = Section.of(node, path, REQUEST_KEYS, "");
        Set<String> methods = new java.util.LinkedHashSet<>();
        String methodsExpected = "an HTTP method (" + String.join(", ", sorted(HTTP_METHODS)) + ")";
        JsonNode methodsNode = section.value("methods");
        if (methodsNode != null) {
            String listPath = section.path("methods");
            JsonNode list = Section.list(methodsNode, listPath, methodsExpected);
            for (int i = 0; i < list.size(); i++) {
                String itemPath = Section.index(listPath, i);
                String method = Section.string(list.get(i), itemPath, methodsExpected).toUpperCase(Locale.ROOT);
                if (!HTTP_METHODS.contains(method)) {
                    throw new PolicyProblem(itemPath, "unknown method \"" + list.get(i).textValue() + "\"; expected "
                            + methodsExpected);
                }
                methods.add(method);
            }
        }
        List<String> paths = new ArrayList<>();
        String pathExpected = "a path pattern starting with /, whose segments are literal, * (one segment)"
                + " or ** (any number of segments), e.g. /v1/customers/**";
        JsonNode pathsNode = section.value("paths");
        if (pathsNode != null) {
            String listPath = section.path("paths");
            JsonNode list = Section.list(pathsNode, listPath, pathExpected);
            for (int i = 0; i < list.size(); i++) {
                String itemPath = Section.index(listPath, i);
                String pattern = Section.string(list.get(i), itemPath, pathExpected);
                String problem = pathProblem(pattern);
                if (problem != null) {
                    throw new PolicyProblem(itemPath, "bad path \"" + pattern + "\": " + problem + "; expected "
                            + pathExpected);
                }
                paths.add(pattern);
            }
        }
        return new HttpRequestMatch(methods, paths);
    }

    private static String pathProblem(String pattern) {
        if (!pattern.startsWith("/")) {
            return "it does not start with /";
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (Character.isWhitespace(c) || c == '?' || c == '#') {
                return "it contains \"" + c + "\"";
            }
        }
        for (String segment : pattern.substring(1).split("/", -1)) {
            if (segment.contains("*") && !segment.equals("*") && !segment.equals("**")) {
                return "wildcards must be a whole segment, found \"" + segment + "\"";
            }
        }
        return null;
    }

    private static MaskRule mask(JsonNode node, String path) {
        String strategy = strategy(node, path);
        List<String> allowed = new ArrayList<>(MASK_KEYS);
        MaskStrategies.options(strategy).forEach(option -> allowed.add(option.key()));
        Section section = Section.of(node, path, allowed, " for strategy " + strategy);
        List<ColumnPattern> columns = new ArrayList<>();
        JsonNode columnsNode = section.value("columns");
        if (columnsNode == null) {
            throw new PolicyProblem(path, "missing \"columns\"; expected a list of " + ColumnPattern.SHAPE);
        }
        String listPath = section.path("columns");
        JsonNode list = Section.list(columnsNode, listPath, ColumnPattern.SHAPE);
        for (int i = 0; i < list.size(); i++) {
            String itemPath = Section.index(listPath, i);
            String text = Section.string(list.get(i), itemPath, ColumnPattern.SHAPE);
            try {
                columns.add(ColumnPattern.parse(text));
            } catch (IllegalArgumentException e) {
                throw new PolicyProblem(itemPath, e.getMessage());
            }
        }
        Set<String> resources = section.stringSet("resources", "a resource name");
        When exempt = section.has("exempt") ? when(section.value("exempt"), section.path("exempt"), true) : null;
        MaskRule.OnDerived onDerived = MaskRule.OnDerived.REDACT;
        String onDerivedText = section.optionalString("onDerived", "deny or redact");
        if (onDerivedText != null) {
            onDerived = switch (onDerivedText.toLowerCase(Locale.ROOT)) {
                case "deny" -> MaskRule.OnDerived.DENY;
                case "redact" -> MaskRule.OnDerived.REDACT;
                default -> throw new PolicyProblem(section.path("onDerived"), "unknown onDerived \"" + onDerivedText
                        + "\"; expected deny (refuse the statement) or redact (return the derived value redacted)");
            };
        }
        boolean allowEquality = false;
        JsonNode equality = section.value("allowEquality");
        if (equality != null) {
            if (!equality.isBoolean()) {
                throw new PolicyProblem(section.path("allowEquality"), "expected true or false, found "
                        + Section.describe(equality));
            }
            allowEquality = equality.booleanValue();
        }
        return new MaskRule(columns, resources, strategy, options(section, strategy), exempt, onDerived, allowEquality);
    }

    private static HttpMask httpMask(JsonNode node, String path) {
        String strategy = strategy(node, path);
        List<String> allowed = new ArrayList<>(HTTP_MASK_KEYS);
        MaskStrategies.options(strategy).forEach(option -> allowed.add(option.key()));
        Section section = Section.of(node, path, allowed, " for strategy " + strategy);
        String fieldExpected = "a JSONPath such as $.ssn or $.customers[*].ssn";
        JsonNode fieldsNode = section.value("fields");
        if (fieldsNode == null) {
            throw new PolicyProblem(path, "missing \"fields\"; expected a list of " + fieldExpected);
        }
        List<String> fields = new ArrayList<>();
        String listPath = section.path("fields");
        JsonNode list = Section.list(fieldsNode, listPath, fieldExpected);
        for (int i = 0; i < list.size(); i++) {
            String itemPath = Section.index(listPath, i);
            String field = Section.string(list.get(i), itemPath, fieldExpected);
            if (!JSON_PATH.matcher(field).matches()) {
                throw new PolicyProblem(itemPath, "bad JSONPath \"" + field + "\"; expected " + fieldExpected
                        + " (supported: $, .name, ..name, .*, [*], [n], ['name'])");
            }
            fields.add(field);
        }
        Set<String> resources = section.stringSet("resources", "a resource name");
        When exempt = section.has("exempt") ? when(section.value("exempt"), section.path("exempt"), true) : null;
        return new HttpMask(resources, fields, strategy, options(section, strategy), exempt);
    }

    private static String strategy(JsonNode node, String path) {
        String expected = "one of " + String.join(", ", MaskStrategies.names());
        if (!node.isObject()) {
            throw new PolicyProblem(path, "expected a mapping with columns/fields and a strategy, found "
                    + Section.describe(node));
        }
        JsonNode value = node.get("strategy");
        if (value == null) {
            throw new PolicyProblem(path, "missing \"strategy\"; expected " + expected);
        }
        if (value.isNull()) {
            // YAML reads an unquoted "strategy: null" as no value; the contract means the null strategy.
            return "null";
        }
        String strategy = Section.string(value, Section.child(path, "strategy"), expected);
        if (MaskStrategies.options(strategy) == null) {
            throw new PolicyProblem(Section.child(path, "strategy"), "unknown strategy \"" + strategy
                    + "\"; expected " + expected);
        }
        return strategy;
    }

    private static Map<String, Object> options(Section section, String strategy) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (MaskStrategies.Option option : MaskStrategies.options(strategy)) {
            JsonNode value = section.value(option.key());
            String path = section.path(option.key());
            if (value == null) {
                if (option.required()) {
                    throw new PolicyProblem(section.path(), "strategy " + strategy + " needs option \""
                            + option.key() + "\" (" + expected(option.type()) + ")");
                }
                continue;
            }
            result.put(option.key(), optionValue(value, path, option.type()));
        }
        return result;
    }

    private static Object optionValue(JsonNode value, String path, MaskStrategies.Type type) {
        switch (type) {
            case KEEP_COUNT, HASH_LENGTH -> {
                int min = type == MaskStrategies.Type.KEEP_COUNT ? 0 : 8;
                int max = type == MaskStrategies.Type.KEEP_COUNT ? 1000 : 64;
                if (!value.isIntegralNumber() || !value.canConvertToInt()
                        || value.intValue() < min || value.intValue() > max) {
                    throw new PolicyProblem(path, "expected " + expected(type) + ", found " + Section.describe(value));
                }
                return value.intValue();
            }
            case CHAR -> {
                if (!value.isTextual() || value.textValue().codePointCount(0, value.textValue().length()) != 1) {
                    throw new PolicyProblem(path, "expected " + expected(type) + ", found " + Section.describe(value));
                }
                return value.textValue();
            }
            case REGEX -> {
                String text = Section.string(value, path, expected(type));
                try {
                    Pattern.compile(text);
                } catch (PatternSyntaxException e) {
                    throw new PolicyProblem(path, "invalid regular expression \"" + text + "\": "
                            + e.getDescription() + " near index " + e.getIndex());
                }
                return text;
            }
            case SCALAR -> {
                if (value.isTextual()) {
                    return value.textValue();
                }
                if (value.isIntegralNumber() && value.canConvertToLong()) {
                    return value.longValue();
                }
                if (value.isNumber() || value.isBoolean()) {
                    return value.isBoolean() ? (Object) value.booleanValue() : value.doubleValue();
                }
                throw new PolicyProblem(path, "expected " + expected(type) + ", found " + Section.describe(value));
            }
            default -> {
                if (!value.isTextual()) {
                    throw new PolicyProblem(path, "expected " + expected(type) + ", found " + Section.describe(value));
                }
                return value.textValue();
            }
        }
    }

    private static String expected(MaskStrategies.Type type) {
        return switch (type) {
            case KEEP_COUNT -> "a whole number from 0 to 1000, the characters left clear";
            case HASH_LENGTH -> "a whole number from 8 to 64, the hex characters kept";
            case CHAR -> "a single character";
            case REGEX -> "a Java regular expression";
            case STRING -> "a text";
            case SCALAR -> "a text, number or boolean";
        };
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
