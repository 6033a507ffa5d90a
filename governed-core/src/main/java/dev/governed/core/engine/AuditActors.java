package dev.governed.core.engine;

import dev.governed.audit.AuditEvent;
import dev.governed.core.identity.Identity;
import java.util.List;
import java.util.TreeSet;

/** Who an audit event names, from a verified identity: the same for every adapter (RFC 8693 delegation included). */
public final class AuditActors {

    private static final AuditEvent.Actor UNKNOWN = new AuditEvent.Actor(null, List.of(), null, null, null);

    private AuditActors() {}

    /** The event's actor; for a request whose token was missing or invalid ({@code null}), an actor with no subject. */
    public static AuditEvent.Actor of(Identity identity) {
        if (identity == null) {
            return UNKNOWN;
        }
        return new AuditEvent.Actor(identity.subject(), List.copyOf(new TreeSet<>(identity.groups())),
                identity.issuer(), identity.tokenId(), identity.onBehalfOf(), identity.delegation());
    }
}
