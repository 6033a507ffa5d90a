package dev.governed.service.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocuments;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What an approval adds to a minted login, derived from a policy, a catalog and the approved statement, without a database. */
class ApprovalPrivilegesTest {
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(PolicyDocuments.parse("""
            version: 4
            defaults: { effect: deny }
            rules:
              - id: read-orders
                when: { groups: [agents] }
                sql: { operations: [select], tables: [public.orders] }
                effect: allow
              - id: no-payroll
                sql: { tables: [public.payroll] }
                effect: deny
              - id: writes-need-approval
                when: { groups: [agents] }
                sql: { operations: [insert, update], tables: ["public.*"] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: once }
              - id: customer-reads-need-approval
                when: { groups: [agents] }
                sql: { operations: [select], tables: [public.customers] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: once }
              - id: deletes-in-a-window
                when: { groups: [agents] }
                sql: { operations: [delete], tables: [public.orders] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: window, ttl: 10m }
            masks:
              - columns: [public.customers.ssn]
                strategy: redact
            """, "yaml"));

    private static final TargetCatalog CATALOG = new TargetCatalog(List.of(
            new TargetCatalog.Relation("public", "orders", 'r', List.of("id", "amount")),
            new TargetCatalog.Relation("public", "customers", 'r', List.of("id", "name", "ssn")),
            new TargetCatalog.Relation("public", "payroll", 'r', List.of("id", "salary")),
            new TargetCatalog.Relation("hr", "orders", 'r', List.of("id"))),
            Map.of("\"public\".\"orders\"", List.of("\"public\".\"orders_id_seq\"")));

    private static Map<String, ApprovalPrivileges.Table> derive(String rule, String statement) {
        return ApprovalPrivileges.derive(POLICY, new Caller("agent:x", Set.of("agents")), "db", null, rule, statement, CATALOG).tables()
                .stream().collect(Collectors.toMap(each -> each.schema() + "." + each.name(), each -> each));
    }

    @Test
    void aOnceApprovalGetsOnlyWhatItsStatementNeedsAndTheRuleSendsToApproval() {
        Map<String, ApprovalPrivileges.Table> tables = derive("writes-need-approval", "INSERT INTO orders (amount) VALUES (5)");
        assertThat(tables).as("unqualified means public; hr.orders is another table").containsOnlyKeys("public.orders");
        assertThat(tables.get("public.orders").operations()).containsExactly("INSERT");
        assertThat(tables.get("public.orders").sequences()).containsExactly("\"public\".\"orders_id_seq\"");
    }

    @Test
    void neverWhatThePolicyAllowsDeniesOrAnotherRuleApproves() {
        Map<String, ApprovalPrivileges.Table> tables = derive("writes-need-approval",
                "UPDATE orders SET amount = (SELECT count(*) FROM payroll) WHERE id = 1");
        assertThat(tables.get("public.orders").operations()).as("select on orders is allowed outright, so the login has it")
                .containsExactly("UPDATE");
        assertThat(tables).as("payroll is denied").doesNotContainKey("public.payroll");
        assertThat(derive("writes-need-approval", "DELETE FROM orders WHERE id = 1")).as("deletes are another rule's").isEmpty();
    }

    @Test
    void selectLeavesOutMaskedColumns() {
        Map<String, ApprovalPrivileges.Table> tables = derive("customer-reads-need-approval", "SELECT * FROM customers");
        assertThat(tables.get("public.customers").operations()).containsExactly("SELECT");
        assertThat(tables.get("public.customers").columns()).containsExactly("id", "name");
    }

    @Test
    void aWindowGetsEverythingItsRuleSendsToApproval() {
        assertThat(derive("deletes-in-a-window", null)).containsOnlyKeys("public.orders");
        assertThat(derive("writes-need-approval", null)).containsOnlyKeys("public.orders", "public.customers");
    }

    @Test
    void anUnanalysableStatementGetsNothing() {
        assertThat(derive("writes-need-approval", "INSERT INTO orders VALUES (")).isEmpty();
    }

    @Test
    void storedPrivilegesRoundTripAndRefuseAnythingButTablePrivileges() {
        ApprovalPrivileges privileges = new ApprovalPrivileges(List.copyOf(derive("customer-reads-need-approval", "SELECT * FROM customers").values()));
        assertThat(ApprovalPrivileges.fromJson(privileges.json())).isEqualTo(privileges);
        assertThat(privileges.summary()).isEqualTo("public.customers: SELECT(id,name)");
        assertThatThrownBy(() -> ApprovalPrivileges.fromJson(
                "[{\"schema\":\"public\",\"name\":\"orders\",\"operations\":[\"ALL; DROP TABLE x\"],\"columns\":[],\"sequences\":[]}]"))
                .hasMessageContaining("grantable");
    }
}
