package dev.governed.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The response the caller sees: the agent's own request (never the one carrying the injected
 * credential), and the headers its body handler saw.
 */
record GovernedResponse<T>(HttpResponse<T> delegate, HttpRequest request, HttpHeaders headers,
                           HttpResponse<T> previous) implements HttpResponse<T> {

    @Override
    public int statusCode() {
        return delegate.statusCode();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
        return Optional.ofNullable(previous);
    }

    @Override
    public T body() {
        return delegate.body();
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return delegate.sslSession();
    }

    @Override
    public URI uri() {
        return delegate.uri();
    }

    @Override
    public HttpClient.Version version() {
        return delegate.version();
    }

    @Override
    public String toString() {
        return "(" + request.method() + " " + uri() + ") " + statusCode();
    }
}
