package dev.governed.jdbc.internal.sql;

/** Test access to the recogniser's list of H2 session settings. */
public final class StatementRecogniserAccess {
    private StatementRecogniserAccess() {}

    public static boolean h2SessionSetting(String name) {
        return StatementRecogniser.H2_SESSION_SETTINGS.contains(name);
    }
}
