package dev.governed.policy;

/** A validation problem at a path inside the document; {@link PolicyDocuments} adds the origin. */
final class PolicyProblem extends RuntimeException {
    private final String path;

    PolicyProblem(String path, String problem) {
        super(problem, null, false, false);
        this.path = path;
    }

    String path() {
        return path.isEmpty() ? "(top level)" : path;
    }
}
