package dev.governed.service.audit;

import java.time.Instant;

/** Which stored events a query or export wants; null fields match everything. {@code from} inclusive, {@code to} exclusive. */
public record AuditFilter(String subject, String resource, String decision, String stream, String kind, String session, Instant from,
                          Instant to) {
    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null, null, null);
}
