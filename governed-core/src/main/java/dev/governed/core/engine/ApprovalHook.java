package dev.governed.core.engine;

import dev.governed.core.identity.Identity;
import dev.governed.policy.Decision;

/**
 * Where a request whose rule says {@code effect: approve} goes. The approvals client plugs in
 * here; until it does, {@link #DISABLED} denies such requests with a message that says so.
 */
@FunctionalInterface
public interface ApprovalHook {

    /** Refuses every request that needs approval. */
    ApprovalHook DISABLED = (request, identity, decision) -> new Decision.Deny(decision.ruleId(),
            "rule '" + decision.ruleId() + "' requires approval (" + decision.reason()
                    + "), and approvals are not enabled here", decision.policyVersion());

    /**
     * The decision that replaces {@code approve}: {@link Decision.Allow} once approved, {@link Decision.Deny}
     * when refused or not possible. A hook that waits blocks only this request's caller.
     */
    Decision review(Request request, Identity identity, Decision.Approve decision);
}
