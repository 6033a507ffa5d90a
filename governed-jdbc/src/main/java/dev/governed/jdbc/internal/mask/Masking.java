package dev.governed.jdbc.internal.mask;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.policy.MaskRule;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Masking for one datasource: the plan for one statement under the masks the engine found in force for its
 * caller. The statement's lineage is computed once per exact text and schema (never per literal-free
 * fingerprint: a literal's value can decide whether a computation may fail, as {@code (ARRAY[a])[1]} and
 * {@code (ARRAY[a])[2]} on H2), and each execution only matches it against the masks.
 */
public final class Masking {

    private final MetadataCatalog catalog = new MetadataCatalog();
    private final Cache<String, List<StatementLineage>> lineages =
            Caffeine.newBuilder().maximumWeight(10_000).expireAfterWrite(MetadataCatalog.TTL)
                    // keyed by the whole text: a long one weighs one unit per KiB, so memory stays bounded
                    .weigher((String key, List<StatementLineage> value) -> 1 + key.length() / 1024).build();

    private record Converted(List<dev.governed.core.engine.ActiveMask> from, List<ActiveMask> to) {}

    private volatile Converted lastConverted;

    /**
     * The plan for one execution of {@code sql}.
     *
     * @param masks      the masks in force for this caller, as the engine configured them (column masks)
     * @param connection the target connection, ungoverned, for table metadata
     * @throws MaskDeniedException when the statement would reveal a masked column or cannot be traced
     */
    public MaskPlan plan(String sql, String schema, List<dev.governed.core.engine.ActiveMask> masks,
                         Connection connection) throws MaskDeniedException {
        if (masks.isEmpty()) {
            return MaskPlan.NONE;
        }
        List<ActiveMask> active = columnMasks(masks);
        String key = schema + "\u0000" + sql;
        List<StatementLineage> lineage = lineages.get(key,
                ignored -> new LineageAnalyzer(catalog.on(connection, schema)).analyze(sql));
        return MaskPlanner.plan(lineage, active);
    }

    /** The engine hands the same list while the caller and policy stay the same, so one conversion serves them. */
    private List<ActiveMask> columnMasks(List<dev.governed.core.engine.ActiveMask> masks) {
        Converted memo = lastConverted;
        if (memo != null && memo.from() == masks) {
            return memo.to();
        }
        List<ActiveMask> result = new ArrayList<>(masks.size());
        for (dev.governed.core.engine.ActiveMask each : masks) {
            result.add(new ActiveMask((MaskRule) each.rule(), each.strategy()));
        }
        lastConverted = new Converted(masks, List.copyOf(result));
        return lastConverted.to();
    }

    /** Forgets table columns and lineages, e.g. after DDL or when a result did not match its analysis. */
    public void invalidate() {
        catalog.invalidate();
        lineages.invalidateAll();
    }
}
