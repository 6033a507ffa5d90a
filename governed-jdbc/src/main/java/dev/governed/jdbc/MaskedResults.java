package dev.governed.jdbc;

import dev.governed.jdbc.internal.mask.ActiveMask;
import dev.governed.jdbc.internal.mask.MaskDeniedException;
import dev.governed.jdbc.internal.mask.MaskPlan;
import dev.governed.jdbc.internal.mask.SourceColumn;
import dev.governed.policy.SqlStatementFacts;
import dev.governed.policy.TableName;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the governed form of a statement's result set: the plain wrapper when nothing in it
 * is masked (no per-row cost), the masking one otherwise, after checking that the driver's
 * columns are the ones the analysis masked by position.
 */
final class MaskedResults {

    private MaskedResults() {}

    static ResultSet wrap(ResultSet resultSet, GovernedStatement owner, AdmittedStatement admission) throws SQLException {
        MaskPlan plan = admission == null ? MaskPlan.NONE : admission.masks();
        if (!plan.needsVerification()) {
            return new GovernedResultSet(resultSet, owner, admission);
        }
        try {
            plan.verify(resultSet.getMetaData());
        } catch (MaskDeniedException e) {
            resultSet.close();
            owner.governance.masking.invalidate();
            throw new PolicyDeniedException(Enforcer.MASKING_RULE, "Governed refused this result: " + e.getMessage()
                    + " Run the statement again; if this persists, select the columns by name.");
        }
        if (!plan.masksRows()) {
            return new GovernedResultSet(resultSet, owner, admission);
        }
        return new MaskedResultSet(resultSet, owner, plan, admission);
    }

    /**
     * The error to show for a statement: when it reads a masked column anywhere, the database's message
     * may quote a value it failed on ({@code invalid input syntax for type integer: "123-45-6789"}), so
     * the message, its causes and chained exceptions are withheld and only the SQLState and vendor code
     * are kept. A batch's update counts are kept too.
     */
    static SQLException scrub(AdmittedStatement admission, SQLException error) {
        if (error == null || admission == null || !admission.masks().scrubsErrors()) {
            return error;
        }
        String message = "Governed withheld the database's message for this statement (SQLState "
                + error.getSQLState() + "): it reads a masked column, and the message may quote one of its values."
                + " Run the statement without the masked columns to see the full error.";
        if (error instanceof java.sql.BatchUpdateException batch) {
            return new java.sql.BatchUpdateException(message, error.getSQLState(), error.getErrorCode(),
                    batch.getLargeUpdateCounts(), null);
        }
        return new SQLException(message, error.getSQLState(), error.getErrorCode());
    }

    /** The same for a batch: withheld when any of its statements reads a masked column. */
    static SQLException scrub(List<AdmittedStatement> admissions, SQLException error) {
        for (AdmittedStatement each : admissions) {
            if (each.masks().scrubsErrors()) {
                return scrub(each, error);
            }
        }
        return error;
    }

    /** Warnings (PostgreSQL notices among them) are messages from the database too: withheld the same way. */
    static java.sql.SQLWarning scrub(AdmittedStatement admission, java.sql.SQLWarning warning) {
        if (warning == null || admission == null || !admission.masks().scrubsErrors()) {
            return warning;
        }
        return new java.sql.SQLWarning("Governed withheld the database's warnings for this statement (first"
                + " SQLState " + warning.getSQLState() + "): it reads a masked column, and they may quote one of its"
                + " values.", warning.getSQLState(), warning.getErrorCode());
    }

    /**
     * Generated keys are columns of the tables the statement wrote (PostgreSQL returns whole rows):
     * they are masked by name against the caller's active masks.
     */
    static ResultSet generatedKeys(ResultSet keys, GovernedStatement owner, AdmittedStatement admission)
            throws SQLException {
        if (keys == null) {
            return null;
        }
        if (admission == null || admission.masks().active().isEmpty()) {
            return new GovernedResultSet(keys, owner);
        }
        List<ActiveMask> active = admission.masks().active();
        ResultSetMetaData metaData = keys.getMetaData();
        MaskPlan.ColumnMask[] byIndex = new MaskPlan.ColumnMask[metaData.getColumnCount() + 1];
        boolean any = false;
        for (int i = 1; i < byIndex.length; i++) {
            String label = metaData.getColumnLabel(i).toLowerCase(Locale.ROOT);
            for (SqlStatementFacts facts : admission.facts()) {
                for (TableName table : facts.tablesWritten()) {
                    SourceColumn column = new SourceColumn(table, label);
                    ActiveMask mask = ActiveMask.find(active, column);
                    if (mask != null && byIndex[i] == null) {
                        byIndex[i] = new MaskPlan.ColumnMask(column.toString(), mask.rule().strategy(), mask.strategy());
                        any = true;
                    }
                }
            }
        }
        if (!any) {
            return new GovernedResultSet(keys, owner);
        }
        return new MaskedResultSet(keys, owner, MaskPlan.of(byIndex, active), admission, false);
    }
}
