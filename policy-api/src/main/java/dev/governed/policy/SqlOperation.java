package dev.governed.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every kind of SQL statement policy can name, by its key in the policy document
 * ({@code operations: [select, drop]}).
 *
 * <p>Operations marked {@link #isPrivileged() privileged} run code or change who
 * the session is; a rule allows them only when it names them explicitly, so an
 * allow rule without {@code operations} never lets them through by accident.
 */
public enum SqlOperation {
    SELECT("select"),
    INSERT("insert"),
    UPDATE("update"),
    DELETE("delete"),
    MERGE("merge"),
    /** Advancing a sequence ({@code nextval}, {@code setval}, {@code NEXT VALUE FOR}): a write, though it reads like a query. */
    NEXTVAL("nextval"),
    CREATE("create"),
    ALTER("alter"),
    DROP("drop"),
    TRUNCATE("truncate"),
    GRANT("grant"),
    REVOKE("revoke"),
    COMMENT("comment"),
    LOCK("lock"),
    VACUUM("vacuum"),
    ANALYZE("analyze"),
    COPY("copy"),
    BEGIN("begin"),
    COMMIT("commit"),
    ROLLBACK("rollback"),
    SAVEPOINT("savepoint"),
    RELEASE("release"),
    SET("set"),
    RESET("reset"),
    SHOW("show"),
    CALL("call", true),
    DO("do", true),
    EXECUTE("execute", true),
    COPY_PROGRAM("copy-program", true),
    SET_ROLE("set-role", true),
    CREATE_FUNCTION("create-function", true);

    private static final Map<String, SqlOperation> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(SqlOperation::key, Function.identity()));

    private final String key;
    private final boolean privileged;

    SqlOperation(String key) {
        this(key, false);
    }

    SqlOperation(String key, boolean privileged) {
        this.key = key;
        this.privileged = privileged;
    }

    public String key() {
        return key;
    }

    /** True for operations that execute code or change the session's role. */
    public boolean isPrivileged() {
        return privileged;
    }

    /**
     * True for operations that change no data and run no code: queries, SHOW, transaction control
     * and session settings. A caller whose rules allow only these may run with the database read-only.
     */
    public boolean isRead() {
        return switch (this) {
            case SELECT, SHOW, BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, SET, RESET -> true;
            default -> false;
        };
    }

    public static Optional<SqlOperation> fromKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key.toLowerCase(Locale.ROOT)));
    }
}
