package dev.governed.policy;

import java.util.List;
import java.util.Set;

/**
 * Which HTTP requests an {@link HttpRule} covers.
 *
 * @param methods upper-case method names; empty means any method
 * @param paths   path patterns starting with "/", where {@code *} matches one segment and
 *                {@code **} any number of segments; empty means any path
 */
public record HttpRequestMatch(Set<String> methods, List<String> paths) {
    public static final HttpRequestMatch ANY = new HttpRequestMatch(Set.of(), List.of());

    public HttpRequestMatch {
        methods = Set.copyOf(methods);
        paths = List.copyOf(paths);
    }
}
