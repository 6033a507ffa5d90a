package dev.governed.service.cli;

/**
 * A failure the command line reports as one line on stderr ({@code governed: <problem>; <what to do>}) with
 * the exit code of its kind. Never carries a stack trace: these are the user's mistakes or the world's state.
 */
final class CliException extends RuntimeException {

    /** Exit codes; 1–3 also mean what {@code audit verify} found (failed / tampered, usage, not proven). */
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NO_FILE = 4;
    static final int UNREACHABLE = 5;
    static final int REFUSED = 6;
    static final int SERVICE_ERROR = 7;
    static final int INTERNAL = 70;

    private final int exitCode;

    CliException(String message) {
        this(FAILED, message);
    }

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** A file the user named that cannot be read. */
    static CliException unreadable(String what, java.nio.file.Path file, java.io.IOException cause) {
        String problem = cause instanceof java.nio.file.NoSuchFileException ? "does not exist"
                : cause instanceof java.nio.file.AccessDeniedException ? "is not readable (permission denied)"
                : "cannot be read (" + cause.getMessage() + ")";
        return new CliException(NO_FILE, what + " " + file.toAbsolutePath() + " " + problem + "; check the path");
    }
}
