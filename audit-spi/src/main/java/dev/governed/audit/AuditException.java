package dev.governed.audit;

/** An audit event that could not be accepted or delivered; the message says why and what to do. */
public class AuditException extends RuntimeException {
    public AuditException(String message) {
        super(message);
    }

    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
