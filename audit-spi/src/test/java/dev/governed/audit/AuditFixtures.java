package dev.governed.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Events and texts shared by the audit tests. */
public final class AuditFixtures {

    private AuditFixtures() {}

    /** The documented audit event example (docs/audit.md), copied verbatim. */
    public static String contractExample() {
        try (InputStream in = AuditFixtures.class.getResourceAsStream("/contract-audit-event.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fully populated event, unchained, like the contract example. */
    public static AuditEvent event(String subject, String statement) {
        return new AuditEvent(
                AuditIds.newId(),
                Instant.parse("2026-11-22T01:02:03.123456789Z"),
                null,
                new AuditEvent.Actor(subject, List.of("support-agents"), "https://idp", "jti-1", "alice"),
                new AuditEvent.Session("3b1c0c1e-8f5a-4b57-9d1e-1c2f3a4b5c6d", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
                new AuditEvent.Resource("orders-db", "jdbc", "postgresql://db:5432/app", "prod"),
                new AuditEvent.Action("sql", "select", statement, "ab12", List.of("public.customers")),
                new AuditEvent.DecisionInfo("allow", "support-read", "matched", 7L, null),
                List.of(new AuditEvent.Masking("public.customers.ssn", "keep-last", 12)),
                new AuditEvent.Outcome("ok", 12L, 812, null));
    }

    public static AuditEvent event(String subject) {
        return event(subject, "SELECT name, ssn FROM customers WHERE id = ?");
    }
}
