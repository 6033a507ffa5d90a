package dev.governed.service.auth;

import java.util.Locale;

/** What a caller may do on the service; granted by the groups in the caller's verified token. */
public enum Role {
    /** Uploads and activates policies, manages connection profiles. */
    ADMIN,
    /** Approves or denies approval requests whose rule names one of the approver's groups. */
    APPROVER,
    /** Reads, queries and exports the audit trail. */
    AUDITOR,
    /** A governed application: fetches its effective policy, requests approvals, uploads audit, resolves connections. */
    AGENT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
