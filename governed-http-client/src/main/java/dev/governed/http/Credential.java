package dev.governed.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The credential Governed adds to every request of one resource ({@code governed.http.credentials.<resource>}):
 * {@code bearer:<secret>}, {@code basic:<user>:<secret>} or {@code header:<Name>:<secret>}, the secret
 * read from {@code env:VAR} or {@code file:/path} (re-read at most every ten seconds), or released for the
 * caller by the enforcement service's connection profile {@code service:<profile>} ({@code basic:service:<profile>}
 * takes the profile's user too). The secret never appears in a message, an audit event or {@link #toString}.
 */
final class Credential {

    static final String PREFIX = "governed.http.credentials.";
    private static final long FILE_RECHECK_NANOS = 10_000_000_000L;
    private static final String SERVICE = "service:";
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final String header;
    private final String scheme;
    private final String user;
    private final String secretLocation;
    private final Function<String, String> environment;
    private Resources.Resource resource;
    private ServiceSecrets service;
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

    /**
     * @param service where {@code service:<profile>} secrets come from; null when {@code governed.policy} is no
     *                enforcement service
     */
    static Credential parse(Resources.Resource resource, String text, Function<String, String> environment,
                            ServiceSecrets service) {
        String setting = PREFIX + resource.name();
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : text.substring(colon + 1);
        Credential result = switch (kind) {
            case "bearer" -> new Credential("Authorization", "Bearer", null, rest, environment);
            case "basic" -> {
                if (rest.startsWith(SERVICE) && rest.indexOf(':', SERVICE.length()) < 0) {
                    yield new Credential("Authorization", "Basic", null, rest, environment);
                }
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
        if (result.secretLocation.equals("service") || result.secretLocation.startsWith(SERVICE)) {
            String profile = result.secretLocation.substring(Math.min(SERVICE.length(), result.secretLocation.length()));
            if (!PROFILE.matcher(profile).matches()) {
                throw new IllegalArgumentException(setting + ": expected service:<profile>, the name of the enforcement"
                        + " service's connection profile holding the secret");
            }
            if (service == null) {
                throw new IllegalArgumentException(setting + ": service:" + profile + " needs the enforcement service;"
                        + " set governed.policy to its URL, e.g. https://governed.example.com");
            }
            result.resource = resource;
            result.service = service;
            return result; // released per caller, so first asked for at the first request
        }
        if (!result.secretLocation.startsWith("env:") && !result.secretLocation.startsWith("file:")) {
            throw new IllegalArgumentException(setting + ": the secret must be env:VAR or file:/path, or"
                    + " service:<profile>, so it never sits in configuration");
        }
        result.value(null); // a missing secret fails at wrap, not at the first request
        return result;
    }

    /** The header this credential occupies; an agent's own value for it is refused. */
    String header() {
        return header;
    }

    /**
     * The header value to send for the caller holding {@code callerToken}.
     *
     * @throws IllegalStateException when the secret is unavailable, saying why without it
     */
    String value(String callerToken) {
        String secret;
        String login = user;
        if (service != null) {
            ServiceSecrets.Released released = released(callerToken);
            secret = released.password();
            if (login == null && "Basic".equals(scheme)) {
                login = released.user();
                if (login == null || login.isEmpty()) {
                    throw new IllegalStateException("connection profile '" + profile() + "' has no user for basic;"
                            + " write basic:<user>:" + secretLocation + " or give the profile a user");
                }
            }
        } else {
            secret = secret();
        }
        if (scheme == null) {
            return secret;
        }
        if (login != null) {
            return "Basic " + Base64.getEncoder().encodeToString((login + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }
        return scheme + " " + secret;
    }

    /** The profile's release, refused unless the profile names exactly this resource's base: a database password never goes to an API. */
    private ServiceSecrets.Released released(String callerToken) {
        ServiceSecrets.Released released = service.release(profile(), callerToken);
        String base;
        try {
            base = Resources.resource(resource.name(), released.url()).base();
        } catch (IllegalArgumentException e) {
            base = null;
        }
        if (!resource.base().equals(base)) {
            // the profile's url is not repeated: a JDBC URL may carry a password in its parameters
            throw new IllegalStateException("connection profile '" + profile() + "' is for another target than the base "
                    + resource.base() + " of " + resource.name()
                    + "; an administrator sets the profile's url to that base, or points " + PREFIX + resource.name()
                    + " at the profile that is");
        }
        return released;
    }

    private String profile() {
        return secretLocation.substring(SERVICE.length());
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
