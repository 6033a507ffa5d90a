package dev.governed.jdbc.internal.mask;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.core.mask.ConfiguredStrategies;
import dev.governed.core.mask.MaskConfiguration;
import dev.governed.core.mask.MaskStrategy;
import dev.governed.policy.Caller;
import dev.governed.policy.MaskRule;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Masking for one datasource: which masks apply to a caller, and the plan for one statement.
 * Callers with no active mask cost one list scan and nothing else; for the others the
 * statement's lineage is computed once per exact text and schema (never per literal-free
 * fingerprint: a literal's value can decide whether a computation may fail, as {@code (ARRAY[a])[1]}
 * and {@code (ARRAY[a])[2]} on H2), and each execution only matches it against the active masks.
 */
public final class Masking {

    private final String resource;
    private final String environment;
    private final ConfiguredStrategies strategies;
    private final MetadataCatalog catalog = new MetadataCatalog();
    private final Cache<String, List<StatementLineage>> lineages =
            Caffeine.newBuilder().maximumWeight(10_000).expireAfterWrite(MetadataCatalog.TTL)
                    // keyed by the whole text: a long one weighs one unit per KiB, so memory stays bounded
                    .weigher((String key, List<StatementLineage> value) -> 1 + key.length() / 1024).build();

    public Masking(MaskConfiguration configuration, String resource, String environment) {
        this.strategies = new ConfiguredStrategies(configuration);
        this.resource = resource;
        this.environment = environment;
    }

    /** The masks that apply to this caller here, with configured strategies. */
    public List<ActiveMask> active(Caller caller, List<MaskRule> all) throws MaskDeniedException {
        if (all.isEmpty()) {
            return List.of();
        }
        List<ActiveMask> result = new ArrayList<>(all.size());
        for (MaskRule each : all) {
            if (each.appliesTo(resource) && !each.exempts(caller, resource, environment)) {
                result.add(new ActiveMask(each, strategy(each)));
            }
        }
        return result;
    }

    /**
     * The plan for one execution of {@code sql}.
     *
     * @param rules      the masks of the policy in force for this caller
     * @param connection the target connection, ungoverned, for table metadata
     * @throws MaskDeniedException when the statement would reveal a masked column or cannot be traced
     */
    public MaskPlan plan(String sql, String schema, Caller caller, List<MaskRule> rules,
                         Connection connection) throws MaskDeniedException {
        List<ActiveMask> active = active(caller, rules);
        if (active.isEmpty()) {
            return MaskPlan.NONE;
        }
        String key = schema + "\u0000" + sql;
        List<StatementLineage> lineage = lineages.get(key,
                ignored -> new LineageAnalyzer(catalog.on(connection, schema)).analyze(sql));
        return MaskPlanner.plan(lineage, active);
    }

    /** Forgets table columns and lineages, e.g. after DDL or when a result did not match its analysis. */
    public void invalidate() {
        catalog.invalidate();
        lineages.invalidateAll();
    }

    private MaskStrategy strategy(MaskRule rule) throws MaskDeniedException {
        try {
            return strategies.get(rule.strategy(), rule.options());
        } catch (IllegalArgumentException e) {
            throw new MaskDeniedException("the mask on " + rule.columns() + " cannot be applied: " + e.getMessage()
                    + ". Ask a policy administrator to fix the policy.");
        }
    }
}
