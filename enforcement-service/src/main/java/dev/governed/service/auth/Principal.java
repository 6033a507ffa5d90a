package dev.governed.service.auth;

import dev.governed.core.identity.Identity;
import java.util.Set;

/** A verified caller of the service API and the roles its groups grant. */
public record Principal(Identity identity, Set<Role> roles) {
    public Principal {
        roles = Set.copyOf(roles);
    }

    public String subject() {
        return identity.subject();
    }

    public Set<String> groups() {
        return identity.groups();
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}
