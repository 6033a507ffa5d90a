package dev.governed.policy;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed and validated policy document (see docs/policy.md).
 * Build one with {@link PolicyDocuments#parse(String, String)}; evaluate it with
 * {@link CompiledPolicy#compile(PolicyDocument)}.
 *
 * @param version       the revision, echoed in every audit event
 * @param defaultEffect {@code defaults.effect}: what happens when no rule matches (allow or deny)
 */
public record PolicyDocument(
        long version,
        Effect defaultEffect,
        List<Rule> rules,
        List<MaskRule> masks,
        List<HttpRule> http,
        List<HttpMask> httpMasks) {

    public PolicyDocument {
        Objects.requireNonNull(defaultEffect, "defaultEffect");
        if (defaultEffect == Effect.APPROVE) {
            throw new IllegalArgumentException("defaults.effect must be allow or deny");
        }
        rules = List.copyOf(rules);
        masks = List.copyOf(masks);
        http = List.copyOf(http);
        httpMasks = List.copyOf(httpMasks);
        Set<String> ids = new HashSet<>();
        rules.forEach(each -> requireUniqueId(ids, each.id()));
        http.forEach(each -> requireUniqueId(ids, each.id()));
    }

    /** Decisions and audit events name rules by id, so an id must say which rule decided. */
    private static void requireUniqueId(Set<String> ids, String id) {
        if (id.equals("default")) {
            throw new IllegalArgumentException("rule id \"default\" is reserved for decisions made by defaults.effect");
        }
        if (!ids.add(id)) {
            throw new IllegalArgumentException("duplicate rule id \"" + id + "\"");
        }
    }

    /** A document with SQL rules only. */
    public static PolicyDocument of(long version, Effect defaultEffect, List<Rule> rules) {
        return new PolicyDocument(version, defaultEffect, rules, List.of(), List.of(), List.of());
    }

    /** The SQL rule with this id, e.g. to read the {@link Approval} behind a {@link Decision.Approve}. */
    public Optional<Rule> rule(String id) {
        for (Rule each : rules) {
            if (each.id().equals(id)) {
                return Optional.of(each);
            }
        }
        return Optional.empty();
    }

    /** The HTTP rule with this id. */
    public Optional<HttpRule> httpRule(String id) {
        for (HttpRule each : http) {
            if (each.id().equals(id)) {
                return Optional.of(each);
            }
        }
        return Optional.empty();
    }
}
