package dev.governed.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyDocumentsTest {

    @Test
    void contractExampleParsesIntoTheModel() {
        PolicyDocument document = PolicyFixtures.document("contract-example.yaml");

        assertThat(document.version()).isEqualTo(7);
        assertThat(document.defaultEffect()).isEqualTo(Effect.DENY);
        assertThat(document.rules()).extracting(Rule::id).containsExactly(
                "support-read", "no-destructive-ddl", "no-unbounded-writes", "order-writes-need-approval");

        Rule supportRead = document.rule("support-read").orElseThrow();
        assertThat(supportRead.when()).isEqualTo(new When(Set.of(), Set.of("support-agents"), Set.of("orders-db"),
                Set.of("prod")));
        assertThat(supportRead.sql().operations()).containsExactly(SqlOperation.SELECT);
        assertThat(supportRead.sql().tables()).extracting(TablePattern::segments)
                .containsExactly(List.of("public", "customers"), List.of("public", "orders"));
        assertThat(supportRead.effect()).isEqualTo(Effect.ALLOW);
        assertThat(supportRead.approval()).isNull();

        assertThat(document.rule("no-destructive-ddl").orElseThrow().reason())
                .isEqualTo("destructive DDL is never allowed");
        assertThat(document.rule("no-unbounded-writes").orElseThrow().sql().where()).isEqualTo(SqlMatch.Where.ABSENT);
        Approval approval = document.rule("order-writes-need-approval").orElseThrow().approval();
        assertThat(approval).isEqualTo(new Approval(Set.of("dba"), Approval.Mode.ONCE, null));

        assertThat(document.masks()).hasSize(2);
        MaskRule ssn = document.masks().get(0);
        assertThat(ssn.columns()).extracting(ColumnPattern::segments).containsExactly(List.of("public", "customers", "ssn"));
        assertThat(ssn.strategy()).isEqualTo("keep-last");
        assertThat(ssn.options()).isEqualTo(Map.of("keep", 4));
        assertThat(ssn.exempt()).isNull();
        assertThat(ssn.onDerived()).isEqualTo(MaskRule.OnDerived.REDACT);
        MaskRule email = document.masks().get(1);
        assertThat(email.columns()).extracting(ColumnPattern::segments).containsExactly(List.of("*", "email"));
        assertThat(email.exempt().groups()).containsExactly("compliance");

        HttpRule crmRead = document.httpRule("crm-read").orElseThrow();
        assertThat(crmRead.request()).isEqualTo(new HttpRequestMatch(Set.of("GET"), List.of("/v1/customers/**")));
        assertThat(document.httpMasks().get(0)).isEqualTo(new HttpMask(Set.of("crm-api"),
                List.of("$.ssn", "$.customers[*].ssn"), "keep-last", Map.of("keep", 4), null));
    }

    @Test
    void minApprovalsIsReadWrittenAndChecked() {
        String text = """
                version: 1
                rules:
                  - id: two-dbas
                    sql: { operations: [update] }
                    effect: approve
                    approval: { approvers: { groups: [dba] }, mode: once, minApprovals: 2 }
                """;
        PolicyDocument document = PolicyDocuments.parse(text, "inline");
        assertThat(document.rule("two-dbas").orElseThrow().approval().minApprovals()).isEqualTo(2);
        assertThat(PolicyDocuments.parse(PolicyDocuments.toYaml(document), "yaml")).isEqualTo(document);
        assertThatThrownBy(() -> PolicyDocuments.parse(text.replace("minApprovals: 2", "minApprovals: 0"), "inline"))
                .hasMessageContaining("minApprovals must be a whole number of at least 1");
    }

    @Test
    void jsonDocumentWithEveryOptionalFeatureParses() {
        PolicyDocument document = PolicyFixtures.document("everything.json");

        assertThat(document.defaultEffect()).isEqualTo(Effect.ALLOW);
        assertThat(document.rule("analysts-read").orElseThrow().sql().tables()).extracting(TablePattern::segments)
                .containsExactly(List.of("reporting", "*"), List.of("sales", "orders"));
        assertThat(document.rule("window-approval").orElseThrow().approval())
                .isEqualTo(new Approval(Set.of("dba", "leads"), Approval.Mode.WINDOW, Duration.ofMinutes(15)));
        MaskRule phone = document.masks().get(0);
        assertThat(phone.options()).isEqualTo(Map.of("pattern", "\\d(?=\\d{2})", "replacement", "#"));
        assertThat(phone.onDerived()).isEqualTo(MaskRule.OnDerived.DENY);
        assertThat(phone.allowEquality()).isTrue();
        assertThat(phone.resources()).containsExactly("crm-db");
        assertThat(document.masks().get(1).options()).isEqualTo(Map.of("keep", 6, "maskChar", "x"));
        assertThat(document.http().get(0).request().methods()).containsExactlyInAnyOrder("POST", "PUT");
        assertThat(document.httpMasks().get(0).exempt().subjects()).containsExactly("agent:audit");
    }

    @Test
    void documentsRoundTripThroughJsonAndYaml() {
        for (String name : List.of("contract-example.yaml", "everything.json")) {
            PolicyDocument original = PolicyFixtures.document(name);

            assertThat(PolicyDocuments.parse(PolicyDocuments.toJson(original), "json of " + name)).isEqualTo(original);
            assertThat(PolicyDocuments.parse(PolicyDocuments.toYaml(original), "yaml of " + name)).isEqualTo(original);
        }
    }

    @Test
    void minimalDocumentDefaultsToDenyWithNoRules() {
        PolicyDocument document = PolicyDocuments.parse("version: 1\n", "inline");

        assertThat(document).isEqualTo(PolicyDocument.of(1, Effect.DENY, List.of()));
    }

    @Test
    void malformedYamlNamesOriginLineAndColumn() {
        String text = "version: 1\nrules:\n  - id: a\n    effect: [allow\n";

        assertThatThrownBy(() -> PolicyDocuments.parse(text, "file /etc/governed/policy.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("file /etc/governed/policy.yaml")
                .hasMessageContaining("malformed YAML")
                .hasMessageMatching("(?s).*line \\d+, column \\d+.*");
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        assertThatThrownBy(() -> PolicyDocuments.parse("{\"version\": 1,\n \"rules\": [}", "p.json"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("malformed JSON at line 2, column");
    }

    @Test
    void duplicateKeysAreRejectedRatherThanSilentlyOverwritten() {
        // With last-key-wins, a second "effect" could quietly turn a deny into an allow.
        String text = "version: 1\nrules:\n  - id: a\n    effect: deny\n    effect: allow\n";

        assertThatThrownBy(() -> PolicyDocuments.parse(text, "dup.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("dup.yaml")
                .hasMessageContaining("effect")
                .hasMessageContaining("line 5");
    }

    @Test
    void secondYamlDocumentIsRejected() {
        assertThatThrownBy(() -> PolicyDocuments.parse("version: 1\n---\nversion: 2\ndefaults: {effect: allow}\n", "two.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("more than one YAML document");
    }

    @Test
    void emptyTextIsRejected() {
        assertThatThrownBy(() -> PolicyDocuments.parse("# nothing here\n", "empty.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("empty.yaml")
                .hasMessageContaining("the document is empty");
    }

    @Test
    void yamlFlowMappingIsNotMistakenForJson() {
        assertThat(PolicyDocuments.parse("{version: 2, defaults: {effect: allow}}", "flow.yaml").defaultEffect())
                .isEqualTo(Effect.ALLOW);
    }

    @Test
    void tabIndentationIsReportedWhereTheTabIs() {
        assertThatThrownBy(() -> PolicyDocuments.parse("version: 1\nrules:\n  - id: a\n\teffect: allow\n", "tabs.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("malformed YAML at line 4, column 1")
                .hasMessageContaining("Do not use \\t(TAB) for indentation");
    }

    @Test
    void yamlAliasesAreRejectedInsteadOfReadAsText() {
        String text = "version: 1\nrules:\n  - &r { id: a, effect: allow }\n  - *r\n";

        assertThatThrownBy(() -> PolicyDocuments.parse(text, "alias.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("YAML aliases (*r) are not supported");
    }

    @Test
    void unquotedYamlBooleanWhereATextBelongsGetsAQuotingHint() {
        String text = "version: 1\nrules:\n  - { id: a, when: { environments: [no] }, effect: allow }\n";

        assertThatThrownBy(() -> PolicyDocuments.parse(text, "bool.yaml"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("rules[0].when.environments[0]: expected an environment name, found the boolean false")
                .hasMessageContaining("quote the value");
    }

    @Test
    void unquotedNullStrategyMeansTheNullStrategy() {
        PolicyDocument document = PolicyDocuments.parse("version: 1\nmasks:\n  - { columns: [t.secret], strategy: null }\n", "n");

        assertThat(document.masks().get(0).strategy()).isEqualTo("null");
        assertThat(PolicyDocuments.parse(PolicyDocuments.toYaml(document), "round trip")).isEqualTo(document);
    }

    @Test
    void programmaticDocumentsAlsoNeedUniqueRuleIds() {
        Rule rule = new Rule("a", When.ANY, SqlMatch.ANY, Effect.ALLOW, null, null);

        assertThatThrownBy(() -> PolicyDocument.of(1, Effect.DENY, List.of(rule, rule)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate rule id \"a\"");
    }
}
