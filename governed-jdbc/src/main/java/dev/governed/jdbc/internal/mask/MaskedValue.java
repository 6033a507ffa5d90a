package dev.governed.jdbc.internal.mask;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Calendar;
import java.util.Map;
import javax.sql.rowset.serial.SerialBlob;
import javax.sql.rowset.serial.SerialClob;

/**
 * The masked form of one cell, read through any {@code ResultSet} or {@code CallableStatement}
 * getter. Text and streams carry the masked text; a getter whose type cannot carry it throws
 * {@link SQLDataException} ({@code 22018}) rather than fall back to the clear value. A masked
 * NULL answers 0, false or null like any NULL.
 */
public final class MaskedValue {

    public static final String CANNOT_CARRY_STATE = "22018";

    private final Object value;
    private final String column;
    private final String strategy;

    public MaskedValue(Object value, String column, String strategy) {
        this.value = value;
        this.column = column;
        this.strategy = strategy;
    }

    public boolean isNull() {
        return value == null;
    }

    public String getString() {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Date date) {
            return String.valueOf(date.toLocalDate().getYear());
        }
        if (value instanceof Timestamp timestamp) {
            return String.valueOf(timestamp.toLocalDateTime().getYear());
        }
        return value.toString();
    }

    public String getNString() {
        return getString();
    }

    public Object getObject() {
        return value;
    }

    public Object getObject(Map<String, Class<?>> map) {
        return value;
    }

    public <T> T getObject(Class<T> type) throws SQLException {
        if (value == null) {
            return null;
        }
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        if (type == String.class) {
            return type.cast(getString());
        }
        if (type == LocalDate.class && value instanceof Date date) {
            return type.cast(date.toLocalDate());
        }
        if (type == LocalDateTime.class && value instanceof Timestamp timestamp) {
            return type.cast(timestamp.toLocalDateTime());
        }
        throw cannotCarry(type.getSimpleName());
    }

    public boolean getBoolean() throws SQLException {
        return nullOr(false, "boolean");
    }

    public byte getByte() throws SQLException {
        return nullOr((byte) 0, "byte");
    }

    public short getShort() throws SQLException {
        return nullOr((short) 0, "short");
    }

    public int getInt() throws SQLException {
        return nullOr(0, "int");
    }

    public long getLong() throws SQLException {
        return nullOr(0L, "long");
    }

    public float getFloat() throws SQLException {
        return nullOr(0f, "float");
    }

    public double getDouble() throws SQLException {
        return nullOr(0d, "double");
    }

    public BigDecimal getBigDecimal() throws SQLException {
        return nullOr(null, "BigDecimal");
    }

    public BigDecimal getBigDecimal(int scale) throws SQLException {
        return getBigDecimal();
    }

    public byte[] getBytes() {
        String text = getString();
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    public Date getDate() throws SQLException {
        if (value == null || value instanceof Date) {
            return (Date) value;
        }
        if (value instanceof Timestamp timestamp) {
            return Date.valueOf(timestamp.toLocalDateTime().toLocalDate());
        }
        if (value instanceof LocalDate date) {
            return Date.valueOf(date);
        }
        if (value instanceof LocalDateTime time) {
            return Date.valueOf(time.toLocalDate());
        }
        if (value instanceof OffsetDateTime time) {
            return Date.valueOf(time.toLocalDate());
        }
        throw cannotCarry("Date");
    }

    public Date getDate(Calendar calendar) throws SQLException {
        return getDate();
    }

    public Time getTime() throws SQLException {
        return nullOr(null, "Time");
    }

    public Time getTime(Calendar calendar) throws SQLException {
        return getTime();
    }

    public Timestamp getTimestamp() throws SQLException {
        if (value == null || value instanceof Timestamp) {
            return (Timestamp) value;
        }
        if (value instanceof Date date) {
            return Timestamp.valueOf(date.toLocalDate().atStartOfDay());
        }
        if (value instanceof LocalDate date) {
            return Timestamp.valueOf(date.atStartOfDay());
        }
        if (value instanceof LocalDateTime time) {
            return Timestamp.valueOf(time);
        }
        if (value instanceof OffsetDateTime time) {
            return Timestamp.from(time.toInstant());
        }
        throw cannotCarry("Timestamp");
    }

    public Timestamp getTimestamp(Calendar calendar) throws SQLException {
        return getTimestamp();
    }

    public InputStream getAsciiStream() {
        String text = getString();
        return text == null ? null : new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    public InputStream getUnicodeStream() {
        String text = getString();
        return text == null ? null : new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_16BE));
    }

    public InputStream getBinaryStream() {
        byte[] bytes = getBytes();
        return bytes == null ? null : new ByteArrayInputStream(bytes);
    }

    public Reader getCharacterStream() {
        String text = getString();
        return text == null ? null : new StringReader(text);
    }

    public Reader getNCharacterStream() {
        return getCharacterStream();
    }

    public Clob getClob() throws SQLException {
        String text = getString();
        return text == null ? null : new SerialClob(text.toCharArray());
    }

    public NClob getNClob() throws SQLException {
        String text = getString();
        return text == null ? null : new MaskedNClob(text.toCharArray());
    }

    public Blob getBlob() throws SQLException {
        byte[] bytes = getBytes();
        return bytes == null ? null : new SerialBlob(bytes);
    }

    public Array getArray() throws SQLException {
        return nullOr(null, "Array");
    }

    public Ref getRef() throws SQLException {
        return nullOr(null, "Ref");
    }

    public RowId getRowId() throws SQLException {
        return nullOr(null, "RowId");
    }

    public SQLXML getSQLXML() throws SQLException {
        return nullOr(null, "SQLXML");
    }

    public URL getURL() throws SQLException {
        return nullOr(null, "URL");
    }

    private <T> T nullOr(T nullValue, String type) throws SQLException {
        if (value == null) {
            return nullValue;
        }
        throw cannotCarry(type);
    }

    private SQLException cannotCarry(String type) {
        return new SQLDataException("Governed masks column " + column + " (strategy " + strategy + "), and its masked"
                + " form cannot be read as " + type + "; read it with getString or getObject instead.",
                CANNOT_CARRY_STATE);
    }

    /** An NClob over masked text: {@link NClob} adds nothing to {@link Clob}. */
    private static final class MaskedNClob extends SerialClob implements NClob {
        private static final long serialVersionUID = 1L;

        MaskedNClob(char[] text) throws SQLException {
            super(text);
        }
    }
}
