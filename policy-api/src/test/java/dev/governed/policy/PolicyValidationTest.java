package dev.governed.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every way a document can be wrong gives a message naming the origin, the field path, the problem and the fix. */
class PolicyValidationTest {

    private static final String HEAD = "version: 1\n";

    static Stream<Arguments> invalidDocuments() {
        return Stream.of(
                arguments("unknown top-level key", "versoin: 1\n",
                        "(top level): unknown key \"versoin\" (did you mean \"version\"?); allowed keys: version, defaults, rules"),
                arguments("missing version", "rules: []\n", "(top level): missing \"version\"; expected a whole number"),
                arguments("fractional version", "version: 7.5\n", "version: expected a whole number >= 0"),
                arguments("textual version", "version: seven\n", "version: expected a whole number >= 0"),
                arguments("negative version", "version: -1\n", "version: expected a whole number >= 0"),
                arguments("approve as default effect", HEAD + "defaults: { effect: approve }\n",
                        "defaults.effect: unknown effect \"approve\"; expected allow or deny"),
                arguments("unknown key in defaults", HEAD + "defaults: { efect: deny }\n",
                        "defaults: unknown key \"efect\" (did you mean \"effect\"?)"),
                arguments("rules not a list", HEAD + "rules: { id: a }\n", "rules: expected a list of rules, found a mapping"),
                arguments("unknown key in rule", HEAD + "rules:\n  - { id: a, efect: allow }\n",
                        "rules[0]: unknown key \"efect\" (did you mean \"effect\"?); allowed keys: id, when, sql, effect, reason, approval"),
                arguments("missing rule id", HEAD + "rules:\n  - { effect: allow }\n", "rules[0]: missing \"id\""),
                arguments("blank rule id", HEAD + "rules:\n  - { id: ' ', effect: allow }\n", "rules[0].id: blank value"),
                arguments("rule id with spaces", HEAD + "rules:\n  - { id: 'read all', effect: allow }\n",
                        "rules[0].id: bad rule id \"read all\""),
                arguments("reserved rule id", HEAD + "rules:\n  - { id: default, effect: allow }\n",
                        "rules[0].id: rule id \"default\" is reserved"),
                arguments("duplicate rule ids", HEAD + "rules:\n  - { id: a, effect: allow }\n  - { id: a, effect: deny }\n",
                        "rules[1].id: duplicate rule id \"a\", already used by rules[0]"),
                arguments("duplicate id across sql and http rules",
                        HEAD + "rules:\n  - { id: a, effect: allow }\nhttp:\n  - { id: a, effect: deny }\n",
                        "http[0].id: duplicate rule id \"a\", already used by rules[0]"),
                arguments("missing effect", HEAD + "rules:\n  - { id: a }\n",
                        "rules[0]: missing \"effect\"; expected one of allow, deny, approve"),
                arguments("bad effect", HEAD + "rules:\n  - { id: a, effect: permit }\n",
                        "rules[0].effect: unknown effect \"permit\"; expected one of allow, deny, approve"),
                arguments("effect not text", HEAD + "rules:\n  - { id: a, effect: [allow] }\n",
                        "rules[0].effect: expected one of allow, deny, approve, found a list"),
                arguments("bad operation", HEAD + "rules:\n  - { id: a, effect: deny }\n  - { id: b, effect: deny }\n"
                                + "  - { id: c, sql: { operations: [dorp] }, effect: deny }\n",
                        "rules[2].sql.operations[0]: unknown operation \"dorp\"; expected one of select, insert, update, delete"),
                arguments("empty operations", HEAD + "rules:\n  - { id: a, sql: { operations: [] }, effect: deny }\n",
                        "rules[0].sql.operations: empty list; list at least one operation"),
                arguments("unknown key in sql", HEAD + "rules:\n  - { id: a, sql: { table: [orders] }, effect: deny }\n",
                        "rules[0].sql: unknown key \"table\" (did you mean \"tables\"?); allowed keys: operations, tables, where"),
                arguments("bad table segment", HEAD + "rules:\n  - { id: a, sql: { tables: [public.orders, public.ord-ers] }, effect: deny }\n",
                        "rules[0].sql.tables[1]: bad segment \"ord-ers\" in \"public.ord-ers\""),
                arguments("partial wildcard", HEAD + "rules:\n  - { id: a, sql: { tables: [order_*] }, effect: deny }\n",
                        "rules[0].sql.tables[0]: bad segment \"order_*\""),
                arguments("four table segments", HEAD + "rules:\n  - { id: a, sql: { tables: [a.b.c.d] }, effect: deny }\n",
                        "rules[0].sql.tables[0]: \"a.b.c.d\" has 4 segments; expected a table pattern [[catalog.]schema.]table"),
                arguments("empty table segment", HEAD + "rules:\n  - { id: a, sql: { tables: [public..orders] }, effect: deny }\n",
                        "rules[0].sql.tables[0]: bad segment \"\""),
                arguments("trailing dot", HEAD + "rules:\n  - { id: a, sql: { tables: [public.] }, effect: deny }\n",
                        "rules[0].sql.tables[0]: trailing dot"),
                arguments("unclosed quote", HEAD + "rules:\n  - { id: a, sql: { tables: ['\"public.orders'] }, effect: deny }\n",
                        "rules[0].sql.tables[0]: unclosed quote"),
                arguments("bad where", HEAD + "rules:\n  - { id: a, sql: { operations: [delete], where: none }, effect: deny }\n",
                        "rules[0].sql.where: unknown where \"none\"; expected absent"),
                arguments("unknown key in when", HEAD + "rules:\n  - { id: a, when: { group: [x] }, effect: allow }\n",
                        "rules[0].when: unknown key \"group\" (did you mean \"groups\"?); allowed keys: subjects, groups, resources, environments"),
                arguments("group not a list", HEAD + "rules:\n  - { id: a, when: { groups: support }, effect: allow }\n",
                        "rules[0].when.groups: expected a list of a group, found the text \"support\""),
                arguments("empty groups", HEAD + "rules:\n  - { id: a, when: { groups: [] }, effect: allow }\n",
                        "rules[0].when.groups: empty list"),
                arguments("numeric environment", HEAD + "rules:\n  - { id: a, when: { environments: [1] }, effect: allow }\n",
                        "rules[0].when.environments[0]: expected an environment name, found the number 1"),
                arguments("approve without approval", HEAD + "rules:\n  - { id: a, effect: approve }\n",
                        "rules[0]: effect approve needs an approval block"),
                arguments("approval on an allow rule", HEAD + "rules:\n  - { id: a, effect: allow, approval: { approvers: { groups: [dba] } } }\n",
                        "rules[0].approval: an approval block is only allowed with effect approve"),
                arguments("approval without approvers", HEAD + "rules:\n  - { id: a, effect: approve, approval: { mode: once } }\n",
                        "rules[0].approval: missing \"approvers\""),
                arguments("approvers without groups", HEAD + "rules:\n  - { id: a, effect: approve, approval: { approvers: {} } }\n",
                        "rules[0].approval.approvers: missing \"groups\""),
                arguments("unknown approvers key", HEAD + "rules:\n  - { id: a, effect: approve, approval: { approvers: { users: [x] } } }\n",
                        "rules[0].approval.approvers: unknown key \"users\""),
                arguments("bad approval mode", HEAD + "rules:\n  - { id: a, effect: approve, approval: { approvers: { groups: [dba] }, mode: twice } }\n",
                        "rules[0].approval.mode: unknown mode \"twice\"; expected once or window"),
                arguments("window without ttl", HEAD + "rules:\n  - { id: a, effect: approve, approval: { approvers: { groups: [dba] }, mode: window } }\n",
                        "rules[0].approval: mode window needs \"ttl\""),
                arguments("ttl with once", HEAD + "rules:\n  - { id: a, effect: approve, approval: { approvers: { groups: [dba] }, ttl: 5m } }\n",
                        "rules[0].approval.ttl: ttl is only allowed with mode: window"),
                arguments("bad ttl", HEAD + "rules:\n  - { id: a, effect: approve, approval: { approvers: { groups: [dba] }, mode: window, ttl: soon } }\n",
                        "rules[0].approval.ttl: bad duration \"soon\""),
                arguments("zero ttl", HEAD + "rules:\n  - { id: a, effect: approve, approval: { approvers: { groups: [dba] }, mode: window, ttl: 0s } }\n",
                        "rules[0].approval.ttl: duration \"0s\" is not positive"),
                arguments("unknown mask strategy", HEAD + "masks:\n  - { columns: [t.c], strategy: scramble }\n",
                        "masks[0].strategy: unknown strategy \"scramble\"; expected one of redact, keep-last, keep-first, hash, null, email, regex"),
                arguments("missing mask strategy", HEAD + "masks:\n  - { columns: [t.c] }\n", "masks[0]: missing \"strategy\""),
                arguments("keep-last without keep", HEAD + "masks:\n  - { columns: [t.c], strategy: keep-last }\n",
                        "masks[0]: strategy keep-last needs option \"keep\""),
                arguments("negative keep", HEAD + "masks:\n  - { columns: [t.c], strategy: keep-first, keep: -1 }\n",
                        "masks[0].keep: expected a whole number from 0 to 1000"),
                arguments("option of another strategy", HEAD + "masks:\n  - { columns: [t.c], strategy: email, keep: 4 }\n",
                        "masks[0]: unknown key \"keep\" for strategy email"),
                arguments("two-character mask char", HEAD + "masks:\n  - { columns: [t.c], strategy: keep-last, keep: 2, maskChar: '**' }\n",
                        "masks[0].maskChar: expected a single character"),
                arguments("invalid regex", HEAD + "masks:\n  - { columns: [t.c], strategy: regex, pattern: '(', replacement: x }\n",
                        "masks[0].pattern: invalid regular expression \"(\""),
                arguments("regex without replacement", HEAD + "masks:\n  - { columns: [t.c], strategy: regex, pattern: 'a' }\n",
                        "masks[0]: strategy regex needs option \"replacement\""),
                arguments("hash length out of range", HEAD + "masks:\n  - { columns: [t.c], strategy: hash, length: 4 }\n",
                        "masks[0].length: expected a whole number from 8 to 64"),
                arguments("single-segment column", HEAD + "masks:\n  - { columns: [ssn], strategy: null }\n",
                        "masks[0].columns[0]: \"ssn\" has 1 segment; expected a column pattern [schema.]table.column"),
                arguments("missing mask columns", HEAD + "masks:\n  - { strategy: email }\n", "masks[0]: missing \"columns\""),
                arguments("empty exempt exempts everyone", HEAD + "masks:\n  - { columns: [t.c], strategy: email, exempt: {} }\n",
                        "masks[0].exempt: an empty block would exempt every caller"),
                arguments("bad onDerived", HEAD + "masks:\n  - { columns: [t.c], strategy: email, onDerived: allow }\n",
                        "masks[0].onDerived: unknown onDerived \"allow\"; expected deny"),
                arguments("allowEquality as text", HEAD + "masks:\n  - { columns: [t.c], strategy: email, allowEquality: 'yes' }\n",
                        "masks[0].allowEquality: expected true or false, found the text \"yes\""),
                arguments("mask not a mapping", HEAD + "masks:\n  - t.c\n", "masks[0]: expected a mapping"),
                arguments("bad http method", HEAD + "http:\n  - { id: h, request: { methods: [FETCH] }, effect: allow }\n",
                        "http[0].request.methods[0]: unknown method \"FETCH\""),
                arguments("relative http path", HEAD + "http:\n  - { id: h, request: { paths: [v1/x] }, effect: allow }\n",
                        "http[0].request.paths[0]: bad path \"v1/x\": it does not start with /"),
                arguments("partial http wildcard", HEAD + "http:\n  - { id: h, request: { paths: ['/v1/cust*'] }, effect: allow }\n",
                        "http[0].request.paths[0]: bad path \"/v1/cust*\": wildcards must be a whole segment"),
                arguments("unknown key in http request", HEAD + "http:\n  - { id: h, request: { path: [/x] }, effect: allow }\n",
                        "http[0].request: unknown key \"path\" (did you mean \"paths\"?)"),
                arguments("sql section in an http rule", HEAD + "http:\n  - { id: h, sql: { operations: [select] }, effect: allow }\n",
                        "http[0]: unknown key \"sql\""),
                arguments("http approve without approval", HEAD + "http:\n  - { id: h, effect: approve }\n",
                        "http[0]: effect approve needs an approval block"),
                arguments("bad json path", HEAD + "httpMasks:\n  - { fields: [ssn], strategy: redact }\n",
                        "httpMasks[0].fields[0]: bad JSONPath \"ssn\""),
                arguments("missing http mask fields", HEAD + "httpMasks:\n  - { strategy: redact }\n",
                        "httpMasks[0]: missing \"fields\""),
                arguments("columns in an http mask", HEAD + "httpMasks:\n  - { fields: [$.a], columns: [t.c], strategy: redact }\n",
                        "httpMasks[0]: unknown key \"columns\" for strategy redact"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDocuments")
    void invalidDocumentIsRejectedWithPathAndExplanation(String description, String text, String expected) {
        assertThatThrownBy(() -> PolicyDocuments.parse(text, "test.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("Invalid policy test.yaml: ")
                .hasMessageContaining(expected);
    }
}
