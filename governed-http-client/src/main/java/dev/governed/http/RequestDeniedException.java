package dev.governed.http;

import java.io.IOException;

/**
 * Governed refused an HTTP request (or its response): the rule that decided and why. A refused
 * request was never sent; a refused response was never handed over unmasked.
 */
public final class RequestDeniedException extends IOException {

    private final String rule;

    public RequestDeniedException(String rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** The policy rule, or the built-in check ({@code unlisted-resource}, {@code ambiguous-path}, …), that refused. */
    public String rule() {
        return rule;
    }
}
