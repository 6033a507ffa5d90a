package dev.governed.core.internal.approval;

import java.util.List;
import java.util.Objects;

/**
 * What a caller asks to run, as a reviewer sees it. The caller's identity is not part of it: the
 * service takes it from the verified token the request is sent with.
 *
 * @param statement       the statement or request text (SQL, or method and path)
 * @param fingerprint     the text with literals replaced, the same for every execution of one statement shape
 * @param parameterDigest hex SHA-256 of the exact text and its bound parameters (see {@link ParameterDigest});
 *                        a once-approval releases only this digest
 * @param reason          why the rule sends it to approval, shown to the reviewer
 * @param login           the database login minted for the caller's session that will run it, or null: the
 *                        service grants an approval's privileges to that login only
 * @param touches         what the statement does to which tables, shown to the reviewer; a once-approval grants the login no more
 */
public record ApprovalRequest(
        String statement,
        String fingerprint,
        String parameterDigest,
        String resource,
        String environment,
        String rule,
        String reason,
        long policyVersion,
        String login,
        List<Touch> touches) {

    /** One operation on one table ({@code schema} null when unknown), e.g. insert on public.orders. */
    public record Touch(String operation, String schema, String table) {
        public Touch {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(table, "table");
        }
    }

    /** A request from a session that runs on no minted login. */
    public ApprovalRequest(String statement, String fingerprint, String parameterDigest, String resource, String environment,
                           String rule, String reason, long policyVersion) {
        this(statement, fingerprint, parameterDigest, resource, environment, rule, reason, policyVersion, null, List.of());
    }

    public ApprovalRequest {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(parameterDigest, "parameterDigest");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(rule, "rule");
        touches = touches == null ? List.of() : List.copyOf(touches);
    }
}
