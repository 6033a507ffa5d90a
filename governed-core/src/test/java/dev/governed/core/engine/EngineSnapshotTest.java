package dev.governed.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.audit.AuditRecorder;
import dev.governed.core.GovernedSettings;
import dev.governed.core.identity.Identity;
import dev.governed.core.identity.TokenVerifiers;
import dev.governed.core.mask.MaskConfiguration;
import dev.governed.policy.Caller;
import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.Decision;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import dev.governed.testsupport.TestIdentityProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a transport gets from one admission comes from one policy snapshot, and a repeated request is not re-decided. */
class EngineSnapshotTest {

    /** Reads customers, masks their ssn, writes nothing. */
    private static final CompiledPolicy MASKED = CompiledPolicy.compile(PolicyDocuments.parse("""
            version: 1
            defaults: { effect: deny }
            rules:
              - id: read
                when: { groups: [agents] }
                sql: { operations: [select] }
                effect: allow
            masks:
              - columns: ["public.customers.ssn"]
                strategy: redact
            """, "masked"));

    /** Reads and writes everything, masks nothing. */
    private static final CompiledPolicy OPEN = CompiledPolicy.compile(PolicyDocuments.parse("""
            version: 2
            defaults: { effect: allow }
            """, "open"));

    /** Denies everything. */
    private static final CompiledPolicy CLOSED = CompiledPolicy.compile(PolicyDocuments.parse("""
            version: 3
            defaults: { effect: deny }
            """, "closed"));

    private static final List<SqlStatementFacts> SELECT = List.of(new SqlStatementFacts(SqlOperation.SELECT,
            Set.of(TableName.of("public", "customers")), Set.of(), false));

    private final TestIdentityProvider idp = TestIdentityProvider.shared();

    @TempDir
    Path directory;

    private CallerSource callers;
    private GovernedSettings settings;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void caller() throws Exception {
        String token = idp.token().subject("agent:a").groups("agents").sign();
        Properties properties = new Properties();
        properties.setProperty("governed.policy", Files.writeString(directory.resolve("p.yaml"), "version: 1\n").toString());
        properties.setProperty("governed.jwks", idp.writeJwks(directory).toString());
        properties.setProperty("governed.issuer", idp.issuer());
        properties.setProperty("governed.audience", idp.audience());
        properties.setProperty("governed.audit", "jsonl:" + directory.resolve("audit.jsonl"));
        settings = GovernedSettings.from(properties);
        Identity identity = TokenVerifiers.configured(settings).verify(token);
        VerifiedCaller caller = new VerifiedCaller(token, identity);
        callers = () -> caller;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable each : opened) {
            each.close();
        }
    }

    private Engine engine(PolicySnapshots snapshots) {
        AuditRecorder audit = dev.governed.core.engine.AuditTrails.open(settings);
        Engine engine = Engine.of("prod", TokenVerifiers.configured(settings), snapshots, audit,
                MaskConfiguration.withKey(null), null);
        opened.add(engine);
        return engine;
    }

    private static PolicySnapshots snapshots(java.util.function.Supplier<CompiledPolicy> next) {
        return new PolicySnapshots() {
            @Override
            public CompiledPolicy policyFor(Identity identity, String token, String resource) {
                return next.get();
            }

            @Override
            public void close() {}
        };
    }

    /** Counts the decisions asked of the policy, so a test sees whether a request was decided again. */
    private static final class CountingQuestion implements PolicyQuestion {
        private final PolicyQuestion sql = PolicyQuestion.sql(SELECT);
        final AtomicInteger decisions = new AtomicInteger();

        @Override
        public Decision decide(CompiledPolicy policy, Caller caller, String resource, String environment) {
            decisions.incrementAndGet();
            return sql.decide(policy, caller, resource, environment);
        }

        @Override
        public List<MaskSpec> masks(CompiledPolicy policy, Caller caller, String resource, String environment) {
            return sql.masks(policy, caller, resource, environment);
        }
    }

    private static Request select(PolicyQuestion question) {
        return new Request("sql", "jdbc", "crm", "jdbc:h2:mem:crm", "select", "SELECT ssn FROM customers", null, null,
                List.of("public.customers"), "c1", question);
    }

    /**
     * Every question to the snapshots gets the other policy, from four threads at once: a request that asked
     * twice (decision, then masks or write permission) would mix them.
     */
    @Test
    void decisionMasksAndWritePermissionComeFromOneSnapshotWhileRefreshesLand() throws Exception {
        AtomicInteger questions = new AtomicInteger();
        Engine engine = engine(snapshots(() -> questions.getAndIncrement() % 2 == 0 ? MASKED : OPEN));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(threads.submit(() -> {
                    int seenMasked = 0;
                    for (int i = 0; i < 2_000; i++) {
                        Admission admission = engine.admit(select(PolicyQuestion.sql(SELECT)), callers,
                                ApprovalHook.DISABLED);
                        assertThat(admission.isAllowed()).isTrue();
                        if (admission.policyVersion() == 1) {
                            seenMasked++;
                            assertThat(admission.masks()).extracting(ActiveMask::targets)
                                    .containsExactly(List.of("public.customers.ssn"));
                            assertThat(admission.mayWrite()).isFalse();
                        } else {
                            assertThat(admission.masks()).isEmpty();
                            assertThat(admission.mayWrite()).isTrue();
                        }
                        admission.complete(1L, List.of());
                    }
                    return seenMasked;
                }));
            }
            int masked = 0;
            for (Future<Integer> each : results) {
                masked += each.get();
            }
            assertThat(masked).as("both versions decided some requests").isBetween(1, 7_999);
        } finally {
            threads.shutdownNow();
        }
        assertThat(questions.get()).as("one snapshot per request").isEqualTo(8_000);
    }

    @Test
    void aRepeatedRequestKeepsItsDecisionUntilThePolicyChangesThenIsDecidedAgain() {
        AtomicReference<CompiledPolicy> current = new AtomicReference<>(MASKED);
        Engine engine = engine(snapshots(current::get));
        CountingQuestion question = new CountingQuestion();
        Admission first = engine.admit(select(question), callers, ApprovalHook.DISABLED);
        first.complete(1L, List.of());
        Admission again = engine.readmit(first, callers, ApprovalHook.DISABLED);
        assertThat(again.isAllowed()).isTrue();
        assertThat(again.decision()).isSameAs(first.decision());
        assertThat(again.masks()).isSameAs(first.masks());
        assertThat(again.eventId()).as("each execution has its own event").isNotEqualTo(first.eventId());
        assertThat(question.decisions).hasValue(1);

        current.set(CLOSED);
        Admission afterChange = engine.readmit(again, callers, ApprovalHook.DISABLED);
        assertThat(question.decisions).hasValue(2);
        assertThat(afterChange.isAllowed()).isFalse();
        assertThat(afterChange.policyVersion()).isEqualTo(3);
        assertThat(afterChange.isRecorded()).as("the refusal is audited before readmit returns").isTrue();
    }

    @Test
    void anotherCallerIsDecidedForItself() throws Exception {
        Engine engine = engine(snapshots(() -> MASKED));
        CountingQuestion question = new CountingQuestion();
        Admission first = engine.admit(select(question), callers, ApprovalHook.DISABLED);
        String other = idp.token().subject("agent:b").groups("visitors").sign();
        VerifiedCaller visitor = new VerifiedCaller(other, TokenVerifiers.configured(settings).verify(other));
        Admission theirs = engine.readmit(first, () -> visitor, ApprovalHook.DISABLED);
        assertThat(question.decisions).hasValue(2);
        assertThat(theirs.isAllowed()).as("the rule is for agents").isFalse();
    }
}
