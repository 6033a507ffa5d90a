package dev.governed.service.approval;

import dev.governed.service.web.RouteTable;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The reviewers' page, {@code /approvals}: plain HTML, CSS and JavaScript from this jar, nothing from
 * elsewhere. The page holds no secret of its own: a reviewer pastes an OIDC token, and every call it
 * makes is an ordinary API call with that token, so it can do exactly what the CLI can. The CSP allows
 * only this origin's script and style, and calls to this origin.
 */
final class ApprovalPage {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final String html = resource("approvals.html");
    private final String script = resource("approvals.js");
    private final String style = resource("approvals.css");

    void register(RouteTable routes) {
        routes.get("/approvals", ctx -> serve(ctx, "text/html; charset=utf-8", html))
                .get("/approvals/app.js", ctx -> serve(ctx, "text/javascript; charset=utf-8", script))
                .get("/approvals/app.css", ctx -> serve(ctx, "text/css; charset=utf-8", style));
    }

    private static void serve(Context ctx, String type, String body) {
        ctx.header("Content-Security-Policy", CSP)
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .contentType(type)
                .result(body);
    }

    private static String resource(String name) {
        try (InputStream in = ApprovalPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the service jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
