package dev.governed.policy;

import static dev.governed.policy.Requests.caller;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Whether a caller may run anything but reads: when not, the connection is held read-only at the database. */
class AllowsWritesTest {

    private static CompiledPolicy policy(String yaml) {
        return CompiledPolicy.compile(PolicyDocuments.parse("version: 1\n" + yaml, "test"));
    }

    private static final String READ_ONLY = """
            defaults: { effect: deny }
            rules:
              - id: read
                when: { groups: [analysts] }
                sql: { operations: [select], tables: ["public.*"] }
                effect: allow
              - id: transactions
                sql: { operations: [begin, commit, rollback, savepoint, release, show, set, reset] }
                effect: allow
              - id: sequences
                when: { groups: [writers] }
                sql: { operations: [nextval] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: once }
              - id: no-writes
                when: { groups: [analysts] }
                sql: { operations: [insert] }
                effect: deny
            """;

    @Test
    void readsAndTransactionControlAloneAreNoWrite() {
        assertThat(policy(READ_ONLY).allowsWrites(caller("agent:a", "analysts"), "db", null)).isFalse();
    }

    @Test
    void anOperationThatNeedsApprovalCountsAsAWrite() {
        assertThat(policy(READ_ONLY).allowsWrites(caller("agent:w", "writers"), "db", null)).isTrue();
    }

    @Test
    void aRuleWithoutOperationsAllowsWrites() {
        CompiledPolicy policy = policy("""
                defaults: { effect: deny }
                rules:
                  - id: everything
                    when: { resources: [db] }
                    effect: allow
                """);
        assertThat(policy.allowsWrites(caller("agent:a"), "db", null)).isTrue();
        assertThat(policy.allowsWrites(caller("agent:a"), "other", null)).isFalse();
    }

    @Test
    void aDefaultAllowAllowsWrites() {
        assertThat(policy("defaults: { effect: allow }\nrules: []\n").allowsWrites(caller("agent:a"), "db", null))
                .isTrue();
    }
}
