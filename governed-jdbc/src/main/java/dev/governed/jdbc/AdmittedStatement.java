package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.core.engine.Admission;
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
 * An allowed statement on its way to the database: the engine's admission (caller, decision, masks, the event
 * it records) with what only the driver knows.
 *
 * @param decided    the engine's admission, from one policy snapshot
 * @param masks      how its result set is masked for this caller; {@link MaskPlan#NONE} when no mask applies
 * @param parameters its bound parameters as the event records them (empty when none are recorded)
 * @param batch      the parameter sets of a batch as the event records them, or null
 */
record AdmittedStatement(
        String sql,
        StatementAnalysis analysis,
        List<SqlStatementFacts> facts,
        Admission decided,
        MaskPlan masks,
        List<AuditEvent.Parameter> parameters,
        AuditEvent.Batch batch) {

    AdmittedStatement(String sql, StatementAnalysis analysis, List<SqlStatementFacts> facts, Admission decided,
                      MaskPlan masks) {
        this(sql, analysis, facts, decided, masks, List.of(), null);
    }

    AdmittedStatement withParameters(List<AuditEvent.Parameter> recorded) {
        if (recorded.isEmpty()) {
            return this;
        }
        return new AdmittedStatement(sql, analysis, facts, decided, masks, recorded, batch);
    }

    AdmittedStatement withBatch(AuditEvent.Batch recorded) {
        if (recorded == null) {
            return this;
        }
        return new AdmittedStatement(sql, analysis, facts, decided, masks, parameters, recorded);
    }

    Identity identity() {
        return decided.identity();
    }

    Decision decision() {
        return decided.decision();
    }

    /** The id of the approval that released it, or null. */
    String approval() {
        return decided.approvalId();
    }

    /** The id its own event carries, so a result summary recorded later can name it. */
    String eventId() {
        return decided.eventId();
    }

    long startNanos() {
        return decided.startNanos();
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
