package dev.governed.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code governed.http.resources}: named base URIs. A request belongs to the resource with the
 * longest base it starts with (scheme, host and port equal, path on a segment boundary).
 */
final class Resources {

    static final String SETTING = "governed.http.resources";

    /** One resource: {@code path} is the base's path without a trailing slash ("" for the root). */
    record Resource(String name, String scheme, String host, int port, String path, String base) {}

    private final List<Resource> byLongestBase;

    private Resources(List<Resource> resources) {
        List<Resource> sorted = new ArrayList<>(resources);
        sorted.sort(Comparator.comparingInt((Resource each) -> each.path().length()).reversed());
        this.byLongestBase = List.copyOf(sorted);
    }

    /** Parses {@code name=baseURI,…}; anything unclear fails with what to write instead. */
    static Resources parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(SETTING + " is not set; list the APIs this client may call as"
                    + " name=baseURI pairs, e.g. crm-api=https://crm.example.com");
        }
        List<Resource> result = new ArrayList<>();
        for (String pair : text.split(",")) {
            String each = pair.strip();
            int equals = each.indexOf('=');
            if (equals <= 0 || equals == each.length() - 1) {
                throw new IllegalArgumentException(SETTING + ": \"" + each + "\" is not name=baseURI");
            }
            result.add(resource(each.substring(0, equals).strip(), each.substring(equals + 1).strip()));
        }
        return new Resources(result);
    }

    /** One named base URI, normalised; fails with what to write instead. */
    static Resource resource(String name, String text) {
        URI base;
        try {
            base = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(SETTING + ": the base of " + name + " is not a URI: " + e.getMessage());
        }
        String scheme = base.getScheme() == null ? null : base.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || base.getHost() == null
                || base.getRawUserInfo() != null || base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException(SETTING + ": the base of " + name + " must be an http(s) URI with"
                    + " a host and no user, query or fragment, e.g. https://crm.example.com/api");
        }
        String path;
        try {
            path = HttpPaths.normalise(base.getRawPath());
        } catch (HttpPaths.AmbiguousPathException e) {
            throw new IllegalArgumentException(SETTING + ": the base of " + name + " has " + e.getMessage());
        }
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return new Resource(name, scheme, host(base), port(base, scheme), path,
                scheme + "://" + host(base) + ":" + port(base, scheme) + path);
    }

    /** The resource of a request whose path is already normalised, or null when it is outside every base. */
    Resource match(URI uri, String normalisedPath) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            return null;
        }
        String host = host(uri);
        int port = port(uri, scheme);
        for (Resource each : byLongestBase) {
            if (each.scheme().equals(scheme) && each.host().equals(host) && each.port() == port
                    && (each.path().isEmpty() || normalisedPath.equals(each.path())
                    || normalisedPath.startsWith(each.path() + "/"))) {
                return each;
            }
        }
        return null;
    }

    List<Resource> all() {
        return byLongestBase;
    }

    /** Lower case, without the trailing dot of a fully qualified name: {@code API.Example.com.} is {@code api.example.com}. */
    static String host(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    static int port(URI uri, String scheme) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(scheme) ? 443 : 80;
    }
}
