package dev.governed.jdbc;

import dev.governed.audit.AuditEvent;
import dev.governed.core.mask.MaskStrategy;
import dev.governed.jdbc.internal.mask.MaskPlan;
import dev.governed.jdbc.internal.mask.MaskedValue;
import dev.governed.jdbc.internal.mask.StrategyCalls;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A result set with masked columns. Every getter of a masked column answers the masked form
 * (the generated base routes them all here); clear columns cost one array check. It counts
 * the values it masked per column and records them in a follow-up audit event when it is
 * read to the end or closed. It never unwraps to the driver's result set, whatever the
 * configuration: that would hand out the clear values.
 */
final class MaskedResultSet extends MaskingResultSetWrapper implements SummarisedResult {

    private final GovernedStatement owner;
    private final AdmittedStatement admission;
    private final MaskPlan.ColumnMask[] masks;
    /** Each column's strategy, looked up once per result set rather than once per value. */
    private final MaskStrategy[] strategies;
    private final boolean[] masked;
    private final boolean[] textual;
    private final long[] values;
    private final long[] countedAtRow;
    private final Map<String, Integer> indexes = new HashMap<>();
    private long rows;
    private boolean lastWasNull;
    private boolean reported;
    /** Non-null only with {@code governed.audit.results=digest}. */
    private final ResultSummary summary;

    MaskedResultSet(ResultSet resultSet, GovernedStatement owner, MaskPlan plan, AdmittedStatement admission) {
        this(resultSet, owner, plan, admission, true);
    }

    /** {@code summarise} false for generated keys: they are not the statement's result, so replay has none to compare. */
    MaskedResultSet(ResultSet resultSet, GovernedStatement owner, MaskPlan plan, AdmittedStatement admission, boolean summarise) {
        super(resultSet);
        this.owner = owner;
        this.admission = admission;
        this.masks = plan.columns();
        this.masked = new boolean[masks.length];
        this.textual = new boolean[masks.length];
        this.strategies = new MaskStrategy[masks.length];
        for (int i = 0; i < masks.length; i++) {
            masked[i] = masks[i] != null;
            strategies[i] = masked[i] ? masks[i].masker() : null;
            textual[i] = masked[i] && masks[i].masker().masksText();
        }
        this.values = new long[masks.length];
        this.countedAtRow = new long[masks.length];
        this.summary = summarise && admission != null && owner.governance.recording.digestsResults()
                ? new ResultSummary(masked.clone(), admission) : null;
    }

    @Override
    boolean masks(int index) {
        return index > 0 && index < masked.length && masked[index];
    }

    @Override
    MaskedValue masked(int index) throws SQLException {
        MaskPlan.ColumnMask mask = masks[index];
        return new MaskedValue(maskedForm(index), mask.column(), mask.strategy());
    }

    @Override
    String maskedString(int index) throws SQLException {
        Object form = maskedForm(index);
        if (form == null || form instanceof String) {
            return (String) form;
        }
        MaskPlan.ColumnMask mask = masks[index];
        return new MaskedValue(form, mask.column(), mask.strategy()).getString();
    }

    /** Reads the current row's value of a masked column and masks it; the clear value goes no further. */
    private Object maskedForm(int index) throws SQLException {
        Object raw = textual[index] ? resultSet.getString(index) : resultSet.getObject(index);
        boolean masksIt = raw != null || masks[index].hidesNull();
        Object form = masksIt ? StrategyCalls.mask(strategies[index], raw) : null;
        // a NULL masked too is counted too: a count of the non-NULL ones would tell the audit which were NULL
        if (masksIt && countedAtRow[index] != rows) {
            countedAtRow[index] = rows;
            values[index]++;
        }
        maskedRead = true;
        lastWasNull = form == null;
        return form;
    }

    @Override
    int column(String label) throws SQLException {
        Integer result = indexes.get(label);
        if (result == null) {
            result = resultSet.findColumn(label);
            indexes.put(label, result);
        }
        return result;
    }

    @Override
    void refuseUpdate(int index) throws SQLException {
        if (masks(index)) {
            throw new PolicyDeniedException(Enforcer.MASKING_RULE, "Governed refused to update column "
                    + masks[index].column() + " through the result set: it is masked for you, so you may not write"
                    + " values you cannot read. Use an UPDATE statement if your policy allows it.");
        }
    }

    @Override
    Object governed(Object value) {
        return Unwrapping.governed(value, owner, allowUnwrap());
    }

    /* Clear columns' arrays and LOBs: the same escape routes as on GovernedResultSet (raw connection). */
    @Override
    public Array getArray(int columnIndex) throws SQLException {
        return GovernedArray.of(super.getArray(columnIndex), owner, allowUnwrap());
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        return GovernedArray.of(super.getArray(columnLabel), owner, allowUnwrap());
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        return GovernedResultSet.notALargeObject(super.getBlob(columnIndex));
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return GovernedResultSet.notALargeObject(super.getBlob(columnLabel));
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        return GovernedResultSet.notALargeObject(super.getClob(columnIndex));
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return GovernedResultSet.notALargeObject(super.getClob(columnLabel));
    }

    /*
     * An updatable result set writes rows without a statement Governed could judge: a SELECT the
     * policy allows would become the UPDATE, INSERT or DELETE it denies. Row changes are refused.
     */
    @Override
    public void insertRow() throws SQLException {
        throw GovernedResultSet.rowChangeRefused("insertRow");
    }

    @Override
    public void updateRow() throws SQLException {
        throw GovernedResultSet.rowChangeRefused("updateRow");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw GovernedResultSet.rowChangeRefused("deleteRow");
    }

    private boolean allowUnwrap() {
        return owner != null && owner.governance.allowUnwrap;
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws SQLException {
        return MaskedResults.scrub(admission, resultSet.getWarnings());
    }

    @Override
    public boolean wasNull() throws SQLException {
        return maskedRead ? lastWasNull : resultSet.wasNull();
    }

    @Override
    public boolean next() throws SQLException {
        boolean result;
        try {
            result = resultSet.next();
        } catch (SQLException e) {
            throw MaskedResults.scrub(admission, e);
        }
        if (result) {
            rows++;
            if (summary != null) {
                summary.row(resultSet); // reads the clear columns only
            }
        } else {
            if (summary != null) {
                summary.end();
            }
            report();
        }
        return result;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return new MaskedResultSetMetaData(resultSet.getMetaData(), masks);
    }

    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public void close() throws SQLException {
        try {
            report();
        } finally {
            resultSet.close();
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, resultSet, type, false);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, resultSet, type, false);
    }

    /** Records once how many values were masked; the values themselves never leave this object. */
    @Override
    public void report() throws SQLException {
        if (reported) {
            return;
        }
        reported = true;
        List<AuditEvent.Masking> masking = new ArrayList<>();
        for (int i = 1; i < masks.length; i++) {
            if (masks[i] != null) {
                masking.add(new AuditEvent.Masking(masks[i].column(), masks[i].strategy(), values[i]));
            }
        }
        owner.governance.enforcer.maskedValues(admission, rows, masking, summary == null ? null : summary.finish());
    }
}
