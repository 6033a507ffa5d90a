package dev.governed.core.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 §4.4): the agent's own token,
 * fetched from the IdP's token endpoint and renewed a minute before it expires.
 * Settings: {@code governed.oauth.tokenUrl}, {@code governed.oauth.clientId},
 * {@code governed.oauth.clientSecret}, and optionally {@code governed.oauth.scope}
 * and {@code governed.oauth.audience}.
 */
public final class ClientCredentialsTokenProvider implements TokenProvider {

    public static final String TYPE = "oauth-client-credentials";
    private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final String audience;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Clock clock;
    private String token;
    private Instant renewAt = Instant.MIN;
    private Instant expiresAt = Instant.MIN;
    private String lastFailure;

    ClientCredentialsTokenProvider(URI tokenUrl, String clientId, String clientSecret, String scope, String audience,
            Clock clock) {
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.scope = scope;
        this.audience = audience;
        this.clock = clock;
    }

    /** Renews when due; a failed renewal keeps a token that has not yet expired. */
    @Override
    public synchronized Optional<String> token() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(renewAt)) {
            try {
                fetch(now);
                lastFailure = null;
            } catch (IOException e) {
                lastFailure = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lastFailure = "interrupted";
            }
        }
        return token != null && now.isBefore(expiresAt) ? Optional.of(token) : Optional.empty();
    }

    @Override
    public synchronized String description() {
        return "the OAuth client-credentials grant at " + tokenUrl + " for client " + clientId
                + (lastFailure == null ? "" : " (last attempt failed: " + lastFailure + ")");
    }

    private void fetch(Instant now) throws IOException, InterruptedException {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (scope != null) {
            form.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        if (audience != null) {
            form.append("&audience=").append(URLEncoder.encode(audience, StandardCharsets.UTF_8));
        }
        String basic = Base64.getEncoder().encodeToString(
                (encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl)
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the token endpoint answered " + response.statusCode());
        }
        JsonNode body = JSON.readTree(response.body());
        JsonNode accessToken = body.get("access_token");
        if (accessToken == null || !accessToken.isTextual()) {
            throw new IOException("the token endpoint's answer has no access_token");
        }
        long lifetime = body.path("expires_in").asLong(300);
        token = accessToken.asText();
        expiresAt = now.plusSeconds(lifetime);
        renewAt = expiresAt.minus(RENEW_BEFORE_EXPIRY.compareTo(Duration.ofSeconds(lifetime / 2)) < 0
                ? RENEW_BEFORE_EXPIRY : Duration.ofSeconds(lifetime / 2));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Registered in META-INF/services under the type {@value #TYPE}. */
    public static final class Factory implements TokenProvider.Factory {
        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public TokenProvider create(Function<String, String> settings) {
            return new ClientCredentialsTokenProvider(
                    URI.create(required(settings, "governed.oauth.tokenUrl")),
                    required(settings, "governed.oauth.clientId"),
                    required(settings, "governed.oauth.clientSecret"),
                    settings.apply("governed.oauth.scope"),
                    settings.apply("governed.oauth.audience"),
                    Clock.systemUTC());
        }

        private static String required(Function<String, String> settings, String key) {
            String value = settings.apply(key);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(key + " is required by governed.token.provider=" + TYPE);
            }
            return value;
        }
    }
}
