package dev.governed.jdbc;

import dev.governed.jdbc.internal.mask.MaskPlan;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Metadata consistent with what the getters return: a column masked into text is described as
 * VARCHAR of {@code String}, whatever its type in the table; other columns are the driver's.
 */
final class MaskedResultSetMetaData implements ResultSetMetaData {

    private final ResultSetMetaData metaData;
    private final boolean[] text;

    MaskedResultSetMetaData(ResultSetMetaData metaData, MaskPlan.ColumnMask[] masks) {
        this.metaData = metaData;
        this.text = new boolean[masks.length];
        for (int i = 0; i < masks.length; i++) {
            text[i] = masks[i] != null && masks[i].masker().masksText();
        }
    }

    private boolean text(int column) {
        return column > 0 && column < text.length && text[column];
    }

    @Override
    public int getColumnType(int column) throws SQLException {
        return text(column) ? Types.VARCHAR : metaData.getColumnType(column);
    }

    @Override
    public String getColumnTypeName(int column) throws SQLException {
        return text(column) ? "VARCHAR" : metaData.getColumnTypeName(column);
    }

    @Override
    public String getColumnClassName(int column) throws SQLException {
        return text(column) ? String.class.getName() : metaData.getColumnClassName(column);
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        return text(column) ? Integer.MAX_VALUE : metaData.getPrecision(column);
    }

    @Override
    public int getScale(int column) throws SQLException {
        return text(column) ? 0 : metaData.getScale(column);
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
        return text(column) ? Integer.MAX_VALUE : metaData.getColumnDisplaySize(column);
    }

    @Override
    public boolean isSigned(int column) throws SQLException {
        return !text(column) && metaData.isSigned(column);
    }

    @Override
    public boolean isCurrency(int column) throws SQLException {
        return !text(column) && metaData.isCurrency(column);
    }

    /** Masked columns cannot be written through the result set. */
    @Override
    public boolean isWritable(int column) throws SQLException {
        return !text(column) && metaData.isWritable(column);
    }

    @Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        return !text(column) && metaData.isDefinitelyWritable(column);
    }

    @Override
    public boolean isReadOnly(int column) throws SQLException {
        return text(column) || metaData.isReadOnly(column);
    }

    @Override
    public int getColumnCount() throws SQLException {
        return metaData.getColumnCount();
    }

    @Override
    public boolean isAutoIncrement(int column) throws SQLException {
        return metaData.isAutoIncrement(column);
    }

    @Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return metaData.isCaseSensitive(column);
    }

    @Override
    public boolean isSearchable(int column) throws SQLException {
        return metaData.isSearchable(column);
    }

    @Override
    public int isNullable(int column) throws SQLException {
        return metaData.isNullable(column);
    }

    @Override
    public String getColumnLabel(int column) throws SQLException {
        return metaData.getColumnLabel(column);
    }

    @Override
    public String getColumnName(int column) throws SQLException {
        return metaData.getColumnName(column);
    }

    @Override
    public String getSchemaName(int column) throws SQLException {
        return metaData.getSchemaName(column);
    }

    @Override
    public String getTableName(int column) throws SQLException {
        return metaData.getTableName(column);
    }

    @Override
    public String getCatalogName(int column) throws SQLException {
        return metaData.getCatalogName(column);
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return Unwrapping.unwrap(this, metaData, type, false);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return Unwrapping.isWrapperFor(this, metaData, type, false);
    }
}
