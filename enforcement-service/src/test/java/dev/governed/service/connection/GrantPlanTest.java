package dev.governed.service.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.SqlOperation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Grants derived from a policy and a catalog, without a database. */
class GrantPlanTest {
    private static final CompiledPolicy POLICY = CompiledPolicy.compile(PolicyDocuments.parse("""
            version: 3
            defaults: { effect: deny }
            rules:
              - id: read-public
                when: { groups: [agents] }
                sql: { operations: [select], tables: ["public.*"] }
                effect: allow
              - id: write-orders
                when: { groups: [agents] }
                sql: { operations: [insert, update, delete], tables: [public.orders] }
                effect: allow
              - id: deletes-need-approval
                sql: { operations: [delete], tables: [public.orders] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: once }
              - id: no-payroll
                sql: { tables: [public.payroll] }
                effect: deny
            masks:
              - columns: [public.customers.ssn]
                strategy: keep-last
                keep: 4
                exempt: { groups: [compliance] }
            """, "yaml"));

    private static final TargetCatalog CATALOG = new TargetCatalog(List.of(
            new TargetCatalog.Relation("public", "orders", 'r', List.of("id", "amount")),
            new TargetCatalog.Relation("public", "customers", 'r', List.of("id", "name", "ssn")),
            new TargetCatalog.Relation("public", "payroll", 'r', List.of("id", "salary")),
            new TargetCatalog.Relation("public", "Daily Totals", 'm', List.of("day", "total")),
            new TargetCatalog.Relation("hr", "reviews", 'r', List.of("id"))),
            Map.of("\"public\".\"orders\"", List.of("\"public\".\"orders_id_seq\"")));

    private static Map<String, GrantPlan.TableGrant> grants(String... groups) {
        GrantPlan plan = GrantPlan.derive(POLICY, new Caller("agent:x", Set.of(groups)), "db", null, CATALOG);
        return plan.tables().stream().collect(Collectors.toMap(each -> each.relation().schema() + "." + each.relation().name(), each -> each));
    }

    @Test
    void grantsExactlyWhatThePolicyAllowsOutright() {
        Map<String, GrantPlan.TableGrant> grants = grants("agents");
        assertThat(grants).containsOnlyKeys("public.orders", "public.customers", "public.Daily Totals");
        assertThat(grants.get("public.orders").operations()).as("delete needs approval, so it is not granted")
                .containsExactlyInAnyOrder(SqlOperation.SELECT, SqlOperation.INSERT, SqlOperation.UPDATE);
        assertThat(grants.get("public.orders").sequences()).containsExactly("\"public\".\"orders_id_seq\"");
        assertThat(grants.get("public.Daily Totals").operations()).containsExactly(SqlOperation.SELECT);
    }

    @Test
    void maskedColumnsAreLeftOutOfSelectAndServedByAView() {
        GrantPlan plan = GrantPlan.derive(POLICY, new Caller("agent:x", Set.of("agents")), "db", null, CATALOG);
        GrantPlan.TableGrant customers = plan.tables().stream().filter(each -> each.relation().name().equals("customers")).findFirst().orElseThrow();
        assertThat(customers.readable()).containsExactly("id", "name");
        assertThat(customers.masked()).containsExactly("ssn");
        assertThat(plan.views()).singleElement().satisfies(view -> {
            assertThat(view.name()).isEqualTo("customers");
            assertThat(view.columns().get("id")).isEqualTo("\"id\"");
            assertThat(view.columns().get("ssn")).contains("right(\"ssn\"::text, 4)");
        });
        assertThat(plan.summary()).contains("public.customers: select columns(id,name) masked(ssn)");
        GrantPlan exempt = GrantPlan.derive(POLICY, new Caller("agent:x", Set.of("agents", "compliance")), "db", null, CATALOG);
        assertThat(exempt.views()).as("an exempt caller reads the table whole").isEmpty();
    }

    @Test
    void aCallerNoRuleMatchesGetsNothing() {
        assertThat(grants("strangers")).isEmpty();
        assertThat(GrantPlan.derive(POLICY, new Caller("agent:x", Set.of()), "db", null, CATALOG).summary()).isEqualTo("no privileges");
    }

    @Test
    void loginNamesAreSanitisedBoundedAndUnique() {
        String login = LoginNames.login("Agent:Billing/EU \"; DROP ROLE postgres; --" + "x".repeat(200));
        assertThat(login).matches("gv_[a-z0-9_]+_[a-z0-9]{12}").hasSizeLessThanOrEqualTo(56);
        assertThat(LoginNames.isLogin(login)).isTrue();
        assertThat(LoginNames.login("agent:billing")).startsWith("gv_agent_billing_").isNotEqualTo(LoginNames.login("agent:billing"));
        assertThat(LoginNames.login("::")).startsWith("gv_agent_");
        assertThat(LoginNames.maskSchema(login)).startsWith("gvm_").isNotEqualTo(login);
        assertThat(LoginNames.isLogin("postgres")).isFalse();
        assertThat(Sql.identifier("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(Sql.literal("it's \\ here")).isEqualTo("E'it''s \\\\ here'");
    }
}
