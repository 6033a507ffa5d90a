package dev.governed.jdbc;

import dev.governed.core.identity.Identity;
import dev.governed.jdbc.mask.MaskPlan;
import dev.governed.jdbc.sql.StatementAnalysis;
import dev.governed.policy.Decision;
import dev.governed.policy.SqlStatementFacts;
import java.util.List;

/**
 * An allowed statement on its way to the database, with what its audit event needs.
 *
 * @param masks    how its result set is masked for this caller; {@link MaskPlan#NONE} when no mask applies
 * @param approval the id of the approval that released it, or null
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
        String approval) {}
