package dev.governed.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.governed.core.GovernedSettings;
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
import java.util.List;
import java.util.Properties;

/**
 * {@code jdbc:governed://host:port/<connection>}: the enforcement service names the
 * target and releases its credentials to an allowed caller, so the agent's own
 * configuration never holds the database password. The service also becomes the
 * default policy source, and the connection's name the default resource.
 */
final class ServiceMode {

    static final String PREFIX = GovernedDriver.URL_PREFIX + "//";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The target URL and the properties to connect with, the service's credentials among them. */
    record Resolved(String targetUrl, Properties properties) {}

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
        JsonNode profile = fetchProfile(service, name, callerToken(settings));
        Properties properties = new Properties();
        properties.putAll(info);
        properties.remove("password");
        setIfPresent(properties, "user", profile.path("user"));
        setIfPresent(properties, "password", profile.path("password"));
        properties.putIfAbsent(GovernedSettings.POLICY, service.toString());
        properties.putIfAbsent(GovernedSettings.RESOURCE, name);
        return new Resolved(profile.path("url").asText(), properties);
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

    private static JsonNode fetchProfile(URI service, String name, String token) throws SQLException {
        URI uri = service.resolve("/v1/connections/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SQLTransientConnectionException("Governed could not reach the enforcement service at " + service
                    + " to resolve connection '" + name + "': " + e, "08001", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while resolving connection '" + name + "'", "08001", e);
        }
        String message = "the enforcement service refused connection '" + name + "' (" + response.statusCode() + "): "
                + errorMessage(response.body());
        switch (response.statusCode()) {
            case 200:
                break;
            case 401:
            case 403:
                throw new SQLInvalidAuthorizationSpecException(message, TokenRejectedException.SQL_STATE);
            default:
                throw new SQLNonTransientConnectionException(message, "08001");
        }
        try {
            JsonNode profile = JSON.readTree(response.body());
            if (!profile.path("url").isTextual()) {
                throw new SQLNonTransientConnectionException("the enforcement service's answer for connection '" + name
                        + "' has no target url", "08001");
            }
            return profile;
        } catch (IOException e) {
            throw new SQLNonTransientConnectionException("the enforcement service's answer for connection '" + name
                    + "' is not JSON: " + e.getMessage(), "08001", e);
        }
    }

    private static String errorMessage(String body) {
        try {
            JsonNode error = JSON.readTree(body);
            return error.path("message").asText(body);
        } catch (IOException e) {
            return body.length() > 200 ? body.substring(0, 200) : body;
        }
    }

    private static void setIfPresent(Properties properties, String key, JsonNode value) {
        if (value.isTextual()) {
            properties.setProperty(key, value.asText());
        }
    }
}
