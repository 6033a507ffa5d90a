package dev.governed.core.internal.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The enforcement service's approvals API ({@code /v1/approvals}), called with the caller's own token:
 * the service takes the requester from it, never from the body. Transport only; {@link ApprovalGate} decides.
 */
public final class ApprovalClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI service;
    private final Duration timeout;

    public ApprovalClient(URI service, Duration timeout) {
        this(HttpClient.newBuilder().connectTimeout(timeout).build(), service, timeout);
    }

    public ApprovalClient(HttpClient http, URI service, Duration timeout) {
        this.http = Objects.requireNonNull(http);
        this.service = Objects.requireNonNull(service);
        this.timeout = Objects.requireNonNull(timeout);
    }

    public URI service() {
        return service;
    }

    /** The page where approvers decide {@code id}. */
    public URI reviewerUrl(String id) {
        return service.resolve("/approvals#" + id);
    }

    /** Creates the request, or finds the caller's identical pending request or live grant (HTTP 200). */
    public ApprovalState request(ApprovalRequest request, String token) throws ApprovalUnavailable {
        ObjectNode body = JSON.createObjectNode()
                .put("statement", request.statement())
                .put("fingerprint", request.fingerprint())
                .put("parameterDigest", request.parameterDigest())
                .put("resource", request.resource())
                .put("environment", request.environment())
                .put("rule", request.rule())
                .put("reason", request.reason())
                .put("policyVersion", request.policyVersion());
        if (request.login() != null) {
            body.put("login", request.login());
        }
        if (!request.touches().isEmpty()) { // shown to the reviewer; granted only to a minted login
            var touches = body.putArray("touches");
            request.touches().forEach(each -> touches.addObject().put("operation", each.operation()).put("schema", each.schema())
                    .put("table", each.table()));
        }
        return send(HttpRequest.newBuilder(service.resolve("/v1/approvals"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/json"), token, timeout, "ask for approval");
    }

    public ApprovalState get(String id, String token) throws ApprovalUnavailable {
        return send(HttpRequest.newBuilder(service.resolve("/v1/approvals/" + id)).GET(), token, timeout, "read approval " + id);
    }

    /** Long poll: answers once {@code id} is decided, or after {@code wait} with it still pending. */
    public ApprovalState await(String id, String token, Duration wait) throws ApprovalUnavailable {
        long seconds = Math.max(1, wait.toSeconds());
        return send(HttpRequest.newBuilder(service.resolve("/v1/approvals/" + id + "/wait?timeout=" + seconds)).GET(), token,
                timeout.plusSeconds(seconds), "wait for approval " + id);
    }

    /**
     * Uses a once-approval for one execution; the service answers 409 when it was used, revoked or expired
     * meanwhile, which comes back as an empty result.
     */
    public java.util.Optional<ApprovalState> consume(String id, String token) throws ApprovalUnavailable {
        try {
            return java.util.Optional.of(send(HttpRequest.newBuilder(service.resolve("/v1/approvals/" + id + "/consume"))
                    .POST(HttpRequest.BodyPublishers.noBody()), token, timeout, "use approval " + id));
        } catch (Refused e) {
            if (e.status == 409) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Reports that the statement a once-approval released has run (or failed), so the service revokes what the
     * approval granted the session's login at once instead of at its sweep.
     */
    public ApprovalState complete(String id, String token) throws ApprovalUnavailable {
        return send(HttpRequest.newBuilder(service.resolve("/v1/approvals/" + id + "/complete"))
                .POST(HttpRequest.BodyPublishers.noBody()), token, timeout, "report the use of approval " + id);
    }

    /** The service answered with an error (4xx): the request itself is wrong, so retrying does not help. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private ApprovalState send(HttpRequest.Builder request, String token, Duration limit, String what) throws ApprovalUnavailable {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(limit).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApprovalUnavailable("could not " + what + " at the enforcement service " + service + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApprovalUnavailable("interrupted while trying to " + what, e);
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 500 || (body == null && status < 300)) {
            throw new ApprovalUnavailable("could not " + what + ": the enforcement service " + service + " answered HTTP " + status
                    + (body != null && body.hasNonNull("message") ? " (" + body.get("message").asText() + ")" : ""));
        }
        if (status >= 300) {
            String message = body != null && body.hasNonNull("message") ? body.get("message").asText() : response.body();
            throw new Refused(status, "could not " + what + ": " + message);
        }
        return state(body);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? null : JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    static ApprovalState state(JsonNode body) {
        String reason = text(body, "reason");
        if ("revoked".equals(text(body, "status")) && body.hasNonNull("revokeReason")) {
            reason = text(body, "revokeReason");
        }
        return new ApprovalState(text(body, "id"), text(body, "status"), text(body, "mode"), text(body, "rule"),
                "revoked".equals(text(body, "status")) ? text(body, "revokedBy") : text(body, "decidedBy"), reason,
                instant(body, "expiresAt"), instant(body, "grantUntil"),
                body.path("approvals").isArray() ? body.path("approvals").size() : 0, body.path("minApprovals").asInt(1));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(JsonNode body, String field) {
        String value = text(body, field);
        return value == null ? null : Instant.parse(value);
    }
}
