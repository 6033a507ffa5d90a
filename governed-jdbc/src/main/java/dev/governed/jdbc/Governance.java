package dev.governed.jdbc;

import dev.governed.core.engine.Engine;
import dev.governed.core.identity.TokenSource;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.jdbc.internal.mask.Masking;
import dev.governed.jdbc.internal.sql.StatementAnalysis;
import java.util.function.Function;

/**
 * What every connection of one governed datasource shares: how statements are analysed, how callers' tokens
 * are verified, and the {@link Engine} that decides, masks and records evidence.
 */
final class Governance implements AutoCloseable {

    final Function<String, StatementAnalysis> analyzer;
    /** The statement text an audit event carries: as written, or with its literals replaced by {@code ?}. */
    final Function<String, String> auditedText;
    /**
     * The text of a statement that touches a column masked for its caller, whatever {@link #auditedText} says: a
     * literal compared with such a column ({@code WHERE ssn = '123-45-6789'}) may be the very value the mask hides.
     */
    final Function<String, String> maskedStatementText = GovernanceFactory::withoutLiterals;
    final TokenVerifier verifier;
    /** The process's own token source when {@code governed.token.provider} is set; otherwise null. */
    final TokenSource provider;
    final Engine engine;
    final Target target;
    final boolean allowUnwrap;
    final Enforcer enforcer;
    final Masking masking = new Masking();
    /** Asks the enforcement service about statements that need approval; null when none is configured (they are denied). */
    final ApprovalStep approvals;
    /** Functions the database holds besides its vendor's built-ins, which a call by a built-in's name may reach. */
    final UserFunctions userFunctions = new UserFunctions();
    /** What events keep for a replay: parameters, result digests. */
    final Recording recording;

    Governance(
            Function<String, StatementAnalysis> analyzer,
            Function<String, String> auditedText,
            TokenVerifier verifier,
            TokenSource provider,
            Engine engine,
            Target target,
            boolean allowUnwrap,
            ApprovalStep approvals,
            Recording recording) {
        this.recording = recording;
        this.analyzer = analyzer;
        this.auditedText = auditedText;
        this.verifier = verifier;
        this.provider = provider;
        this.engine = engine;
        this.target = target;
        this.allowUnwrap = allowUnwrap;
        this.approvals = approvals;
        this.enforcer = new Enforcer(this);
    }

    /** Flushes the audit trail, then releases whatever the configuration opened. */
    @Override
    public void close() {
        engine.close();
    }
}
