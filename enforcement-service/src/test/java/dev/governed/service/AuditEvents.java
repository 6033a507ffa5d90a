package dev.governed.service;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.chain.HashChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Chained audit events as an agent's dispatcher would write them. */
public final class AuditEvents {
    private AuditEvents() {}

    public static List<String> chain(String stream, int count, String subject, String effect) {
        return chain(stream, count, subject, effect, null);
    }

    /** Events of one session when {@code session} is given, else each in its own. */
    public static List<String> chain(String stream, int count, String subject, String effect, String session) {
        HashChain chain = new HashChain(stream, null);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            result.add(chain.append(event(subject, effect, Instant.parse("2026-11-22T01:00:00Z").plusSeconds(i), session)).json());
        }
        return result;
    }

    public static AuditEvent event(String subject, String effect, Instant time, String session) {
        return new AuditEvent(UUID.randomUUID().toString(), time, null,
                new AuditEvent.Actor(subject, List.of("support-agents"), "https://idp", "jti-1", null),
                new AuditEvent.Session(session != null ? session : UUID.randomUUID().toString(), UUID.randomUUID().toString()),
                new AuditEvent.Resource("orders-db", "jdbc", "postgresql://db:5432/app", "prod"),
                new AuditEvent.Action("sql", "select", "SELECT * FROM customers WHERE id = ?", "abc", List.of("public.customers")),
                new AuditEvent.DecisionInfo(effect, "support-read", null, 7L, null),
                List.of(), new AuditEvent.Outcome("allow".equals(effect) ? "ok" : "denied", 1L, 812, null));
    }

    public static String array(List<String> lines) {
        return "[" + String.join(",", lines) + "]";
    }

    public static String lines(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }
}
