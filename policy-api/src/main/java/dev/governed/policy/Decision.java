package dev.governed.policy;

/**
 * The outcome of evaluating a request. {@code ruleId} names the rule that decided,
 * or {@code "default"} when none matched; {@code policyVersion} is the document's
 * {@code version}, echoed into audit events.
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny, Decision.Approve {

    String ruleId();

    String reason();

    long policyVersion();

    Effect effect();

    record Allow(String ruleId, String reason, long policyVersion) implements Decision {
        @Override
        public Effect effect() {
            return Effect.ALLOW;
        }
    }

    record Deny(String ruleId, String reason, long policyVersion) implements Decision {
        @Override
        public Effect effect() {
            return Effect.DENY;
        }
    }

    /** The request may run once an approver from {@code approverGroups} agrees. */
    record Approve(String ruleId, String reason, long policyVersion, java.util.Set<String> approverGroups)
            implements Decision {
        public Approve {
            approverGroups = java.util.Set.copyOf(approverGroups);
        }

        @Override
        public Effect effect() {
            return Effect.APPROVE;
        }
    }
}
