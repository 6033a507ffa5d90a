package dev.governed.core.internal.approval;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;

/**
 * Turns "this needs approval" into an outcome for one execution. Every gated execution asks the service:
 * a once-approval is used up atomically there, and a window grant that was revoked or ran out stops the
 * very next execution, on any connection. Gated executions are off the allow path, so the round trip
 * costs nothing to statements that need no approval.
 *
 * <p>An identical retry (same identity, text, parameters) finds the same pending request; the gate also
 * remembers the requests it made for a while, so a retry after a denial reports the reviewer's reason
 * once instead of quietly asking again.
 */
public final class ApprovalGate {

    private static final int REMEMBERED = 10_000;

    private final ApprovalClient client;
    private final Duration wait;
    private final Cache<String, String> asked;

    /** @param wait how long one execution waits for a decision (long polls of the service); zero answers pending at once */
    public ApprovalGate(ApprovalClient client, Duration wait) {
        this.client = Objects.requireNonNull(client);
        this.wait = wait.isNegative() ? Duration.ZERO : wait;
        this.asked = Caffeine.newBuilder().maximumSize(REMEMBERED).expireAfterWrite(Duration.ofHours(1)).build();
    }

    public ApprovalClient client() {
        return client;
    }

    /**
     * @param caller the requester's identity key (subject and who it acts for), which the token proves to the service
     * @throws ApprovalUnavailable when the service cannot be reached; nothing may run then
     */
    public ApprovalOutcome pass(ApprovalRequest request, String caller, String token) throws ApprovalUnavailable {
        String key = caller + '\u0000' + request.resource() + '\u0000' + request.environment() + '\u0000' + request.rule() + '\u0000'
                + request.parameterDigest() + '\u0000' + request.login();
        String remembered = asked.getIfPresent(key);
        if (remembered != null) {
            ApprovalState earlier;
            try {
                earlier = client.get(remembered, token);
            } catch (ApprovalClient.Refused gone) {
                earlier = null; // e.g. the service's database was replaced: ask afresh
                asked.invalidate(key);
            }
            if (earlier != null && (earlier.is("denied") || earlier.is("revoked") && !"window".equals(earlier.mode()))) {
                asked.invalidate(key);
                return new ApprovalOutcome.Denied(earlier.id(), earlier);
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (int attempt = 0; ; attempt++) {
            ApprovalState state = client.request(request, token);
            asked.put(key, state.id());
            if (state.is("pending") && System.nanoTime() - deadline < 0) {
                state = client.await(state.id(), token, Duration.ofNanos(deadline - System.nanoTime()));
            }
            switch (state.status()) {
                case "approved" -> {
                    if (!"once".equals(state.mode())) {
                        return new ApprovalOutcome.Granted(state.id(), state);
                    }
                    var used = client.consume(state.id(), token);
                    if (used.isPresent()) {
                        asked.invalidate(key);
                        return new ApprovalOutcome.Granted(state.id(), used.get());
                    }
                    // used, revoked or expired between the two calls: ask again (a new request)
                }
                case "pending" -> {
                    return new ApprovalOutcome.Pending(state.id(), client.reviewerUrl(state.id()), state);
                }
                case "denied", "revoked" -> {
                    asked.invalidate(key);
                    return new ApprovalOutcome.Denied(state.id(), state);
                }
                default -> {
                    // expired or consumed while we waited: a new request is needed
                }
            }
            if (attempt >= 2) {
                ApprovalState latest = client.request(request, token);
                return new ApprovalOutcome.Pending(latest.id(), client.reviewerUrl(latest.id()), latest);
            }
        }
    }
}
