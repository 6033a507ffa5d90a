package dev.governed.service.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.policy.Caller;
import dev.governed.policy.HttpMask;
import dev.governed.policy.HttpRule;
import dev.governed.policy.MaskRule;
import dev.governed.policy.PolicyDocument;
import dev.governed.policy.PolicyDocuments;
import dev.governed.policy.Rule;
import dev.governed.service.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The document that applies to one caller on one resource and environment: the active document with only
 * the rules whose {@code when} matches that caller there, and without masks the caller is exempt from.
 * Evaluating the served document gives the same decision as evaluating the whole one for that caller,
 * and an agent never learns other callers' rules. Rendered documents are cached (bounded) per key.
 */
public final class EffectivePolicies {
    /** A rendered effective document and its entity tag. */
    public record Served(long version, byte[] json, String etag) {}

    /** Every part of the caller a {@code when} can match: subject, groups, the acting party and the represented user. */
    private record Key(long version, String subject, Set<String> groups, String actor, String onBehalfOf, String resource,
                       String environment) {}

    private final PolicyStore store;
    private final Cache<Key, Served> rendered = Caffeine.newBuilder().maximumSize(10_000).build();

    public EffectivePolicies(PolicyStore store) {
        this.store = store;
    }

    public Served effective(Caller caller, String resource, String environment) {
        long version = store.activeVersion().orElseThrow(() -> new ApiException(404, "no_active_policy",
                "no policy is active yet; an administrator uploads one with POST /v1/policies and activates it"));
        Key key = new Key(version, caller.subject(), new TreeSet<>(caller.groups()), caller.actor(), caller.onBehalfOf(),
                resource, environment);
        return rendered.get(key, k -> render(k, caller));
    }

    private Served render(Key key, Caller caller) {
        PolicyDocument whole = store.document(key.version()).orElseThrow(() -> new IllegalStateException(
                "active policy version " + key.version() + " is missing from the policy table"));
        PolicyDocument filtered = filter(whole, caller, key.resource(), key.environment());
        byte[] json = PolicyDocuments.toJson(filtered).getBytes(StandardCharsets.UTF_8);
        String etag = "\"" + key.version() + "-" + PolicyStore.sha256(new String(json, StandardCharsets.UTF_8)).substring(0, 32) + "\"";
        return new Served(key.version(), json, etag);
    }

    static PolicyDocument filter(PolicyDocument document, Caller caller, String resource, String environment) {
        List<Rule> rules = document.rules().stream().filter(r -> r.when().matches(caller, resource, environment)).toList();
        List<MaskRule> masks = document.masks().stream()
                .filter(m -> m.appliesTo(resource))
                .filter(m -> !m.exempts(caller, resource, environment))
                .toList();
        List<HttpRule> http = document.http().stream().filter(r -> r.when().matches(caller, resource, environment)).toList();
        List<HttpMask> httpMasks = document.httpMasks().stream()
                .filter(m -> m.appliesTo(resource))
                .filter(m -> !m.exempts(caller, resource, environment))
                .toList();
        return new PolicyDocument(document.version(), document.defaultEffect(), rules, masks, http, httpMasks);
    }
}
