package dev.governed.http;

import dev.governed.core.GovernedSettings;
import dev.governed.core.engine.Admission;
import dev.governed.core.engine.Engine;
import dev.governed.core.engine.PolicyQuestion;
import dev.governed.core.engine.Request;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} whose every request is decided by policy before a byte is sent, carries
 * the credential Governed holds for its resource, has its JSON response masked as it streams,
 * and leaves one audit event:
 *
 * <pre>{@code
 * HttpClient http = GovernedHttpClient.wrap(HttpClient.newHttpClient(), settings);
 * HttpResponse<String> customer = http.send(request, BodyHandlers.ofString());
 * }</pre>
 */
public final class GovernedHttpClient extends HttpClient {

    /** {@code normal}: Governed follows redirects of GET and HEAD requests itself, deciding each hop again. */
    public static final String FOLLOW_REDIRECTS = "governed.http.followRedirects";
    private static final int MAX_REDIRECTS = 5;

    private final HttpClient delegate;
    private final Engine engine;
    private final Resources resources;
    private final Map<String, Credential> credentials;
    private final boolean follow;

    private GovernedHttpClient(HttpClient delegate, Engine engine, Resources resources,
                               Map<String, Credential> credentials, boolean follow) {
        this.delegate = delegate;
        this.engine = engine;
        this.resources = resources;
        this.credentials = Map.copyOf(credentials);
        this.follow = follow;
    }

    /**
     * Governs {@code client} with these settings ({@code governed.*}, see the class comment).
     * The client must not follow redirects itself ({@link HttpClient.Redirect#NEVER}, the default):
     * a hop it followed would not be decided.
     *
     * @throws IllegalArgumentException when the settings or the client cannot be governed, saying what to fix
     */
    public static HttpClient wrap(HttpClient client, Properties settings) {
        return wrap(client, settings, System::getenv);
    }

    static GovernedHttpClient wrap(HttpClient client, Properties properties,
                                   java.util.function.Function<String, String> environment) {
        if (client instanceof GovernedHttpClient governed) {
            return governed;
        }
        if (client.followRedirects() != Redirect.NEVER) {
            throw new IllegalArgumentException("Governed cannot govern an HttpClient that follows redirects itself"
                    + " (followRedirects " + client.followRedirects() + "): a redirect to another host would not be"
                    + " decided. Build it with HttpClient.Redirect.NEVER and set " + FOLLOW_REDIRECTS + "=normal.");
        }
        GovernedSettings settings = GovernedSettings.from(properties);
        Resources resources = Resources.parse(settings.get(Resources.SETTING).orElse(null));
        ServiceSecrets service = settings.serviceUrl().map(url -> new ServiceSecrets(URI.create(url))).orElse(null);
        Map<String, Credential> credentials = new HashMap<>();
        for (Resources.Resource each : resources.all()) {
            settings.get(Credential.PREFIX + each.name()).ifPresent(text -> credentials.put(each.name(),
                    Credential.parse(each, text, environment, service)));
        }
        String follow = settings.get(FOLLOW_REDIRECTS).orElse("never").toLowerCase(Locale.ROOT);
        if (!follow.equals("never") && !follow.equals("normal")) {
            throw new IllegalArgumentException(FOLLOW_REDIRECTS + " must be never or normal, not " + follow);
        }
        Engine engine;
        try {
            engine = Engine.create(settings);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Governed cannot govern this HttpClient: " + e.getMessage(), e);
        }
        return new GovernedHttpClient(client, engine, resources, credentials, follow.equals("normal"));
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
            throws IOException, InterruptedException {
        HttpResponse<T> previous = null;
        HttpRequest next = request;
        for (int hop = 0; ; hop++) {
            Exchange exchange = admit(next);
            HttpResponse<T> response;
            try {
                response = delegate.send(exchange.outgoing, exchange.handler(handler));
            } catch (IOException e) {
                exchange.admission.fail(e);
                if (e.getCause() instanceof RequestDeniedException denied) {
                    throw denied;
                }
                throw e;
            } catch (InterruptedException | RuntimeException e) {
                exchange.admission.fail(e);
                throw e;
            }
            HttpResponse<T> result = exchange.finish(response, previous);
            HttpRequest redirect = redirect(next, result, hop);
            if (redirect == null) {
                return result;
            }
            previous = result;
            next = redirect;
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
        return sendAsync(request, handler, null, 0);
    }

    /** Pushed responses are not governed, so none is accepted. */
    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
                                                            PushPromiseHandler<T> pushPromiseHandler) {
        return sendAsync(request, handler);
    }

    private <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
                                                             HttpResponse<T> previous, int hop) {
        Exchange exchange;
        try {
            exchange = admit(request);
        } catch (RequestDeniedException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<HttpResponse<T>> inner = delegate.sendAsync(exchange.outgoing, exchange.handler(handler));
        CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
        inner.whenComplete((response, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                exchange.admission.fail(cause);
                result.completeExceptionally(cause.getCause() instanceof RequestDeniedException denied ? denied : cause);
                return;
            }
            try {
                HttpResponse<T> governed = exchange.finish(response, previous);
                HttpRequest redirect = redirect(request, governed, hop);
                if (redirect == null) {
                    result.complete(governed);
                } else {
                    sendAsync(redirect, handler, governed, hop + 1).whenComplete((last, failure) -> {
                        if (failure != null) {
                            result.completeExceptionally(unwrap(failure));
                        } else {
                            result.complete(last);
                        }
                    });
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        result.whenComplete((response, error) -> {
            if (result.isCancelled()) {
                exchange.admission.fail(new CancellationException("the caller cancelled the request"));
                inner.cancel(true);
            }
        });
        return result;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable result = error;
        while ((result instanceof CompletionException || result instanceof ExecutionException)
                && result.getCause() != null) {
            result = result.getCause();
        }
        return result;
    }

    /** The next hop of a followed redirect, or null when this response is the answer. */
    private HttpRequest redirect(HttpRequest request, HttpResponse<?> response, int hop) {
        int status = response.statusCode();
        if (!follow || (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
                || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
            return null;
        }
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isEmpty() || hop + 1 >= MAX_REDIRECTS) {
            return null;
        }
        URI target = response.uri().resolve(location.get());
        HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true).uri(target);
        return builder.build();
    }

    /** Decides the request; returns what to send, or throws the refusal, audited either way. */
    private Exchange admit(HttpRequest request) throws RequestDeniedException {
        String method = request.method().toUpperCase(Locale.ROOT);
        URI uri = request.uri();
        String path;
        String refusal = null;
        String rule = null;
        String override;
        try {
            path = HttpPaths.normalise(uri.getRawPath());
        } catch (HttpPaths.AmbiguousPathException e) {
            path = uri.getRawPath();
            rule = "ambiguous-path";
            refusal = "the path has " + e.getMessage() + "; send the plain form of the path";
        }
        Resources.Resource resource = refusal == null ? resources.match(uri, path) : null;
        Credential credential = resource == null ? null : credentials.get(resource.name());
        if (refusal == null && resource == null) {
            rule = "unlisted-resource";
            refusal = uri.getScheme() + "://" + uri.getRawAuthority() + path + " is outside every resource in "
                    + Resources.SETTING + "; add its base URI there if this client may call it";
        } else if (refusal == null && uri.getRawUserInfo() != null) {
            rule = "credential-supplied";
            refusal = "the URI carries user information; Governed adds the credential of " + resource.name();
        } else if (refusal == null && (override = RequestOverrides.find(request)) != null) {
            rule = "request-override";
            refusal = "the request carries " + override + ", which many servers obey to run another"
                    + " method or path than the one decided; send the request with its real method and path instead";
        } else if (refusal == null && suppliesCredential(request, credential)) {
            rule = "credential-supplied";
            refusal = "the request brings its own " + (credential == null ? "Authorization"
                    : credential.header()) + " header; Governed adds the credential of " + resource.name()
                    + " itself, and agents never hold it";
        }
        String statement = method + " " + path + redactedQuery(uri.getRawQuery());
        Request facts = new Request("http", resource == null ? null : resource.name(),
                resource == null ? uri.getScheme() + "://" + uri.getRawAuthority() : resource.base(),
                method.toLowerCase(Locale.ROOT), statement,
                refusal == null ? PolicyQuestion.http(method, path) : PolicyQuestion.refuse(rule, refusal));
        Admission admission = engine.admit(facts);
        if (!admission.isAllowed()) {
            throw new RequestDeniedException(admission.rule(), admission.denialMessage());
        }
        HttpRequest.Builder outgoing = HttpRequest.newBuilder(request, (name, value) -> true)
                .uri(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        if (credential != null) {
            try {
                outgoing.setHeader(credential.header(), credential.value(admission.callerToken()));
            } catch (IllegalStateException e) {
                String reason = "Governed could not add the credential of " + resource.name() + ": " + e.getMessage()
                        + "; nothing was sent.";
                admission.refuse("credential-unavailable", reason);
                throw new RequestDeniedException("credential-unavailable", reason);
            }
        }
        return new Exchange(request, outgoing.build(), admission);
    }

    private static boolean suppliesCredential(HttpRequest request, Credential credential) {
        return request.headers().firstValue("Authorization").isPresent()
                || request.headers().firstValue("Proxy-Authorization").isPresent()
                || (credential != null && request.headers().firstValue(credential.header()).isPresent());
    }

    /** {@code ?a=?&b=?}: names stay, values (possibly personal data or secrets) do not. */
    static String redactedQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        StringBuilder result = new StringBuilder("?");
        for (String each : rawQuery.split("&")) {
            if (result.length() > 1) {
                result.append('&');
            }
            int equals = each.indexOf('=');
            result.append(equals < 0 ? each : each.substring(0, equals)).append("=?");
        }
        return result.toString();
    }

    /** WebSocket frames cannot be decided or masked here, so no WebSocket is opened. */
    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        throw new UnsupportedOperationException("Governed does not open WebSockets: their messages cannot be"
                + " decided or masked. Call the API over HTTP requests instead.");
    }

    /** Writes out every audit event accepted so far. */
    public void flushAudit() {
        engine.flush();
    }

    /** Flushes the audit trail and releases what the engine holds; the wrapped client is the caller's to close. */
    public void close() {
        engine.close();
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return follow ? Redirect.NORMAL : Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
