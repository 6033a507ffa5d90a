package dev.governed.core.internal.approval;

/** The enforcement service could not be asked or did not answer; nothing that needed the approval ran. */
public final class ApprovalUnavailable extends Exception {
    public ApprovalUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    public ApprovalUnavailable(String message) {
        super(message);
    }
}
