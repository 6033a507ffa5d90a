package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditIds;
import dev.governed.core.identity.Identity;
import dev.governed.jdbc.mask.MaskPlan;
import dev.governed.jdbc.sql.StatementAnalysis;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlStatementFacts;
import java.util.List;

/**
 * An allowed statement on its way to the database, with what its audit event needs.
 *
 * @param masks      how its result set is masked for this caller; {@link MaskPlan#NONE} when no mask applies
 * @param approval   the id of the approval that released it, or null
 * @param parameters its bound parameters as the event records them (empty when none are recorded)
 * @param eventId    the id its own event will carry, so a result summary recorded later can name it
 */
record Admission(
        String sql,
        StatementAnalysis analysis,
        List<SqlStatementFacts> facts,
        Identity identity,
        Decision decision,
        String connectionId,
        long startNanos,
        MaskPlan masks,
        String approval,
        List<AuditEvent.Parameter> parameters,
        String eventId) {

    Admission(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, Identity identity,
              Decision decision, String connectionId, long startNanos, MaskPlan masks, String approval) {
        this(sql, analysis, facts, identity, decision, connectionId, startNanos, masks, approval, List.of(),
                AuditIds.newId());
    }

    Admission withParameters(List<AuditEvent.Parameter> recorded) {
        if (recorded.isEmpty()) {
            return this;
        }
        return new Admission(sql, analysis, facts, identity, decision, connectionId, startNanos, masks, approval,
                recorded, eventId);
    }

    /**
     * Whether a parameter of this statement may be compared with, or written to, a column masked for the caller:
     * it reads a masked column anywhere, or it writes while masks apply to the caller (writes are not traced).
     */
    boolean touchesMasked() {
        if (masks.scrubsErrors()) {
            return true;
        }
        if (masks.active().isEmpty()) {
            return false;
        }
        for (SqlStatementFacts each : facts) {
            if (!each.tablesWritten().isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
