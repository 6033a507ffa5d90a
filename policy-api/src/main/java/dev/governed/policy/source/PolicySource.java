package dev.governed.policy.source;

import dev.governed.policy.CompiledPolicy;

/**
 * Where the current policy comes from. Implementations keep a compiled policy ready so
 * {@link #current()} is cheap enough to call for every statement; a remote source would
 * refresh in the background and throw once its copy is older than its staleness limit.
 */
public interface PolicySource extends AutoCloseable {

    /** The location as configured (a path, {@code classpath:...}), for messages and logs. */
    String location();

    /**
     * The policy in force.
     *
     * @throws dev.governed.policy.PolicyException when no valid policy is available; callers deny
     */
    CompiledPolicy current();

    /** Releases background resources, if any. */
    @Override
    default void close() {
    }
}
