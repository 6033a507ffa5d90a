package dev.governed.service.audit;

import dev.governed.audit.AuditEvent;

/**
 * One event of an upload: the parsed record (for indexed columns), its JSON exactly as it will be stored
 * (so a stored event re-hashes to the same value) and whether its chain hash matched its content.
 */
public record IncomingEvent(AuditEvent event, String body, boolean hashValid) {}
