package dev.governed.service.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** Writes JSON responses and the one error shape: {@code {"error": code, "message": text}}. */
public final class Responses {
    private Responses() {}

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    public static void json(Context ctx, Object body) {
        json(ctx, 200, body);
    }

    public static void error(Context ctx, int status, String code, String message) {
        ObjectNode body = Json.object().put("error", code).put("message", message);
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"governed\"");
        }
        json(ctx, status, body);
    }
}
