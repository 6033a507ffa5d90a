package dev.governed.service.auth;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which token groups grant which {@link Role}. The group {@value #ANY} grants a role to every caller whose
 * token verified (by default only {@link Role#AGENT}: the token's audience already scopes it to this service).
 */
public final class RoleMapping {
    public static final String ANY = "*";

    private final Map<Role, Set<String>> groups;

    private RoleMapping(Map<Role, Set<String>> groups) {
        this.groups = Map.copyOf(groups);
    }

    /** admin: governed-admins, approver: governed-approvers, auditor: governed-auditors, agent: any verified token. */
    public static RoleMapping defaults() {
        Map<Role, Set<String>> result = new EnumMap<>(Role.class);
        result.put(Role.ADMIN, Set.of("governed-admins"));
        result.put(Role.APPROVER, Set.of("governed-approvers"));
        result.put(Role.AUDITOR, Set.of("governed-auditors"));
        result.put(Role.AGENT, Set.of(ANY));
        return new RoleMapping(result);
    }

    /** A copy of this mapping where {@code role} is granted by exactly {@code roleGroups}. */
    public RoleMapping with(Role role, Set<String> roleGroups) {
        Map<Role, Set<String>> result = new EnumMap<>(Role.class);
        result.putAll(groups);
        result.put(role, Set.copyOf(roleGroups));
        return new RoleMapping(result);
    }

    public Set<String> groupsFor(Role role) {
        return groups.getOrDefault(role, Set.of());
    }

    public Set<Role> rolesOf(Set<String> callerGroups) {
        Set<Role> result = EnumSet.noneOf(Role.class);
        groups.forEach((role, granting) -> {
            if (granting.contains(ANY) || callerGroups.stream().anyMatch(granting::contains)) {
                result.add(role);
            }
        });
        return result;
    }
}
