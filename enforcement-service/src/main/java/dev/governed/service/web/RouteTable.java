package dev.governed.service.web;

import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/** Registers routes on Javalin and remembers them, so the OpenAPI document can be checked against what is served. */
public final class RouteTable {
    /** One served endpoint, with its path in OpenAPI form ({@code /v1/policies/{version}}). */
    public record Route(String method, String path) {}

    private final Javalin app;
    private final List<Route> routes = new ArrayList<>();

    public RouteTable(Javalin app) {
        this.app = app;
    }

    public RouteTable get(String path, Handler handler) {
        return add(HandlerType.GET, path, handler);
    }

    public RouteTable post(String path, Handler handler) {
        return add(HandlerType.POST, path, handler);
    }

    public RouteTable put(String path, Handler handler) {
        return add(HandlerType.PUT, path, handler);
    }

    public RouteTable delete(String path, Handler handler) {
        return add(HandlerType.DELETE, path, handler);
    }

    private RouteTable add(HandlerType type, String path, Handler handler) {
        app.addHttpHandler(type, path, handler);
        routes.add(new Route(type.name().toLowerCase(java.util.Locale.ROOT), path));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }
}
