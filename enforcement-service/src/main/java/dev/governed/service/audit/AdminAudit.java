package dev.governed.service.audit;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditIds;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.chain.CheckpointSigner;
import dev.governed.audit.chain.HashChain;
import dev.governed.core.engine.AuditActors;
import dev.governed.core.identity.Identity;
import dev.governed.service.auth.Principal;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Audits the service's own administrative actions (policy uploads and activations, approval decisions,
 * connection profile changes and credential releases, refused attempts) as contract audit events in
 * one hash-chained stream per service instance, stored with everything else, each followed by a checkpoint
 * signed with the service key (published at {@code /v1/keys}).
 */
public final class AdminAudit {
    public static final String RESOURCE = "governed-service";

    private final AuditStore store;
    private final Clock clock;
    private final String instance;
    private final HashChain chain;

    private final CheckpointSigner signer;

    /** {@code signer} signs a checkpoint after every event, so the admin trail verifies against /v1/keys. */
    public AdminAudit(AuditStore store, Clock clock, CheckpointSigner signer) {
        this.store = store;
        this.signer = signer;
        this.clock = clock;
        this.instance = UUID.randomUUID().toString();
        this.chain = new HashChain(instance, null);
    }

    /** The id of this instance's audit stream. */
    public String stream() {
        return instance;
    }

    /** Records an action that was carried out. */
    public void allowed(Principal who, String operation, String target, String detail) {
        record(who, operation, target, detail, "allow", null, "ok", null, null);
    }

    /** Records a step of approval {@code approvalId} (request, approve, deny, revoke, use), linked to it by {@code decision.approval}. */
    public void approval(Principal who, String operation, String approvalId, String detail) {
        record(who, operation, "approval:" + approvalId, detail, "allow", null, "ok", null, approvalId);
    }

    /** Records an attempt that was refused, with why. */
    public void refused(Principal who, String operation, String target, String reason) {
        record(who, operation, target, null, "deny", reason, "denied", reason, null);
    }

    private synchronized void record(Principal who, String operation, String target, String detail, String effect, String reason,
                                     String status, String error, String approvalId) {
        Identity identity = who.identity();
        AuditEvent event = new AuditEvent(
                AuditIds.newId(),
                clock.instant(),
                null,
                AuditActors.of(identity),
                new AuditEvent.Session(instance, null),
                new AuditEvent.Resource(RESOURCE, "service", target, null),
                new AuditEvent.Action("admin", operation, detail, null, List.of()),
                new AuditEvent.DecisionInfo(effect, "roles", reason, null, approvalId),
                List.of(),
                new AuditEvent.Outcome(status, null, 0, error));
        HashChain.Linked linked = chain.append(event);
        Checkpoint checkpoint = signer.sign(instance, chain.seq(), chain.head(), clock.instant());
        store.ingest(List.of(new IncomingEvent(linked.event(), linked.json(), true)), List.of(new AuditStore.CheckedCheckpoint(checkpoint, CheckpointSignatures.VALID)),
                "service:" + instance);
    }
}
