package dev.governed.policy.source;

import dev.governed.policy.CompiledPolicy;
import dev.governed.policy.PolicyDocument;
import dev.governed.policy.PolicyException;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Creates policy sources from the {@code governed.policy} location syntax. */
public final class PolicySources {
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");
    private static final String SUPPORTED = "a file path, file:<path>, classpath:<resource>";

    private PolicySources() {
    }

    /**
     * Understands a plain path, {@code file:} (path or URI), and {@code classpath:}. Loads the
     * policy immediately.
     *
     * @throws PolicyException when the location is not understood, or the policy cannot be loaded
     */
    public static PolicySource fromLocation(String location) {
        if (location == null || location.isBlank()) {
            throw new PolicyException("No policy location given; expected " + SUPPORTED);
        }
        String trimmed = location.strip();
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("classpath:")) {
            return new ClasspathPolicySource(trimmed.substring("classpath:".length()), null);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            throw new PolicyException("Policy location " + trimmed + " needs the remote policy source, which is not"
                    + " available in this build yet; use " + SUPPORTED);
        }
        if (lower.startsWith("file:")) {
            return new FilePolicySource(filePath(trimmed));
        }
        if (SCHEME.matcher(trimmed).matches()) {
            throw new PolicyException("Unsupported policy location " + trimmed + "; expected " + SUPPORTED);
        }
        try {
            return new FilePolicySource(Path.of(trimmed));
        } catch (InvalidPathException e) {
            throw new PolicyException("Invalid policy path " + trimmed + ": " + e.getMessage(), e);
        }
    }

    /** A source that always returns this document, for programmatic configuration and tests. */
    public static PolicySource fixed(PolicyDocument document) {
        CompiledPolicy policy = CompiledPolicy.compile(Objects.requireNonNull(document, "document"));
        String location = "fixed policy version " + document.version();
        return new PolicySource() {
            @Override
            public String location() {
                return location;
            }

            @Override
            public CompiledPolicy current() {
                return policy;
            }
        };
    }

    private static Path filePath(String location) {
        try {
            // file:/abs and file:///abs are URIs; file:relative/path is taken as a path.
            if (location.startsWith("file:/")) {
                return Path.of(URI.create(location));
            }
            return Path.of(location.substring("file:".length()));
        } catch (IllegalArgumentException e) {
            throw new PolicyException("Invalid policy location " + location + ": " + e.getMessage()
                    + "; expected file:/absolute/path, file:relative/path or a plain path", e);
        }
    }
}
