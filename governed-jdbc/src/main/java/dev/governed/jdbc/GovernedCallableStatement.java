package dev.governed.jdbc;

import dev.governed.jdbc.internal.sql.StatementAnalysis;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.SQLException;
import java.util.Map;

/** A callable statement: governed like a prepared one; OUT values that are result sets come back governed. */
final class GovernedCallableStatement extends CallableStatementWrapper {

    GovernedCallableStatement(
            CallableStatement callable,
            GovernedConnection owner,
            Governance governance,
            String sql,
            StatementAnalysis analysis) {
        super(callable, owner, governance, sql, analysis);
    }

    @Override
    public Array getArray(int parameterIndex) throws SQLException {
        return GovernedArray.of(callable.getArray(parameterIndex), this, governance.allowUnwrap);
    }

    @Override
    public Array getArray(String parameterName) throws SQLException {
        return GovernedArray.of(callable.getArray(parameterName), this, governance.allowUnwrap);
    }

    @Override
    public Blob getBlob(int parameterIndex) throws SQLException {
        return GovernedResultSet.notALargeObject(callable.getBlob(parameterIndex));
    }

    @Override
    public Blob getBlob(String parameterName) throws SQLException {
        return GovernedResultSet.notALargeObject(callable.getBlob(parameterName));
    }

    @Override
    public Clob getClob(int parameterIndex) throws SQLException {
        return GovernedResultSet.notALargeObject(callable.getClob(parameterIndex));
    }

    @Override
    public Clob getClob(String parameterName) throws SQLException {
        return GovernedResultSet.notALargeObject(callable.getClob(parameterName));
    }

    @Override
    public Object getObject(int parameterIndex) throws SQLException {
        outParameter();
        return Unwrapping.governed(callable.getObject(parameterIndex), this);
    }

    @Override
    public Object getObject(int parameterIndex, Map<String, Class<?>> map) throws SQLException {
        outParameter();
        return Unwrapping.governed(callable.getObject(parameterIndex, map), this);
    }

    @Override
    public Object getObject(String parameterName) throws SQLException {
        outParameter();
        return Unwrapping.governed(callable.getObject(parameterName), this);
    }

    @Override
    public Object getObject(String parameterName, Map<String, Class<?>> map) throws SQLException {
        outParameter();
        return Unwrapping.governed(callable.getObject(parameterName, map), this);
    }

    @Override
    public <T> T getObject(int parameterIndex, Class<T> type) throws SQLException {
        outParameter();
        return type.cast(Unwrapping.governed(callable.getObject(parameterIndex, type), this));
    }

    @Override
    public <T> T getObject(String parameterName, Class<T> type) throws SQLException {
        outParameter();
        return type.cast(Unwrapping.governed(callable.getObject(parameterName, type), this));
    }

    /**
     * OUT values cannot be traced to the columns they come from, so a caller with masks in force
     * reads none (CALL itself is already refused for such callers; this covers drivers that fill
     * OUT parameters from a query's first row).
     */
    @Override
    void outParameter() throws SQLException {
        AdmittedStatement admission = latest();
        if (admission != null && !admission.masks().active().isEmpty()) {
            throw new PolicyDeniedException(Enforcer.MASKING_RULE, "Governed refused to read an OUT parameter: masks"
                    + " apply to you on this datasource, and OUT values cannot be traced to the columns they come"
                    + " from. Read the values from a query's result set instead.");
        }
    }
}
