package dev.governed.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;

/**
 * The credential Governed adds to every request of one resource ({@code governed.http.credentials.<resource>}):
 * {@code bearer:<secret>}, {@code basic:<user>:<secret>} or {@code header:<Name>:<secret>}, the secret
 * read from {@code env:VAR} or {@code file:/path} (re-read at most every ten seconds). The secret never
 * appears in a message, an audit event or {@link #toString}.
 */
final class Credential {

    static final String PREFIX = "governed.http.credentials.";
    private static final long FILE_RECHECK_NANOS = 10_000_000_000L;

    private final String header;
    private final String scheme;
    private final String user;
    private final String secretLocation;
    private final Function<String, String> environment;
    private volatile String cached;
    private volatile long cachedAt;

    private Credential(String header, String scheme, String user, String secretLocation,
                       Function<String, String> environment) {
        this.header = header;
        this.scheme = scheme;
        this.user = user;
        this.secretLocation = secretLocation;
        this.environment = environment;
    }

    static Credential parse(String resource, String text, Function<String, String> environment) {
        String setting = PREFIX + resource;
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        Credential result = switch (kind) {
            case "bearer" -> new Credential("Authorization", "Bearer", null, rest, environment);
            case "basic" -> {
                int split = rest.indexOf(':');
                if (split <= 0) {
                    throw new IllegalArgumentException(setting + ": expected basic:<user>:<secret>");
                }
                yield new Credential("Authorization", "Basic", rest.substring(0, split), rest.substring(split + 1),
                        environment);
            }
            case "header" -> {
                int split = rest.indexOf(':');
                if (split <= 0 || !rest.substring(0, split).matches("[A-Za-z0-9-]+")) {
                    throw new IllegalArgumentException(setting + ": expected header:<Name>:<secret>");
                }
                yield new Credential(rest.substring(0, split), null, null, rest.substring(split + 1), environment);
            }
            default -> throw new IllegalArgumentException(setting + ": expected bearer:<secret>, basic:<user>:<secret>"
                    + " or header:<Name>:<secret>, where <secret> is env:VAR or file:/path");
        };
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(setting + ": the secret is missing");
        }
        if (result.secretLocation.equals("service")) {
            throw new IllegalArgumentException(setting + ": secrets from the enforcement service's connection"
                    + " profiles are not supported by the HTTP client yet; use env:VAR or file:/path");
        }
        if (!result.secretLocation.startsWith("env:") && !result.secretLocation.startsWith("file:")) {
            throw new IllegalArgumentException(setting + ": the secret must be env:VAR or file:/path, so it never"
                    + " sits in configuration");
        }
        result.value(); // a missing secret fails at wrap, not at the first request
        return result;
    }

    /** The header this credential occupies; an agent's own value for it is refused. */
    String header() {
        return header;
    }

    /** The header value to send. */
    String value() {
        String secret = secret();
        if (scheme == null) {
            return secret;
        }
        if (user != null) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }
        return scheme + " " + secret;
    }

    private String secret() {
        if (secretLocation.startsWith("env:")) {
            String name = secretLocation.substring(4);
            String value = environment.apply(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("the environment variable " + name + " holding a credential is not set");
            }
            return value.strip();
        }
        String value = cached;
        long now = System.nanoTime();
        if (value == null || now - cachedAt > FILE_RECHECK_NANOS) {
            Path file = Path.of(secretLocation.substring(5));
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException("the credential file " + file + " cannot be read: " + e.getMessage());
            }
            if (value.isEmpty()) {
                throw new IllegalStateException("the credential file " + file + " is empty");
            }
            cached = value;
            cachedAt = now;
        }
        return value;
    }

    @Override
    public String toString() {
        return "Credential[" + header + " from " + secretLocation + "]";
    }
}
