package dev.governed.policy;

import java.util.Set;

/**
 * Where a mask applies: one answer for SQL and HTTP masks, for the library and the service. Resource names compare
 * ignoring case and an unknown resource is covered, so a mask is never lost to spelling.
 */
final class MaskScope {

    private MaskScope() {}

    static boolean covers(Set<String> resources, String resource) {
        if (resources.isEmpty() || resource == null) {
            return true;
        }
        for (String each : resources) {
            if (each.equalsIgnoreCase(resource)) {
                return true;
            }
        }
        return false;
    }
}
