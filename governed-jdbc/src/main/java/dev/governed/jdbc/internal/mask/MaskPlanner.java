package dev.governed.jdbc.internal.mask;

import dev.governed.core.mask.RedactStrategy;
import dev.governed.policy.ColumnPattern;
import dev.governed.policy.MaskRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides, from a statement's cached lineage and the caller's active masks, how its result is
 * masked, or that it must be denied. Over-denying is acceptable; a clear masked value is not.
 */
final class MaskPlanner {

    private static final String ADVICE = " Select the column directly to get its masked form, or ask a policy"
            + " administrator for an exemption.";

    private MaskPlanner() {}

    static MaskPlan plan(List<StatementLineage> lineages, List<ActiveMask> masks) throws MaskDeniedException {
        MaskPlan result = null;
        boolean readsMasked = false;
        boolean nearMasked = false;
        for (StatementLineage each : lineages) {
            readsMasked |= readsMasked(each, masks);
            nearMasked |= nearMasked(each, masks);
        }
        for (StatementLineage each : lineages) {
            check(each, masks);
            if (each.returnsRows()) {
                MaskPlan plan = outputs(each, masks, readsMasked, nearMasked);
                if (result == null) {
                    result = plan;
                } else if (plan.masksRows()) {
                    throw new MaskDeniedException("this text has several statements returning rows and a later one"
                            + " returns masked columns; send it as separate statements.");
                }
            }
        }
        return result == null ? new MaskPlan(new MaskPlan.ColumnMask[1], List.of(), false, masks, readsMasked,
                nearMasked) : result;
    }

    /**
     * Whether a value given to the statement may meet a masked column: every masked column it reads must come out
     * as a plain result column (which a parameter cannot touch); a comparison, an expression or any other read of
     * one may involve a parameter. Comparisons are the lineage's {@code uses}, the same tracking that denies them.
     */
    private static boolean nearMasked(StatementLineage lineage, List<ActiveMask> masks) {
        Set<SourceColumn> plain = new java.util.HashSet<>();
        for (OutputColumn output : lineage.outputs()) {
            for (Flow flow : output.flows()) {
                if (flow.kind() == Flow.Kind.DIRECT) {
                    plain.add(flow.source());
                } else if (ActiveMask.find(masks, flow.source()) != null) {
                    return true;
                }
            }
        }
        for (Use each : lineage.uses()) {
            if (ActiveMask.find(masks, each.source()) != null) {
                return true;
            }
        }
        for (SourceColumn each : lineage.reads()) {
            if (!plain.contains(each) && ActiveMask.find(masks, each) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean readsMasked(StatementLineage lineage, List<ActiveMask> masks) {
        for (SourceColumn each : lineage.reads()) {
            if (ActiveMask.find(masks, each) != null) {
                return true;
            }
        }
        return false;
    }

    private static void check(StatementLineage lineage, List<ActiveMask> masks) throws MaskDeniedException {
        if (lineage.opaqueReason() != null) {
            throw new MaskDeniedException("masks apply to you on this datasource, and Governed cannot trace where the"
                    + " data of this statement goes: " + lineage.opaqueReason() + ". Rewrite it in plain SQL over"
                    + " the tables you need.");
        }
        if (!lineage.unknownFunctions().isEmpty()) {
            throw new MaskDeniedException("masks apply to you on this datasource, and function "
                    + lineage.unknownFunctions().iterator().next() + " is not one Governed knows to read only its"
                    + " arguments (a user-defined function may read masked columns). Use built-in functions.");
        }
        if (!lineage.unresolved().isEmpty()) {
            throw new MaskDeniedException("masks apply to you on this datasource, and Governed could not resolve "
                    + lineage.unresolved().get(0) + " to a table column, so it cannot tell whether it is masked."
                    + " Qualify it with its table.");
        }
        for (Use each : lineage.uses()) {
            ActiveMask mask = ActiveMask.find(masks, each.source());
            if (mask == null) {
                continue;
            }
            if (!(each.equality() && mask.rule().allowEquality())) {
                throw new MaskDeniedException("column " + each.source() + " is masked for you, and this statement"
                        + " uses it in " + each.clause() + ", which reveals its values through the rows returned"
                        + " (or through whether the statement fails)."
                        + (mask.rule().allowEquality() ? " Only = and IN comparisons are allowed on it." : "")
                        + " Remove it from " + each.clause() + ".");
            }
        }
        for (Flow each : lineage.copies()) {
            if (ActiveMask.find(masks, each.source()) != null) {
                throw new MaskDeniedException("column " + each.source() + " is masked for you, and this statement"
                        + " copies it into a table or view where it would be readable in the clear.");
            }
        }
        // the safety net: a masked column's name in the text that the lineage walk never resolved
        for (ActiveMask mask : masks) {
            for (ColumnPattern pattern : mask.rule().columns()) {
                String column = pattern.segments().get(pattern.segments().size() - 1);
                if (!"*".equals(column) && lineage.untracedNames().contains(column)) {
                    throw new MaskDeniedException("masked column name " + column + " appears in this statement where"
                            + " Governed could not trace it. Rewrite the statement so it reads plainly.");
                }
            }
        }
    }

    private static MaskPlan outputs(StatementLineage lineage, List<ActiveMask> masks, boolean readsMasked,
                                    boolean nearMasked) throws MaskDeniedException {
        List<OutputColumn> outputs = lineage.outputs();
        MaskPlan.ColumnMask[] byIndex = new MaskPlan.ColumnMask[outputs.size() + 1];
        List<String> labels = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            OutputColumn output = outputs.get(i);
            labels.add(output.label());
            byIndex[i + 1] = column(output, i + 1, masks);
        }
        return new MaskPlan(byIndex, labels, lineage.usesCatalog(), masks, readsMasked, nearMasked);
    }

    private static MaskPlan.ColumnMask column(OutputColumn output, int position, List<ActiveMask> masks)
            throws MaskDeniedException {
        Set<String> sources = new LinkedHashSet<>();
        ActiveMask direct = null;
        boolean mixed = false;
        boolean derived = false;
        for (Flow flow : output.flows()) {
            ActiveMask mask = ActiveMask.find(masks, flow.source());
            if (mask == null) {
                continue;
            }
            sources.add(flow.source().toString());
            String name = flow.source() + " (output column " + position + ")";
            switch (flow.kind()) {
                case WHOLE_ROW -> throw new MaskDeniedException("a whole-row value in output column " + position
                        + " carries masked column " + flow.source() + ". Select the columns you need instead.");
                case DERIVED -> {
                    if (mask.rule().onDerived() == MaskRule.OnDerived.DENY) {
                        throw new MaskDeniedException("column " + name + " is masked for you and feeds an expression"
                                + " here; its mask says onDerived: deny." + ADVICE);
                    }
                    derived = true;
                }
                case DIRECT -> {
                    if (direct != null && direct != mask) {
                        mixed = true;
                    }
                    direct = mask;
                }
            }
        }
        if (sources.isEmpty()) {
            return null;
        }
        String column = String.join(",", sources);
        if (derived || mixed) {
            return new MaskPlan.ColumnMask(column, "redact", RedactStrategy.WHOLE, true);
        }
        return new MaskPlan.ColumnMask(column, direct.rule().strategy(), direct.strategy());
    }
}
