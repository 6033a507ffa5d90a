package dev.governed.jdbc.mask;

import dev.governed.jdbc.sql.BuiltInFunctions;

/**
 * Functions masking may see through: the analyser's built-ins, which read nothing but their
 * arguments. Any other function (a user-defined one may read any table) is denied while masks
 * are in force.
 */
final class Functions {

    private Functions() {}

    static boolean isKnown(String name) {
        return BuiltInFunctions.isKnown(name);
    }
}
