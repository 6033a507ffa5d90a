package dev.governed.jdbc;

import dev.governed.jdbc.mask.ActiveMask;
import dev.governed.jdbc.mask.MaskDeniedException;
import dev.governed.jdbc.mask.MaskPlan;
import dev.governed.jdbc.mask.SourceColumn;
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

    static ResultSet wrap(ResultSet resultSet, GovernedStatement owner, Admission admission) throws SQLException {
        MaskPlan plan = admission == null ? MaskPlan.NONE : admission.masks();
        if (!plan.needsVerification()) {
            return new GovernedResultSet(resultSet, owner);
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
            return new GovernedResultSet(resultSet, owner);
        }
        return new MaskedResultSet(resultSet, owner, plan, admission);
    }

    /**
     * The error to show for a statement: when it masks result columns, the database's message may
     * quote a value it failed on ({@code invalid input syntax for type integer: "123-45-6789"}), so
     * the message and cause are withheld and only the SQLState and vendor code are kept.
     */
    static SQLException scrub(Admission admission, SQLException error) {
        if (admission == null || !admission.masks().masksRows()) {
            return error;
        }
        return new SQLException("Governed withheld the database's message for this statement (SQLState "
                + error.getSQLState() + "): it may quote a value of a masked column. Run the statement without"
                + " the masked columns to see the full error.", error.getSQLState(), error.getErrorCode());
    }

    /**
     * Generated keys are columns of the tables the statement wrote (PostgreSQL returns whole rows):
     * they are masked by name against the caller's active masks.
     */
    static ResultSet generatedKeys(ResultSet keys, GovernedStatement owner, Admission admission)
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
        return new MaskedResultSet(keys, owner, MaskPlan.of(byIndex, active), admission);
    }
}
