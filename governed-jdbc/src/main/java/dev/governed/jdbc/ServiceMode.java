package dev.governed.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.governed.core.GovernedSettings;
import dev.governed.core.internal.connection.ConnectionProfiles;
import dev.governed.core.identity.TokenProviders;
import dev.governed.core.identity.TokenSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code jdbc:governed://host:port/<connection>}: the enforcement service names the
 * target and mints a short-lived login for this caller and connection (or, for a
 * profile marked static, releases the stored credentials), so the agent's own
 * configuration never holds the database password. The service also becomes the
 * default policy source, and the profile's resource the default resource.
 */
final class ServiceMode {

    static final String PREFIX = GovernedDriver.URL_PREFIX + "//";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * The target URL and the properties to connect with, the service's credentials among them.
     *
     * @param lease the minted login's lease, renewed while the connection lives; {@link Lease#NONE} for static credentials
     */
    record Resolved(String targetUrl, Properties properties, Lease lease) {}

    private ServiceMode() {}

    static Resolved resolve(String url, Properties info) throws SQLException {
        String rest = url.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new SQLNonTransientConnectionException("Governed service-mode URL " + url + " must be"
                    + " jdbc:governed://host:port/<connection name>", "08001");
        }
        String authority = rest.substring(0, slash);
        String name = rest.substring(slash + 1);
        GovernedSettings settings = GovernedSettings.from(info);
        URI service = URI.create(settings.get("governed.service").orElseGet(() -> defaultScheme(authority) + "://" + authority));
        String token = callerToken(settings);
        Map<String, String> profile = fetchProfile(service, name, token);
        Properties properties = new Properties();
        properties.putAll(info);
        properties.remove("password");
        setIfPresent(properties, "user", profile.get("user"));
        setIfPresent(properties, "password", profile.get("password"));
        properties.putIfAbsent(GovernedSettings.POLICY, service.toString());
        properties.putIfAbsent(GovernedSettings.RESOURCE, profile.getOrDefault("resource", name));
        if (profile.get("environment") != null) {
            properties.putIfAbsent(GovernedSettings.ENVIRONMENT, profile.get("environment"));
        }
        Lease lease = Lease.NONE;
        if (profile.get("expiresAt") != null && profile.get("login") != null) {
            String login = profile.get("login");
            lease = new Lease(name, login, service.resolve("/v1/connections/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "/logins/" + URLEncoder.encode(login, StandardCharsets.UTF_8)), token,
                    parseInstant(profile.get("expiresAt"), name));
        }
        return new Resolved(profile.get("url"), properties, lease);
    }

    private static Instant parseInstant(String text, String name) throws SQLException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new SQLNonTransientConnectionException("the enforcement service's answer for connection '" + name
                    + "' has an unreadable expiresAt '" + text + "'", "08001", e);
        }
    }

    /**
     * A login the service minted for one connection. It is renewed in the background at half its remaining life,
     * with the token the connection was opened with; when renewal keeps failing (the service is down) the connection
     * goes on until the login expires and then refuses every statement with 08G01, as the database would refuse a new
     * session. Closing the connection revokes the login.
     */
    static class Lease {
        /** Static credentials: nothing to renew, nothing expires. */
        static final Lease NONE = new Lease();

        private static final Duration MAX_RETRY = Duration.ofSeconds(30);
        private static final ScheduledExecutorService RENEWALS = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "governed-login-renewal");
            thread.setDaemon(true);
            return thread;
        });

        private final String connection;
        private final String login;
        private final URI uri;
        private final String token;
        private volatile Instant expiresAt;
        /** {@link #expiresAt} in epoch milliseconds: what the per-statement check compares, without allocating. */
        private volatile long expiresAtMillis;
        private volatile String problem;
        private volatile boolean gone;
        private volatile boolean closed;
        private volatile ScheduledFuture<?> next;

        private Lease() {
            this.connection = null;
            this.login = null;
            this.uri = null;
            this.token = null;
            this.expiresAt = Instant.MAX;
            this.expiresAtMillis = Long.MAX_VALUE;
        }

        Lease(String connection, String login, URI uri, String token, Instant expiresAt) {
            this.connection = connection;
            this.login = login;
            this.uri = uri;
            this.token = token;
            this.expiresAt = expiresAt;
            this.expiresAtMillis = expiresAt.toEpochMilli();
            schedule(Duration.between(Instant.now(), expiresAt).dividedBy(2));
        }

        /** Refuses a statement once the login is revoked or expired. */
        void check() throws SQLException {
            if (this == NONE) {
                return;
            }
            if (gone) {
                throw new PolicyUnavailableException("Governed refused the statement: the database login " + login + " of connection '"
                        + connection + "' was revoked by the enforcement service" + (problem == null ? "" : " (" + problem + ")")
                        + "; open a new connection", null);
            }
            if (System.currentTimeMillis() >= expiresAtMillis) {
                throw new PolicyUnavailableException("Governed refused the statement: the database login " + login + " of connection '"
                        + connection + "' expired at " + expiresAt + " and could not be renewed" + (problem == null ? "" : " (" + problem + ")")
                        + "; open a new connection once the enforcement service is reachable", null);
            }
        }

        /** Stops renewing and asks the service to drop the login now (best effort: otherwise it expires). */
        /** The minted login's name; null for static credentials. */
        String login() {
            return login;
        }

        void release() {
            if (this == NONE || closed) {
                return;
            }
            closed = true;
            ScheduledFuture<?> pending = next;
            if (pending != null) {
                pending.cancel(false);
            }
            if (!gone) {
                HTTP.sendAsync(request(uri).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
        }

        private HttpRequest.Builder request(URI target) {
            return HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
        }

        private void schedule(Duration delay) {
            if (closed || gone) {
                return;
            }
            long millis = Math.max(250, delay.toMillis());
            next = RENEWALS.schedule(this::renew, millis, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            if (closed || gone) {
                return;
            }
            HTTP.sendAsync(request(URI.create(uri + "/renew")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                        if (failure != null) {
                            retry("the enforcement service is unreachable: " + failure);
                        } else if (response.statusCode() == 200) {
                            renewed(response.body());
                        } else if (response.statusCode() == 404 || response.statusCode() == 410) {
                            problem = ConnectionProfiles.errorMessage(response.body());
                            gone = true;
                        } else if (response.statusCode() == 401 || response.statusCode() == 403) {
                            problem = "renewal refused: " + ConnectionProfiles.errorMessage(response.body());
                        } else {
                            retry("renewal failed with HTTP " + response.statusCode() + ": " + ConnectionProfiles.errorMessage(response.body()));
                        }
                    });
        }

        private void renewed(String body) {
            try {
                Instant renewed = Instant.parse(JSON.readTree(body).path("expiresAt").asText());
                expiresAt = renewed;
                expiresAtMillis = renewed.toEpochMilli();
                problem = null;
                schedule(Duration.between(Instant.now(), expiresAt).dividedBy(2));
            } catch (IOException | DateTimeParseException e) {
                retry("the renewal answer is unreadable: " + e.getMessage());
            }
        }

        private void retry(String why) {
            problem = why;
            Duration left = Duration.between(Instant.now(), expiresAt);
            if (!left.isNegative()) {
                Duration quarter = left.dividedBy(4);
                schedule(quarter.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : quarter);
            }
        }
    }

    /** Plain HTTP only to this machine; anything else must be reached over TLS. */
    private static String defaultScheme(String authority) {
        String host = authority.startsWith("[") ? authority.substring(1, authority.indexOf(']'))
                : authority.split(":")[0];
        try {
            return InetAddress.getByName(host).isLoopbackAddress() ? "http" : "https";
        } catch (UnknownHostException e) {
            return "https";
        }
    }

    private static String callerToken(GovernedSettings settings) throws SQLException {
        Properties explicit = new Properties();
        explicit.putAll(settings.explicit());
        TokenSource tokens = settings.get(TokenProviders.PROVIDER_SETTING)
                .map(type -> TokenSource.firstOf(List.of(TokenSource.scoped(), TokenProviders.asSource(
                        TokenProviders.create(type, key -> settings.get(key).orElse(null))))))
                .orElseGet(() -> TokenSource.standard(explicit));
        return tokens.token().orElseThrow(() -> new TokenRejectedException("Governed service mode needs the"
                + " caller's token to ask for the connection; set governed.token or governed.token.file, or"
                + " connect inside Governed.runAs(token, ...). Looked in: " + tokens.description(), null));
    }

    /** The profile from the service, its refusals in the driver's SQLStates (28000 for the caller's token, else 08001). */
    private static Map<String, String> fetchProfile(URI service, String name, String token) throws SQLException {
        try {
            return ConnectionProfiles.fetch(service, name, token);
        } catch (ConnectionProfiles.Failure e) {
            String message = "Governed: " + e.getMessage();
            if (e.kind() == ConnectionProfiles.Failure.Kind.UNREACHABLE) {
                throw new SQLTransientConnectionException(message, "08001", e);
            }
            if (e.status() == 401 || e.status() == 403) {
                throw new SQLInvalidAuthorizationSpecException(message, TokenRejectedException.SQL_STATE, e);
            }
            throw new SQLNonTransientConnectionException(message, "08001", e);
        }
    }

    private static void setIfPresent(Properties properties, String key, String value) {
        if (value != null) {
            properties.setProperty(key, value);
        }
    }
}
