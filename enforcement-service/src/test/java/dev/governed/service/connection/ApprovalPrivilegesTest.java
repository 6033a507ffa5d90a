package dev.governed.service.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
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

    private static Map<String, ApprovalPrivileges.Table> derive(String rule, Set<ApprovalPrivileges.Touch> touched) {
        return ApprovalPrivileges.derive(POLICY, new Caller("agent:x", Set.of("agents")), "db", null, rule, touched, CATALOG).tables()
                .stream().collect(Collectors.toMap(each -> each.schema() + "." + each.name(), each -> each));
    }

    private static ApprovalPrivileges.Touch touch(SqlOperation operation, String schema, String table) {
        return new ApprovalPrivileges.Touch(TableName.of(schema, table), operation);
    }

    @Test
    void aOnceApprovalGetsOnlyWhatItsStatementNeedsAndTheRuleSendsToApproval() {
        Map<String, ApprovalPrivileges.Table> tables = derive("writes-need-approval", Set.of(touch(SqlOperation.INSERT, "public", "orders")));
        assertThat(tables).as("hr.orders is another table").containsOnlyKeys("public.orders");
        assertThat(tables.get("public.orders").operations()).containsExactly("INSERT");
        assertThat(tables.get("public.orders").sequences()).containsExactly("\"public\".\"orders_id_seq\"");
    }

    @Test
    void neverWhatThePolicyAllowsDeniesOrAnotherRuleApproves() {
        // UPDATE orders SET amount = (SELECT count(*) FROM payroll) WHERE id = 1
        Map<String, ApprovalPrivileges.Table> tables = derive("writes-need-approval", Set.of(touch(SqlOperation.UPDATE, "public", "orders"),
                touch(SqlOperation.SELECT, "public", "orders"), touch(SqlOperation.SELECT, "public", "payroll")));
        assertThat(tables.get("public.orders").operations()).as("select on orders is allowed outright, so the login has it")
                .containsExactly("UPDATE");
        assertThat(tables).as("payroll is denied").doesNotContainKey("public.payroll");
        assertThat(derive("writes-need-approval", Set.of(touch(SqlOperation.DELETE, "public", "orders")))).as("deletes are another rule's").isEmpty();
    }

    @Test
    void selectLeavesOutMaskedColumns() {
        Map<String, ApprovalPrivileges.Table> tables = derive("customer-reads-need-approval", Set.of(touch(SqlOperation.SELECT, "public", "customers")));
        assertThat(tables.get("public.customers").operations()).containsExactly("SELECT");
        assertThat(tables.get("public.customers").columns()).containsExactly("id", "name");
    }

    @Test
    void aWindowGetsEverythingItsRuleSendsToApproval() {
        assertThat(derive("deletes-in-a-window", null)).containsOnlyKeys("public.orders");
        assertThat(derive("writes-need-approval", null)).containsOnlyKeys("public.orders", "public.customers");
    }

    @Test
    void aOnceApprovalThatTouchesNothingGetsNothing() {
        assertThat(derive("writes-need-approval", Set.of())).isEmpty();
        assertThat(derive("writes-need-approval", Set.of(touch(SqlOperation.INSERT, "hr", "orders"))))
                .as("another schema's table of the same name is outside the rule").isEmpty();
    }

    @Test
    void storedPrivilegesRoundTripAndRefuseAnythingButTablePrivileges() {
        ApprovalPrivileges privileges = new ApprovalPrivileges(List.copyOf(derive("customer-reads-need-approval", Set.of(touch(SqlOperation.SELECT, "public", "customers"))).values()));
        assertThat(ApprovalPrivileges.fromJson(privileges.json())).isEqualTo(privileges);
        assertThat(privileges.summary()).isEqualTo("public.customers: SELECT(id,name)");
        assertThatThrownBy(() -> ApprovalPrivileges.fromJson(
                "[{\"schema\":\"public\",\"name\":\"orders\",\"operations\":[\"ALL; DROP TABLE x\"],\"columns\":[],\"sequences\":[]}]"))
                .hasMessageContaining("grantable");
    }
}
