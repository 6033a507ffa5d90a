package dev.governed.jdbc.internal.mask;

import dev.governed.core.mask.MaskStrategy;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What masking does to one execution's result set: the masked columns by 1-based index, the
 * labels the analysis expects (checked against the driver's metadata so a stale or wrong
 * expansion fails closed instead of masking the wrong column), and the caller's active masks.
 */
public final class MaskPlan {

    /** The plan when no mask applies to the caller: nothing to do, nothing to check. */
    public static final MaskPlan NONE = new MaskPlan(new ColumnMask[1], List.of(), false, List.of(), false);

    /**
     * How one result column is masked.
     *
     * @param column   the masked source column(s), for messages and audit
     * @param strategy the strategy's type key, for audit
     * @param hidesNull whether a NULL is masked too: a value computed from a masked column is NULL or not
     *                  depending on the hidden value ({@code NULLIF(ssn, '123-45-6789')},
     *                  {@code CASE WHEN ssn LIKE '1%' THEN 'x' END}), so its NULL would answer the question
     */
    public record ColumnMask(String column, String strategy, MaskStrategy masker, boolean hidesNull) {

        public ColumnMask(String column, String strategy, MaskStrategy masker) {
            this(column, strategy, masker, false);
        }
    }

    private final ColumnMask[] byIndex;
    private final List<String> labels;
    private final boolean verify;
    private final List<ActiveMask> active;
    private final boolean masksRows;
    private final boolean scrubsErrors;
    private final boolean nearMasked;

    MaskPlan(ColumnMask[] byIndex, List<String> labels, boolean verify, List<ActiveMask> active,
             boolean readsMasked) {
        this(byIndex, labels, verify, active, readsMasked, readsMasked);
    }

    MaskPlan(ColumnMask[] byIndex, List<String> labels, boolean verify, List<ActiveMask> active,
             boolean readsMasked, boolean nearMasked) {
        this.nearMasked = nearMasked;
        this.byIndex = byIndex;
        this.labels = labels;
        this.verify = verify;
        this.active = List.copyOf(active);
        boolean any = false;
        for (ColumnMask each : byIndex) {
            any |= each != null;
        }
        this.masksRows = any;
        this.scrubsErrors = any || readsMasked;
    }

    /** A plan masking the given columns (1-based, entry 0 unused) without label checks: generated keys. */
    public static MaskPlan of(ColumnMask[] byIndex, List<ActiveMask> active) {
        return new MaskPlan(byIndex.clone(), java.util.Collections.nCopies(byIndex.length - 1, null), false, active,
                true);
    }

    /**
     * Whether the statement reads a masked column anywhere (also where its value does not come out):
     * the database's messages about it (errors, warnings) may quote a value, so they are withheld.
     */
    public boolean scrubsErrors() {
        return scrubsErrors;
    }

    /**
     * Whether a value the statement is given (a bound parameter) may meet a masked column: it compares, filters,
     * sorts or groups by one, computes an expression from one, or reads one other than as a plain result column.
     * Such parameters are never recorded in the clear.
     */
    public boolean nearMasked() {
        return nearMasked;
    }

    /** Whether any result column is masked: only then is the result set wrapped for masking. */
    public boolean masksRows() {
        return masksRows;
    }

    /** Whether the result's columns must be checked against {@link #verify}. */
    public boolean needsVerification() {
        return verify || masksRows;
    }

    /** Masks by 1-based column index, entry 0 unused, null for clear columns. */
    public ColumnMask[] columns() {
        return byIndex.clone();
    }

    public List<ActiveMask> active() {
        return active;
    }

    /** The masked columns, in result order. */
    public List<ColumnMask> masked() {
        List<ColumnMask> result = new ArrayList<>();
        for (ColumnMask each : byIndex) {
            if (each != null) {
                result.add(each);
            }
        }
        return result;
    }

    /**
     * Checks the driver's result columns against the analysis.
     *
     * @throws MaskDeniedException when they differ: masking by position would be unsound
     */
    public void verify(ResultSetMetaData metaData) throws SQLException, MaskDeniedException {
        int count = metaData.getColumnCount();
        if (count != labels.size()) {
            throw new MaskDeniedException("the result has " + count + " columns where Governed's analysis expected "
                    + labels.size() + " (has a table changed?), so it cannot tell which columns to mask");
        }
        for (int i = 0; i < count; i++) {
            String expected = labels.get(i);
            if (expected != null && !expected.equals(metaData.getColumnLabel(i + 1).toLowerCase(Locale.ROOT))) {
                throw new MaskDeniedException("result column " + (i + 1) + " is " + metaData.getColumnLabel(i + 1)
                        + " where Governed's analysis expected " + expected
                        + ", so it cannot tell which columns to mask");
            }
        }
    }
}
