package dev.governed.jdbc;

import dev.governed.jdbc.internal.sql.AnalysedStatement;
import dev.governed.jdbc.internal.sql.ColumnRef;
import dev.governed.policy.SqlOperation;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The names of the functions a database holds besides its vendor's built-ins, read from its
 * catalog: PostgreSQL functions outside pg_catalog, or in it but not owned by the bootstrap
 * superuser; H2 aliases and user aggregates. A call the analysis trusted as a built-in is
 * trusted only while no such function shares its name, since the database may resolve the
 * call to that function instead ({@code log('x')} to a {@code public.log(text)}), and a
 * qualified column reference with such a name may be attribute notation for a call
 * ({@code c.touch} is {@code touch(c)} on PostgreSQL).
 *
 * <p>Read once per datasource and again after {@link #TTL}, or at once after this datasource
 * runs a statement that may define functions; a function created meanwhile through another
 * datasource is seen within {@link #TTL} (PostgreSQL's read-only session covers that window
 * for callers who may not write).
 */
final class UserFunctions {

    static final Duration TTL = Duration.ofSeconds(30);

    private static final String POSTGRES = "SELECT DISTINCT lower(p.proname) FROM pg_catalog.pg_proc p"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname <> 'pg_catalog' OR p.proowner <> 10";
    private static final String H2 = "SELECT DISTINCT LOWER(ROUTINE_NAME) FROM INFORMATION_SCHEMA.ROUTINES";

    private volatile boolean postgres;
    private volatile Set<String> names;
    private volatile long readAt;

    /**
     * The statement as the database will run it: EXECUTE when it calls a function, by name or by
     * attribute notation, that may not be the built-in the analysis took it for.
     */
    AnalysedStatement resolve(AnalysedStatement statement, Connection raw) throws SQLException {
        if (statement.operation().isPrivileged()) {
            return statement;
        }
        if (statement.builtIns().isEmpty() && !hasQualifiedColumn(statement)) {
            return statement; // nothing to look up: no catalog query, not even the first time
        }
        Set<String> defined;
        try {
            defined = names(raw);
        } catch (SQLException e) {
            defined = null; // unreadable (an aborted transaction): no call is trusted
        }
        for (String each : statement.builtIns()) {
            if (defined == null || defined.contains(each)) {
                return statement.as(SqlOperation.EXECUTE);
            }
        }
        if (!postgres) {
            return statement; // attribute notation is PostgreSQL's
        }
        for (Set<ColumnRef> refs : statement.columns().values()) {
            for (ColumnRef each : refs) {
                if (each.qualifier() != null && each.column() != null
                        && (defined == null || defined.contains(each.column().toLowerCase(Locale.ROOT)))) {
                    return statement.as(SqlOperation.EXECUTE);
                }
            }
        }
        return statement;
    }

    private boolean hasQualifiedColumn(AnalysedStatement statement) {
        if (!postgres && names != null || statement == lastUnqualified) {
            return false;
        }
        for (Set<ColumnRef> refs : statement.columns().values()) {
            for (ColumnRef each : refs) {
                if (each.qualifier() != null) {
                    return true;
                }
            }
        }
        lastUnqualified = statement;
        return false;
    }

    /** The last statement found without a qualified column: a prepared statement asks about the same one again. */
    private volatile AnalysedStatement lastUnqualified;

    /** After a statement that may have created, replaced or dropped a function. */
    void invalidate() {
        names = null;
    }

    private Set<String> names(Connection raw) throws SQLException {
        Set<String> result = names;
        if (result != null && System.nanoTime() - readAt < TTL.toNanos()) {
            return result;
        }
        result = read(raw);
        names = result;
        readAt = System.nanoTime();
        return result;
    }

    private Set<String> read(Connection raw) throws SQLException {
        String product = raw.getMetaData().getDatabaseProductName();
        postgres = "PostgreSQL".equalsIgnoreCase(product);
        String query = "PostgreSQL".equalsIgnoreCase(product) ? POSTGRES : "H2".equalsIgnoreCase(product) ? H2 : null;
        if (query == null) {
            return Set.of();
        }
        Set<String> result = new HashSet<>();
        try (Statement statement = raw.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                result.add(rows.getString(1));
            }
        }
        return Set.copyOf(result);
    }
}
