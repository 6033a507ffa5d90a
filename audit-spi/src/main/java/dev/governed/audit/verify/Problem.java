package dev.governed.audit.verify;

/**
 * One finding of the verifier, located at a line of an audit file.
 *
 * @param line 1-based line number, or 0 when the finding concerns a whole file or stream
 */
public record Problem(String file, long line, String stream, String reason) {

    public String location() {
        return line > 0 ? file + ":" + line : file;
    }

    @Override
    public String toString() {
        return location() + ": " + reason;
    }
}
