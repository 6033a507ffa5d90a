package dev.governed.service.audit;

import java.time.Instant;

/**
 * Which stored events a query or export wants; null fields match everything. {@code from} inclusive, {@code to} exclusive;
 * {@code approval} an approval id: its request, decisions and the executions it released ({@code decision.approval}).
 */
public record AuditFilter(String subject, String resource, String decision, String stream, String kind, String session, Instant from,
                          Instant to, String approval) {
    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null, null, null, null);

    public AuditFilter(String subject, String resource, String decision, String stream, String kind, String session, Instant from,
                       Instant to) {
        this(subject, resource, decision, stream, kind, session, from, to, null);
    }

    public AuditFilter {
        if (approval != null && !approval.matches("[0-9A-Za-z-]{1,64}")) {
            throw new IllegalArgumentException("approval '" + approval + "' is not an approval id (letters, digits and dashes)");
        }
    }
}
