package dev.governed.policy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.governed.policy.Requests.caller;
import static dev.governed.policy.Requests.read;
import static dev.governed.policy.Requests.readWrite;
import static dev.governed.policy.Requests.request;
import static dev.governed.policy.Requests.write;
import static dev.governed.policy.SqlOperation.CALL;
import static dev.governed.policy.SqlOperation.CREATE_FUNCTION;
import static dev.governed.policy.SqlOperation.DELETE;
import static dev.governed.policy.SqlOperation.DO;
import static dev.governed.policy.SqlOperation.DROP;
import static dev.governed.policy.SqlOperation.INSERT;
import static dev.governed.policy.SqlOperation.SELECT;
import static dev.governed.policy.SqlOperation.SET_ROLE;
import static dev.governed.policy.SqlOperation.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

class CompiledPolicyTest {

    private static CompiledPolicy policy(String yaml) {
        return CompiledPolicy.compile(PolicyDocuments.parse("version: 3\n" + yaml, "test"));
    }

    private static final Caller SUPPORT = caller("agent:support", "support-agents");
    private static final Caller STRANGER = caller("agent:x");

    @Nested
    class ContractExample {
        private final CompiledPolicy policy = CompiledPolicy.compile(PolicyFixtures.document("contract-example.yaml"));

        @Test
        void supportAgentReadsCustomersInProd() {
            Decision decision = policy.evaluate(request(SUPPORT, "orders-db", "prod", read(SELECT, "public.customers")));

            assertThat(decision).isEqualTo(new Decision.Allow("support-read", "allowed by rule support-read", 7));
        }

        @Test
        void callerOutsideTheGroupIsDeniedByDefaultWithAnExplanation() {
            Decision decision = policy.evaluate(request(STRANGER, "orders-db", "dev", write(DELETE, true, "public.orders")));

            assertThat(decision.effect()).isEqualTo(Effect.DENY);
            assertThat(decision.ruleId()).isEqualTo("default");
            assertThat(decision.reason()).isEqualTo("no rule allows delete on public.orders for agent:x on resource orders-db in dev");
            assertThat(decision.policyVersion()).isEqualTo(7);
        }

        @Test
        void orderWritesInProdNeedApprovalByDba() {
            Decision decision = policy.evaluate(request(SUPPORT, "orders-db", "prod", write(UPDATE, true, "public.orders")));

            assertThat(decision).isInstanceOf(Decision.Approve.class);
            assertThat(decision.ruleId()).isEqualTo("order-writes-need-approval");
            assertThat(((Decision.Approve) decision).approverGroups()).containsExactly("dba");
        }

        @Test
        void unboundedDeleteIsDeniedEvenWhereApprovalWouldApply() {
            Decision decision = policy.evaluate(request(SUPPORT, "orders-db", "prod", write(DELETE, false, "public.orders")));

            assertThat(decision.effect()).isEqualTo(Effect.DENY);
            assertThat(decision.ruleId()).isEqualTo("no-unbounded-writes");
            assertThat(decision.reason()).isEqualTo("delete on public.orders is denied by rule no-unbounded-writes");
        }

        @Test
        void destructiveDdlIsDeniedWithTheRulesReason() {
            Decision decision = policy.evaluate(request(SUPPORT, "orders-db", "prod", write(DROP, true, "public.orders")));

            assertThat(decision).isEqualTo(new Decision.Deny("no-destructive-ddl", "destructive DDL is never allowed", 7));
        }
    }

    @Nested
    class Precedence {
        private final CompiledPolicy policy = policy("""
                rules:
                  - { id: allow-all, effect: allow }
                  - { id: approve-orders, sql: { tables: [orders] }, effect: approve, approval: { approvers: { groups: [dba] } } }
                  - { id: deny-secrets, sql: { tables: [secrets] }, effect: deny }
                """);

        @Test
        void denyOverridesApproveAndAllowWhateverTheDocumentOrder() {
            Decision decision = policy.evaluate(request(STRANGER, "db", null,
                    readWrite(INSERT, List.of("public.secrets"), List.of("public.orders"))));

            assertThat(decision.ruleId()).isEqualTo("deny-secrets");
        }

        @Test
        void approveOverridesAllow() {
            Decision decision = policy.evaluate(request(STRANGER, "db", null, read(SELECT, "public.orders")));

            assertThat(decision.effect()).isEqualTo(Effect.APPROVE);
            assertThat(decision.reason()).isEqualTo("select on public.orders needs approval by rule approve-orders");
        }

        @Test
        void allowAppliesWhenNothingStricterMatches() {
            assertThat(policy.evaluate(request(STRANGER, "db", null, read(SELECT, "public.items"))).ruleId())
                    .isEqualTo("allow-all");
        }

        @Test
        void oneDeniedStatementDeniesTheWholeRequestAndNamesIt() {
            Decision decision = policy.evaluate(request(STRANGER, "db", null,
                    read(SELECT, "public.items"), read(SELECT, "public.orders"), read(SELECT, "public.secrets")));

            assertThat(decision.effect()).isEqualTo(Effect.DENY);
            assertThat(decision.ruleId()).isEqualTo("deny-secrets");
            assertThat(decision.reason()).isEqualTo("select on public.secrets is denied by rule deny-secrets (statement 3 of 3)");
        }

        @Test
        void oneStatementNeedingApprovalMakesTheRequestNeedApproval() {
            Decision decision = policy.evaluate(request(STRANGER, "db", null,
                    read(SELECT, "public.items"), write(UPDATE, true, "public.orders")));

            assertThat(decision.ruleId()).isEqualTo("approve-orders");
            assertThat(decision.effect()).isEqualTo(Effect.APPROVE);
        }

        @Test
        void statementNoRuleCoversDeniesTheRequestUnderDefaultDeny() {
            CompiledPolicy selectsOnly = policy("rules:\n  - { id: reads, sql: { operations: [select] }, effect: allow }\n");

            Decision decision = selectsOnly.evaluate(request(STRANGER, "db", "dev",
                    read(SELECT, "public.items"), write(DELETE, true, "public.items")));

            assertThat(decision.ruleId()).isEqualTo("default");
            assertThat(decision.reason())
                    .isEqualTo("no rule allows delete on public.items for agent:x on resource db in dev (statement 2 of 2)");
        }

        @Test
        void emptyRequestIsDenied() {
            assertThat(policy.evaluate(request(STRANGER, "db", null)).effect()).isEqualTo(Effect.DENY);
        }
    }

    @Nested
    class Defaults {
        @Test
        void noRulesMeansDeny() {
            Decision decision = policy("").evaluate(request(STRANGER, "db", null, read(SELECT)));

            assertThat(decision.effect()).isEqualTo(Effect.DENY);
            assertThat(decision.reason()).isEqualTo("no rule allows select for agent:x on resource db");
        }

        @Test
        void defaultAllowAllowsUnmatchedStatementsUnderTheDefaultRule() {
            Decision decision = policy("defaults: { effect: allow }\n")
                    .evaluate(request(STRANGER, "db", null, read(SELECT, "public.t")));

            assertThat(decision.effect()).isEqualTo(Effect.ALLOW);
            assertThat(decision.ruleId()).isEqualTo("default");
        }

        @Test
        void defaultAllowStillHonoursDenyRules() {
            Decision decision = policy("defaults: { effect: allow }\nrules:\n  - { id: no-drop, sql: { operations: [drop] }, effect: deny }\n")
                    .evaluate(request(STRANGER, "db", null, write(DROP, true, "public.t")));

            assertThat(decision.ruleId()).isEqualTo("no-drop");
        }
    }

    @Nested
    class PrivilegedOperations {
        private final CompiledPolicy allowAll = policy("rules:\n  - { id: allow-all, effect: allow }\n");

        @Test
        void allowRuleWithoutOperationsNeverAllowsPrivilegedOperations() {
            for (SqlOperation each : SqlOperation.values()) {
                Decision decision = allowAll.evaluate(request(STRANGER, "db", null, read(each)));

                assertThat(decision.effect()).as(each.key()).isEqualTo(each.isPrivileged() ? Effect.DENY : Effect.ALLOW);
            }
        }

        @Test
        void deniedPrivilegedOperationExplainsHowToAllowIt() {
            assertThat(allowAll.evaluate(request(STRANGER, "db", null, read(CALL))).reason())
                    .endsWith("call is privileged and is allowed only by a rule that lists it in sql.operations");
        }

        @Test
        void ruleNamingAPrivilegedOperationAllowsIt() {
            CompiledPolicy policy = policy("rules:\n  - { id: procs, sql: { operations: [call] }, effect: allow }\n");

            assertThat(policy.evaluate(request(STRANGER, "db", null, read(CALL))).ruleId()).isEqualTo("procs");
            assertThat(policy.evaluate(request(STRANGER, "db", null, read(DO))).effect()).isEqualTo(Effect.DENY);
        }

        @Test
        void approveRuleWithoutOperationsDoesNotOpenPrivilegedOperations() {
            CompiledPolicy policy = policy("rules:\n  - { id: ask, effect: approve, approval: { approvers: { groups: [dba] } } }\n");

            assertThat(policy.evaluate(request(STRANGER, "db", null, read(SET_ROLE))).ruleId()).isEqualTo("default");
        }

        @Test
        void denyRuleWithoutOperationsAlsoDeniesPrivilegedOperations() {
            // Otherwise "deny everything for interns" would let an allow rule naming call through for them.
            CompiledPolicy policy = policy("""
                    rules:
                      - { id: procs, sql: { operations: [call, create-function] }, effect: allow }
                      - { id: no-interns, when: { groups: [interns] }, effect: deny }
                    """);

            assertThat(policy.evaluate(request(caller("bob", "interns"), "db", null, read(CREATE_FUNCTION))).ruleId())
                    .isEqualTo("no-interns");
            assertThat(policy.evaluate(request(caller("eve"), "db", null, read(CREATE_FUNCTION))).ruleId())
                    .isEqualTo("procs");
        }
    }

    @Nested
    class Tables {
        private final CompiledPolicy policy = policy("""
                rules:
                  - { id: sales, sql: { operations: [select], tables: [sales.orders, Customers] }, effect: allow }
                  - { id: reporting, sql: { operations: [select], tables: ["reporting.*"] }, effect: allow }
                  - { id: catalog-any, sql: { operations: [select], tables: ["*.archive.*"] }, effect: allow }
                  - { id: catalog-named, sql: { operations: [select], tables: [app.vault.keys] }, effect: allow }
                  - { id: deny-audit, sql: { operations: [insert, update, delete], tables: [audit.events] }, effect: deny }
                  - { id: deny-remote, sql: { operations: [delete], tables: [remote.db.logs] }, effect: deny }
                """);

        private Decision select(String... tables) {
            return policy.evaluate(request(STRANGER, "db", null, read(SELECT, tables)));
        }

        @Test
        void allowRuleMustCoverEveryTableTheStatementTouches() {
            assertThat(select("sales.orders", "crm.customers").ruleId()).isEqualTo("sales");
            assertThat(select("sales.orders", "sales.refunds").ruleId()).isEqualTo("default");
        }

        @Test
        void tablesAreCoveredByOneRuleNotPiecedTogetherFromSeveral() {
            // sales covers orders and reporting covers kpis, but neither covers both.
            assertThat(select("sales.orders", "reporting.kpis").effect()).isEqualTo(Effect.DENY);
        }

        @Test
        void writtenTablesCountForAllowCoverage() {
            CompiledPolicy inserts = policy("rules:\n  - { id: ins, sql: { operations: [insert], tables: [staging.*] }, effect: allow }\n");

            assertThat(inserts.evaluate(request(STRANGER, "db", null,
                    readWrite(INSERT, List.of("staging.a"), List.of("prod.b")))).effect()).isEqualTo(Effect.DENY);
            assertThat(inserts.evaluate(request(STRANGER, "db", null,
                    readWrite(INSERT, List.of("prod.b"), List.of("staging.a")))).effect()).isEqualTo(Effect.DENY);
            assertThat(inserts.evaluate(request(STRANGER, "db", null,
                    readWrite(INSERT, List.of("staging.b"), List.of("staging.a")))).effect()).isEqualTo(Effect.ALLOW);
        }

        @Test
        void patternsMatchCaseInsensitively() {
            assertThat(select("SALES.Orders").ruleId()).isEqualTo("sales");
            assertThat(select("crm.CUSTOMERS").ruleId()).isEqualTo("sales");
        }

        @Test
        void quotedPatternSegmentsAreUnquotedAndLowerCased() {
            CompiledPolicy quoted = policy("rules:\n  - { id: q, sql: { tables: ['\"Sales\".\"Order Lines\"'] }, effect: allow }\n");

            assertThat(quoted.evaluate(request(STRANGER, "db", null, read(SELECT, "sales.order lines"))).ruleId())
                    .isEqualTo("q");
        }

        @Test
        void patternWithoutSchemaMatchesAnySchemaIncludingUnknown() {
            assertThat(select("a.customers").ruleId()).isEqualTo("sales");
            assertThat(select("customers").ruleId()).isEqualTo("sales");
        }

        @Test
        void schemaWildcardCoversEveryTableInTheSchemaOnly() {
            assertThat(select("reporting.kpis", "reporting.daily").ruleId()).isEqualTo("reporting");
            assertThat(select("reports.kpis").ruleId()).isEqualTo("default");
        }

        @Test
        void allowPatternWithSchemaDoesNotMatchUnknownSchema() {
            // "orders" with an unresolved schema could be any schema's orders: fail closed.
            assertThat(select("orders").ruleId()).isEqualTo("default");
            assertThat(select("kpis").ruleId()).isEqualTo("default");
        }

        @Test
        void denyPatternWithSchemaMatchesUnknownSchemaConservatively() {
            Decision decision = policy.evaluate(request(STRANGER, "db", null, write(UPDATE, true, "events")));

            assertThat(decision.ruleId()).isEqualTo("deny-audit");
        }

        @Test
        void denyPatternNeedsOnlyOneTouchedTable() {
            Decision decision = policy.evaluate(request(STRANGER, "db", null,
                    readWrite(DELETE, List.of("public.x"), List.of("audit.events"))));

            assertThat(decision.ruleId()).isEqualTo("deny-audit");
        }

        @Test
        void threePartAllowPatternsMatchOnlyWithCatalogWildcard() {
            // TableName carries no catalog, so a named catalog cannot be confirmed.
            assertThat(select("archive.y2020").ruleId()).isEqualTo("catalog-any");
            assertThat(select("vault.keys").ruleId()).isEqualTo("default");
        }

        @Test
        void threePartDenyPatternsIgnoreTheCatalog() {
            Decision decision = policy.evaluate(request(STRANGER, "db", null, write(DELETE, true, "db.logs")));

            assertThat(decision.ruleId()).isEqualTo("deny-remote");
        }

        @Test
        void statementWithoutTablesIsCoveredByAnAllowRulesTables() {
            assertThat(select().ruleId()).isEqualTo("sales");
        }

        @Test
        void statementWithoutTablesIsNotMatchedByADenyRuleNamingTables() {
            CompiledPolicy denyTables = policy("defaults: { effect: allow }\nrules:\n  - { id: d, sql: { tables: [t] }, effect: deny }\n");

            assertThat(denyTables.evaluate(request(STRANGER, "db", null, read(SELECT))).effect()).isEqualTo(Effect.ALLOW);
        }
    }

    @Nested
    class Where {
        private final CompiledPolicy policy = policy("""
                defaults: { effect: allow }
                rules:
                  - { id: unbounded, sql: { operations: [update, delete], where: absent }, effect: deny }
                  - { id: bounded, sql: { operations: [delete], where: present }, effect: approve, approval: { approvers: { groups: [dba] } } }
                """);

        @Test
        void absentMatchesStatementsWithoutWhere() {
            assertThat(policy.evaluate(request(STRANGER, "db", null, write(UPDATE, false, "public.t"))).ruleId())
                    .isEqualTo("unbounded");
            assertThat(policy.evaluate(request(STRANGER, "db", null, write(UPDATE, true, "public.t"))).ruleId())
                    .isEqualTo("default");
        }

        @Test
        void presentMatchesStatementsWithWhere() {
            assertThat(policy.evaluate(request(STRANGER, "db", null, write(DELETE, true, "public.t"))).ruleId())
                    .isEqualTo("bounded");
            assertThat(policy.evaluate(request(STRANGER, "db", null, write(DELETE, false, "public.t"))).ruleId())
                    .isEqualTo("unbounded");
        }
    }

    @Nested
    class When {
        private final CompiledPolicy policy = policy("""
                rules:
                  - { id: by-subject, when: { subjects: [agent:billing] }, sql: { operations: [select] }, effect: allow }
                  - { id: by-group, when: { groups: [analysts, auditors] }, sql: { operations: [insert] }, effect: allow }
                  - { id: by-resource, when: { resources: [orders-db] }, sql: { operations: [update] }, effect: allow }
                  - { id: by-env, when: { environments: [dev, test] }, sql: { operations: [delete] }, effect: allow }
                """);

        private Decision decide(Caller caller, String resource, String environment, SqlOperation operation) {
            return policy.evaluate(request(caller, resource, environment, write(operation, true, "public.t")));
        }

        @Test
        void subjectsMatchTheCallersSubjectExactly() {
            assertThat(decide(caller("agent:billing"), "db", null, SELECT).ruleId()).isEqualTo("by-subject");
            assertThat(decide(caller("agent:Billing"), "db", null, SELECT).ruleId()).isEqualTo("default");
            assertThat(decide(caller(null), "db", null, SELECT).ruleId()).isEqualTo("default");
        }

        @Test
        void groupsMatchOnAnyOverlap() {
            assertThat(decide(caller("a", "sales", "auditors"), "db", null, INSERT).ruleId()).isEqualTo("by-group");
            assertThat(decide(caller("a", "sales"), "db", null, INSERT).ruleId()).isEqualTo("default");
            assertThat(decide(caller("a"), "db", null, INSERT).ruleId()).isEqualTo("default");
        }

        @Test
        void resourcesMatchTheRequestsResource() {
            assertThat(decide(STRANGER, "orders-db", null, UPDATE).ruleId()).isEqualTo("by-resource");
            assertThat(decide(STRANGER, "crm-db", null, UPDATE).ruleId()).isEqualTo("default");
            assertThat(decide(STRANGER, null, null, UPDATE).ruleId()).isEqualTo("default");
        }

        @Test
        void environmentsDoNotMatchAnUnknownEnvironment() {
            assertThat(decide(STRANGER, "db", "test", DELETE).ruleId()).isEqualTo("by-env");
            assertThat(decide(STRANGER, "db", "prod", DELETE).ruleId()).isEqualTo("default");
            assertThat(decide(STRANGER, "db", null, DELETE).ruleId()).isEqualTo("default");
        }

        @Test
        void absentWhenMatchesEveryCaller() {
            CompiledPolicy open = policy("rules:\n  - { id: all, effect: allow }\n");

            assertThat(open.evaluate(request(caller(null), null, null, read(SELECT))).ruleId()).isEqualTo("all");
        }
    }

    @Test
    void allowPathReturnsTheRulesPrecomputedDecision() {
        CompiledPolicy policy = policy("rules:\n  - { id: r, effect: allow, reason: reads are fine }\n");
        SqlRequest request = request(STRANGER, "db", null, read(SELECT, "public.t"));

        Decision first = policy.evaluate(request);

        assertThat(first).isEqualTo(new Decision.Allow("r", "reads are fine", 3));
        assertThat(policy.evaluate(request)).isSameAs(first);
    }

    @Test
    void approveDecisionCarriesTheApproverGroups() {
        CompiledPolicy policy = policy("""
                rules:
                  - id: w
                    effect: approve
                    reason: writes need a second pair of eyes
                    approval: { approvers: { groups: [dba, leads] }, mode: window, ttl: 1h }
                """);

        Decision decision = policy.evaluate(request(STRANGER, "db", null, write(INSERT, true, "public.t")));

        assertThat(decision).isEqualTo(new Decision.Approve("w", "writes need a second pair of eyes", 3,
                Set.of("dba", "leads")));
        assertThat(policy.document().rule("w").orElseThrow().approval().mode()).isEqualTo(Approval.Mode.WINDOW);
    }
}
