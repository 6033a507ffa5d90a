package dev.governed.policy;

import static dev.governed.policy.Requests.read;
import static dev.governed.policy.Requests.request;
import static dev.governed.policy.SqlOperation.SELECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code when.actors} and {@code when.onBehalfOf}: who may act, and for whom. */
class DelegationPolicyTest {

    private static final Caller AGENT_FOR_ALICE = new Caller("alice", Set.of("support-agents"), "agent:billing", "alice");
    private static final Caller ROGUE_FOR_ALICE = new Caller("alice", Set.of("support-agents"), "agent:rogue", "alice");
    private static final Caller AGENT_FOR_BOB = new Caller("bob", Set.of("support-agents"), "agent:billing", "bob");
    private static final Caller AGENT_ALONE = new Caller("agent:billing", Set.of("support-agents"));

    private static CompiledPolicy policy(String rules) {
        return CompiledPolicy.compile(PolicyDocuments.parse("version: 1\nrules:\n" + rules, "test"));
    }

    private static Decision select(CompiledPolicy policy, Caller caller) {
        return policy.evaluate(request(caller, "orders-db", "prod", read(SELECT, "public.orders")));
    }

    @Test
    void actorsAllowOnlyTheNamedActingParties() {
        CompiledPolicy policy = policy("  - { id: billing-agents, when: { actors: [\"agent:billing\"] }, effect: allow }\n");

        assertThat(select(policy, AGENT_FOR_ALICE)).isInstanceOf(Decision.Allow.class);
        assertThat(select(policy, AGENT_ALONE)).isInstanceOf(Decision.Allow.class);
        Decision rogue = select(policy, ROGUE_FOR_ALICE);
        assertThat(rogue).isInstanceOf(Decision.Deny.class);
        assertThat(rogue.reason()).contains("for agent:rogue on behalf of alice");
    }

    @Test
    void actorPrefixPatternsMatchAFamilyOfAgents() {
        CompiledPolicy policy = policy("  - { id: agents, when: { actors: [\"agent:*\"], groups: [support-agents] }, effect: allow }\n");

        assertThat(select(policy, ROGUE_FOR_ALICE)).isInstanceOf(Decision.Allow.class);
        assertThat(select(policy, new Caller("alice", Set.of("support-agents"), "alice-laptop", null)))
                .isInstanceOf(Decision.Deny.class);
    }

    @Test
    void onBehalfOfAllowsOnlyTheNamedUsers() {
        CompiledPolicy policy = policy("  - { id: for-alice, when: { onBehalfOf: [alice] }, effect: allow }\n");

        assertThat(select(policy, AGENT_FOR_ALICE)).isInstanceOf(Decision.Allow.class);
        assertThat(select(policy, AGENT_FOR_BOB)).isInstanceOf(Decision.Deny.class);
        assertThat(select(policy, AGENT_ALONE)).as("a plain token represents nobody").isInstanceOf(Decision.Deny.class);
    }

    @Test
    void onBehalfOfAbsentRefusesDelegatedTokens() {
        CompiledPolicy allowPlain = policy("  - { id: direct-only, when: { onBehalfOf: absent }, effect: allow }\n");
        assertThat(select(allowPlain, AGENT_ALONE)).isInstanceOf(Decision.Allow.class);
        assertThat(select(allowPlain, AGENT_FOR_ALICE)).isInstanceOf(Decision.Deny.class);

        CompiledPolicy denyDelegated = policy("  - { id: all, effect: allow }\n"
                + "  - { id: no-delegation, when: { onBehalfOf: [\"*\"] }, effect: deny, reason: delegated tokens are refused here }\n");
        assertThat(select(denyDelegated, AGENT_ALONE)).isInstanceOf(Decision.Allow.class);
        assertThat(select(denyDelegated, AGENT_FOR_ALICE).ruleId()).isEqualTo("no-delegation");
    }

    @Test
    void subjectsAndGroupsDescribeTheTokensOwnSubject() {
        CompiledPolicy policy = policy("  - { id: alice, when: { subjects: [alice], actors: [\"agent:billing\"] }, effect: allow }\n");

        assertThat(select(policy, AGENT_FOR_ALICE)).isInstanceOf(Decision.Allow.class);
        assertThat(select(policy, AGENT_ALONE)).isInstanceOf(Decision.Deny.class);
        assertThat(select(policy, ROGUE_FOR_ALICE)).isInstanceOf(Decision.Deny.class);
    }

    @Test
    void maskExemptionCanNameTheActingParty() {
        CompiledPolicy policy = CompiledPolicy.compile(PolicyDocuments.parse("version: 1\nmasks:\n"
                + "  - { columns: [public.customers.ssn], strategy: redact, exempt: { actors: [\"agent:billing\"], onBehalfOf: absent } }\n",
                "test"));
        TableName customers = TableName.of("public", "customers");

        assertThat(policy.maskFor(AGENT_ALONE, "db", null, customers, "ssn")).isNull();
        assertThat(policy.maskFor(AGENT_FOR_ALICE, "db", null, customers, "ssn")).isNotNull();
    }

    @Test
    void delegationKeysRoundTripThroughJsonAndYaml() {
        PolicyDocument original = PolicyDocuments.parse("version: 2\nrules:\n"
                + "  - { id: a, when: { actors: [\"agent:*\", orchestrator], onBehalfOf: [alice] }, effect: allow }\n"
                + "  - { id: b, when: { onBehalfOf: absent }, effect: deny }\n", "test");

        assertThat(original.rules().get(0).when().actors().patterns()).containsExactly("agent:*", "orchestrator");
        assertThat(original.rules().get(1).when().onBehalfOf()).isEqualTo(PartyPatterns.ABSENT);
        assertThat(PolicyDocuments.toYaml(original)).contains("onBehalfOf: \"absent\"").doesNotContain("- \"absent\"");
        assertThat(PolicyDocuments.parse(PolicyDocuments.toJson(original), "json")).isEqualTo(original);
        assertThat(PolicyDocuments.parse(PolicyDocuments.toYaml(original), "yaml")).isEqualTo(original);
    }

    @Test
    void badDelegationKeysAreRejectedWithPathAndFix() {
        assertRejected("  - { id: a, when: { actors: \"agent:billing\" }, effect: allow }\n",
                "rules[0].when.actors: expected a list of a name, or a prefix ending in * such as agent:*, found the text \"agent:billing\"");
        assertRejected("  - { id: a, when: { actors: absent }, effect: allow }\n",
                "absent is only for onBehalfOf: every call has an acting party");
        assertRejected("  - { id: a, when: { actors: [\"agent:*:x\"] }, effect: allow }\n",
                "rules[0].when.actors: \"agent:*:x\" has a * before its end");
        assertRejected("  - { id: a, when: { onBehalfOf: [alice, absent] }, effect: allow }\n",
                "rules[0].when.onBehalfOf[1]: absent cannot be mixed with names");
        assertRejected("  - { id: a, when: { onBehalfOf: nobody }, effect: allow }\n",
                "or the word absent (only tokens without delegation)");
        assertRejected("  - { id: a, when: { onBehalfOf: [] }, effect: allow }\n", "rules[0].when.onBehalfOf: empty list");
        assertRejected("  - { id: a, when: { actor: [x] }, effect: allow }\n", "unknown key \"actor\" (did you mean \"actors\"?)");
    }

    private static void assertRejected(String rules, String expected) {
        assertThatThrownBy(() -> PolicyDocuments.parse("version: 1\nrules:\n" + rules, "test.yaml"))
                .isInstanceOf(PolicyException.class).hasMessageContaining(expected);
    }
}
