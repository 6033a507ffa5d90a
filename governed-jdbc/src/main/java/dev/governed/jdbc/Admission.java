package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.audit.AuditIds;
import dev.governed.core.identity.Identity;
import dev.governed.jdbc.internal.mask.ActiveMask;
import dev.governed.jdbc.internal.mask.MaskPlan;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import dev.governed.policy.ColumnPattern;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.util.List;

/**
 * An allowed statement on its way to the database, with what its audit event needs.
 *
 * @param masks      how its result set is masked for this caller; {@link MaskPlan#NONE} when no mask applies
 * @param approval   the id of the approval that released it, or null
 * @param parameters its bound parameters as the event records them (empty when none are recorded)
 * @param batch      the parameter sets of a batch as the event records them, or null
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
        AuditEvent.Batch batch,
        String eventId) {

    Admission(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, Identity identity,
              Decision decision, String connectionId, long startNanos, MaskPlan masks, String approval) {
        this(sql, analysis, facts, identity, decision, connectionId, startNanos, masks, approval, List.of(), null,
                AuditIds.newId());
    }

    Admission withParameters(List<AuditEvent.Parameter> recorded) {
        if (recorded.isEmpty()) {
            return this;
        }
        return new Admission(sql, analysis, facts, identity, decision, connectionId, startNanos, masks, approval,
                recorded, batch, eventId);
    }

    Admission withBatch(AuditEvent.Batch recorded) {
        if (recorded == null) {
            return this;
        }
        return new Admission(sql, analysis, facts, identity, decision, connectionId, startNanos, masks, approval,
                parameters, recorded, eventId);
    }

    /**
     * Whether a parameter of this statement may be compared with, or written to, a column masked for the caller:
     * the lineage says a parameter may meet one ({@link MaskPlan#nearMasked}), or it writes a table on which a mask
     * applies to the caller (where written values go is not traced by column, so any write there counts).
     */
    boolean touchesMasked() {
        if (masks.nearMasked()) {
            return true;
        }
        if (masks.active().isEmpty()) {
            return false;
        }
        for (SqlStatementFacts each : facts) {
            for (TableName table : each.tablesWritten()) {
                if (masked(table)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the statement's text may quote a value masked for the caller: it reads a masked column anywhere, or
     * a literal may meet one ({@link #touchesMasked}); its audited text then has its literals replaced.
     */
    boolean mayQuoteMasked() {
        return masks.scrubsErrors() || touchesMasked();
    }

    private boolean masked(TableName table) {
        for (ActiveMask mask : masks.active()) {
            for (ColumnPattern pattern : mask.rule().columns()) {
                if (pattern.mayCover(table)) {
                    return true;
                }
            }
        }
        return false;
    }
}
