package dev.governed.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * One audited action, in the shape of the audit event contract
 * (docs/audit.md). Values that were masked never appear here.
 *
 * <p>{@code chain} is null until the dispatcher places the event in its stream.
 */
public record AuditEvent(
        String id,
        Instant time,
        Chain chain,
        Actor actor,
        Session session,
        Resource resource,
        Action action,
        DecisionInfo decision,
        List<Masking> masking,
        Outcome outcome) {

    public AuditEvent {
        masking = masking == null ? List.of() : List.copyOf(masking);
    }

    public AuditEvent withChain(Chain newChain) {
        return new AuditEvent(id, time, newChain, actor, session, resource, action, decision, masking, outcome);
    }

    /** Position of the event in its stream; {@code hash} covers the canonical event without {@code hash}. */
    public record Chain(String stream, long seq, String prev, String hash) {}

    /**
     * Who acted; every field but {@code subject} may be null. With RFC 8693 delegation {@code subject} is
     * the acting party, {@code onBehalfOf} the user it acts for and {@code delegation} the actor chain,
     * current actor first; without it {@code delegation} is empty and left out of the JSON, so events
     * without delegation encode (and hash) exactly as before the field existed.
     */
    public record Actor(String subject, List<String> groups, String issuer, String tokenId, String onBehalfOf,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> delegation) {
        public Actor {
            groups = groups == null ? List.of() : List.copyOf(groups);
            delegation = delegation == null ? List.of() : List.copyOf(delegation);
        }

        /** An actor without a delegation chain. */
        public Actor(String subject, List<String> groups, String issuer, String tokenId, String onBehalfOf) {
            this(subject, groups, issuer, tokenId, onBehalfOf, List.of());
        }
    }

    public record Session(String id, String connection) {}

    /** {@code kind} is {@code jdbc} or {@code http}. */
    public record Resource(String name, String kind, String target, String environment) {}

    /**
     * {@code kind} is {@code sql} or {@code http}; {@code statement} may have literals redacted. {@code parameters}
     * are a prepared statement's bound values in order, as {@code governed.audit.parameters} allows; empty, and then
     * left out of the JSON (events without them encode and hash as before the field existed), when there are none
     * or none are recorded. {@code batch} holds the parameter sets of an executed batch instead; null, and then left
     * out of the JSON, for anything but a recorded batch.
     */
    public record Action(String kind, String operation, String statement, String fingerprint, List<String> tables,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Parameter> parameters,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Batch batch) {
        public Action {
            tables = tables == null ? List.of() : List.copyOf(tables);
            parameters = parameters == null ? List.of() : List.copyOf(parameters);
        }

        /** An action without a recorded batch. */
        public Action(String kind, String operation, String statement, String fingerprint, List<String> tables,
                      List<Parameter> parameters) {
            this(kind, operation, statement, fingerprint, tables, parameters, null);
        }

        /** An action without recorded parameters. */
        public Action(String kind, String operation, String statement, String fingerprint, List<String> tables) {
            this(kind, operation, statement, fingerprint, tables, List.of(), null);
        }
    }

    /**
     * One bound parameter: its {@code type} ({@code dev.governed.audit.recording.CanonicalValue}) and either its
     * {@code value} as text, or the hex SHA-256 of that text, or neither when withheld. {@code name} is the name it
     * was bound by on a {@code CallableStatement}; null, and left out of the JSON, for a parameter bound by position.
     * Components are in name order, which is also the canonical (RFC 8785) order.
     */
    @JsonPropertyOrder({"name", "sha256", "type", "value"})
    public record Parameter(String sha256, String type, String value,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String name) {

        /** A parameter bound by position. */
        public Parameter(String sha256, String type, String value) {
            this(sha256, type, value, null);
        }

        /** The same parameter as bound by {@code parameterName}. */
        public Parameter named(String parameterName) {
            return new Parameter(sha256, type, value, parameterName);
        }
    }

    /**
     * The parameter sets of an executed batch, in the order they were added: {@code sets} is how many there were,
     * {@code parameters} the first of them, each like {@link Action#parameters()}. Fewer recorded than there were
     * ({@link #capped()}) means the batch cannot be replayed: the rest were not kept, so the event stays small.
     */
    @JsonPropertyOrder({"parameters", "sets"})
    public record Batch(List<List<Parameter>> parameters, int sets) {
        public Batch {
            parameters = parameters == null ? List.of() : parameters.stream().map(List::copyOf).toList();
        }

        /** Whether sets were left out: the batch had more than were recorded. */
        public boolean capped() {
            return parameters.size() < sets;
        }
    }

    /**
     * The summary of a result set as the caller saw it, in the follow-up event recorded when it was closed or read to
     * its end: {@code event} is the id of the statement's own event, {@code complete} whether every row was read,
     * {@code digest} the hex SHA-256 of the rows read ({@code dev.governed.audit.recording.RowDigest}) and
     * {@code masked} the 1-based result columns that were masked (the digest covers only that they were).
     * {@code unorderedDigest} is the digest of the same rows as a multiset, recorded for a statement without a
     * top-level {@code ORDER BY} (whose row order is the database's choice); null, and left out of the JSON, otherwise.
     */
    @JsonPropertyOrder({"complete", "digest", "event", "masked", "unorderedDigest"})
    public record Result(boolean complete, String digest, String event, List<Integer> masked,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String unorderedDigest) {
        public Result {
            masked = masked == null ? List.of() : List.copyOf(masked);
        }

        /** A result summary of an ordered result. */
        public Result(boolean complete, String digest, String event, List<Integer> masked) {
            this(complete, digest, event, masked, null);
        }
    }

    /** {@code effect} is allow, deny or approve; {@code approval} the approval id, when one was involved. */
    public record DecisionInfo(String effect, String rule, String reason, Long policyVersion, String approval) {}

    /** One masked column: its strategy and how many values were masked. */
    public record Masking(String column, String strategy, long values) {}

    /**
     * {@code status} is ok, denied, error, or read (the follow-up event of a result set); {@code rows} may be null
     * when unknown. {@code result} is null, and left out of the JSON, unless {@code governed.audit.results=digest}.
     */
    public record Outcome(String status, Long rows, long durationMicros, String error,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Result result) {

        /** An outcome without a result summary. */
        public Outcome(String status, Long rows, long durationMicros, String error) {
            this(status, rows, durationMicros, error, null);
        }
    }
}
