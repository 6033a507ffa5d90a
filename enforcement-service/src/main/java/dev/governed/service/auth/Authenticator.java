package dev.governed.service.auth;

import dev.governed.core.identity.Identity;
import dev.governed.core.identity.InvalidTokenException;
import dev.governed.core.identity.JwksUnavailableException;
import dev.governed.core.identity.TokenVerifier;
import dev.governed.service.web.ApiException;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns the {@code Authorization: Bearer} header of a request into a {@link Principal}, with the same
 * token verification as the library, and checks roles. Refusals are 401 (who are you?) or 403 (not you).
 */
public final class Authenticator {
    private static final String PRINCIPAL = "governed.principal";

    private final TokenVerifier verifier;
    private final RoleMapping roles;

    public Authenticator(TokenVerifier verifier, RoleMapping roles) {
        this.verifier = verifier;
        this.roles = roles;
    }

    /** The verified caller of this request; verified once per request. */
    public Principal principal(Context ctx) {
        Principal cached = ctx.attribute(PRINCIPAL);
        if (cached != null) {
            return cached;
        }
        Principal result = authenticate(ctx.header("Authorization"));
        ctx.attribute(PRINCIPAL, result);
        return result;
    }

    /** The caller, who must hold at least one of {@code anyOf}. */
    public Principal require(Context ctx, Role... anyOf) {
        Principal principal = principal(ctx);
        for (Role each : anyOf) {
            if (principal.has(each)) {
                return principal;
            }
        }
        String needed = Arrays.stream(anyOf).map(this::describe).collect(Collectors.joining(" or "));
        throw ApiException.forbidden("caller '" + principal.subject() + "' may not " + ctx.method() + " " + ctx.path()
                + ": it needs the " + needed + " role, and its groups " + principal.groups() + " grant "
                + principal.roles().stream().map(Role::key).sorted().toList());
    }

    private String describe(Role role) {
        return role.key() + " (groups " + roles.groupsFor(role) + ")";
    }

    Principal authenticate(String header) {
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("no bearer token: send 'Authorization: Bearer <JWT>' with a token from a trusted issuer");
        }
        String trimmed = header.trim();
        if (trimmed.length() < 7 || !trimmed.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            throw ApiException.unauthorized("the Authorization header is not a bearer token: send 'Authorization: Bearer <JWT>'");
        }
        try {
            Identity identity = verifier.verify(trimmed.substring(7).trim());
            return new Principal(identity, roles.rolesOf(identity.groups()));
        } catch (JwksUnavailableException e) {
            throw new ApiException(503, "identity_provider_unavailable", e.getMessage());
        } catch (InvalidTokenException e) {
            throw ApiException.unauthorized(e.getMessage());
        }
    }
}
