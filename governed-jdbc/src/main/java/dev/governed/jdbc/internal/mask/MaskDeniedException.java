package dev.governed.jdbc.internal.mask;

/** A statement masking cannot make safe: it would reveal a masked column, or cannot be traced while masks apply. */
public final class MaskDeniedException extends Exception {
    private static final long serialVersionUID = 1L;

    public MaskDeniedException(String message) {
        super(message, null, false, false);
    }
}
