package dev.governed.policy;

import java.util.Objects;

/**
 * One HTTP request as policy sees it.
 *
 * @param method upper-case method name
 * @param path   the request's normalised absolute path (no {@code .}/{@code ..}, no empty segments,
 *               no {@code ;} parameters, unreserved characters decoded), without the query
 */
public record HttpRequest(Caller caller, String resource, String environment, String method, String path) {
    public HttpRequest {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
    }
}
