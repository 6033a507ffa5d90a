package dev.governed.core.approval;

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
 */
public record ApprovalRequest(
        String statement,
        String fingerprint,
        String parameterDigest,
        String resource,
        String environment,
        String rule,
        String reason,
        long policyVersion) {

    public ApprovalRequest {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(parameterDigest, "parameterDigest");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(rule, "rule");
    }
}
