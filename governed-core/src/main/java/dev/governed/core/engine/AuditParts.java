package dev.governed.core.engine;

import dev.governed.audit.AuditEvent;
import dev.governed.core.identity.Identity;
import dev.governed.policy.Decision;
import java.util.Objects;

/**
 * The parts of an audit event that repeat from request to request, each built once and reused while it stays
 * the same (the hot path allocates less): the actor of a verified identity (the token cache keeps its instance),
 * the session of a connection, the resource, the decision of a rule.
 */
final class AuditParts {

    private record ActorMemo(Identity identity, AuditEvent.Actor actor) {}

    private record DecisionMemo(Decision decision, String effect, AuditEvent.DecisionInfo info) {}

    private volatile ActorMemo actor;
    private volatile AuditEvent.Session session;
    private volatile AuditEvent.Resource resource;
    private volatile DecisionMemo decision;

    AuditEvent.Actor actor(Identity identity) {
        ActorMemo memo = actor;
        if (memo != null && memo.identity() == identity) {
            return memo.actor();
        }
        AuditEvent.Actor result = AuditActors.of(identity);
        actor = new ActorMemo(identity, result);
        return result;
    }

    AuditEvent.Session session(String sessionId, String connection) {
        AuditEvent.Session memo = session;
        if (memo != null && memo.connection() == connection && memo.id() == sessionId) {
            return memo;
        }
        AuditEvent.Session result = new AuditEvent.Session(sessionId, connection);
        session = result;
        return result;
    }

    AuditEvent.Resource resource(String name, String kind, String target, String environment) {
        AuditEvent.Resource memo = resource;
        if (memo != null && Objects.equals(memo.name(), name) && Objects.equals(memo.kind(), kind)
                && Objects.equals(memo.target(), target) && Objects.equals(memo.environment(), environment)) {
            return memo;
        }
        AuditEvent.Resource result = new AuditEvent.Resource(name, kind, target, environment);
        resource = result;
        return result;
    }

    /** A decision that ran on an approval names it and is built afresh: approvals are rare and each is another. */
    AuditEvent.DecisionInfo decision(Decision decided, String effect, String approvalId) {
        Long version = decided.policyVersion() < 0 ? null : decided.policyVersion();
        if (approvalId != null) {
            return new AuditEvent.DecisionInfo(effect, decided.ruleId(), decided.reason(), version, approvalId);
        }
        DecisionMemo memo = decision;
        if (memo != null && memo.effect().equals(effect)
                && (memo.decision() == decided || memo.decision().equals(decided))) {
            return memo.info();
        }
        AuditEvent.DecisionInfo result = new AuditEvent.DecisionInfo(effect, decided.ruleId(), decided.reason(),
                version, null);
        decision = new DecisionMemo(decided, effect, result);
        return result;
    }
}
