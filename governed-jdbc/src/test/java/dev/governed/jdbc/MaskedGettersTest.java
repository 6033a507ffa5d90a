package dev.governed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every ResultSet getter, by index and by label, on a masked column: the masked form or an error, never the clear value. */
class MaskedGettersTest {

    MaskingFixture fixture;
    Connection connection;

    @BeforeEach
    void setUp() throws Exception {
        Properties target = new Properties();
        target.setProperty("user", "sa");
        target.setProperty("password", "");
        fixture = new MaskingFixture("jdbc:h2:mem:getters" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", target);
        connection = fixture.governed(fixture.support());
    }

    @AfterEach
    void tearDown() throws SQLException {
        connection.close();
        fixture.close();
    }

    @Test
    void everyGetterOfAMaskedColumnAnswersTheMaskedFormOrRefuses() throws Exception {
        List<String> called = new ArrayList<>();
        for (Method method : ResultSet.class.getMethods()) {
            Class<?>[] types = method.getParameterTypes();
            if (!method.getName().startsWith("get") || types.length == 0
                    || (types[0] != int.class && types[0] != String.class)) {
                continue;
            }
            for (Object column : new Object[] {3, "ssn"}) {
                if (types[0] != column.getClass() && !(types[0] == int.class && column instanceof Integer)) {
                    continue;
                }
                try (Statement statement = connection.createStatement();
                        ResultSet result = statement.executeQuery("SELECT id, name, ssn FROM people WHERE id = 1")) {
                    result.next();
                    Object[] args = arguments(types, column);
                    called.add(method.getName() + "(" + column + ")");
                    String seen;
                    try {
                        seen = text(method.invoke(result, args));
                    } catch (InvocationTargetException e) {
                        assertThat(e.getCause()).as(method.toString()).isInstanceOf(SQLDataException.class);
                        seen = e.getCause().getMessage();
                        assertThat(seen).contains("Governed masks column");
                    }
                    assertThat(MaskingFixture.leakIn(seen)).as(method + " with " + column + " gave " + seen).isNull();
                }
            }
        }
        assertThat(called).hasSizeGreaterThan(60);
    }

    @Test
    void textGettersCarryTheMaskedText() throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT id, name, ssn FROM people WHERE id = 1")) {
            result.next();
            assertThat(result.getString("ssn")).isEqualTo("*******6789");
            assertThat(result.getNString(3)).isEqualTo("*******6789");
            assertThat(result.getObject(3)).isEqualTo("*******6789");
            assertThat(result.getObject("ssn", String.class)).isEqualTo("*******6789");
            assertThat(new String(result.getBytes(3), StandardCharsets.UTF_8)).isEqualTo("*******6789");
            assertThat(result.getClob(3).getSubString(1, 11)).isEqualTo("*******6789");
            assertThat(new String(result.getBinaryStream(3).readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("*******6789");
            assertThat(result.wasNull()).isFalse();
            assertThat(result.getString("name")).isEqualTo("Ada");
        }
    }

    @Test
    void typedGetterThatCannotCarryTheMaskedFormRefuses() throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT ssn FROM people WHERE id = 1")) {
            result.next();
            assertThatThrownBy(() -> result.getInt(1)).isInstanceOf(SQLDataException.class)
                    .hasMessageContaining("keep-last").hasMessageContaining("getString");
            assertThatThrownBy(() -> result.getObject(1, Integer.class)).isInstanceOf(SQLDataException.class);
        }
    }

    @Test
    void yearOnlyKeepsADateOfTheYear() throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT birth_date FROM people WHERE id = 1")) {
            result.next();
            assertThat(result.getDate(1)).isEqualTo(Date.valueOf("1984-01-01"));
            assertThat(result.getObject(1, LocalDate.class)).isEqualTo(LocalDate.of(1984, 1, 1));
            assertThat(result.getString(1)).isEqualTo("1984");
            assertThat(result.getTimestamp(1).toString()).startsWith("1984-01-01 00:00");
        }
    }

    @Test
    void updatingAMaskedColumnThroughTheResultSetIsRefused() throws Exception {
        try (Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                ResultSet result = statement.executeQuery("SELECT id, name, ssn FROM people WHERE id = 1")) {
            result.next();
            assertThatThrownBy(() -> result.updateString("ssn", "000-00-0000"))
                    .isInstanceOf(PolicyDeniedException.class).hasMessageContaining("masked");
            assertThatThrownBy(() -> result.updateObject(3, "000-00-0000"))
                    .isInstanceOf(PolicyDeniedException.class);
        }
        try (Connection raw = fixture.raw(); Statement statement = raw.createStatement();
                ResultSet result = statement.executeQuery("SELECT ssn FROM people WHERE id = 1")) {
            result.next();
            assertThat(result.getString(1)).isEqualTo("123-45-6789");
        }
    }

    @Test
    void metadataDescribesMaskedColumnsAsTheTextTheyReturn() throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT id, ssn, birth_date, length(ssn) AS n FROM people")) {
            java.sql.ResultSetMetaData metaData = result.getMetaData();
            assertThat(metaData.getColumnType(1)).isEqualTo(java.sql.Types.INTEGER);
            assertThat(metaData.getColumnType(2)).isEqualTo(java.sql.Types.VARCHAR);
            assertThat(metaData.getColumnClassName(2)).isEqualTo("java.lang.String");
            assertThat(metaData.isWritable(2)).isFalse();
            assertThat(metaData.getColumnType(3)).isEqualTo(java.sql.Types.DATE);
            assertThat(metaData.getColumnLabel(2)).isEqualToIgnoringCase("ssn");
            // length(ssn) is an integer in the table's terms, but comes back redacted as text
            assertThat(metaData.getColumnType(4)).isEqualTo(java.sql.Types.VARCHAR);
            result.next();
            assertThat(result.getObject(4)).isEqualTo("****");
        }
    }

    @Test
    void maskedResultSetIsNeverUnwrappedToTheDriver() throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT ssn FROM people")) {
            assertThat(result).isInstanceOf(MaskedResultSet.class);
            assertThatThrownBy(() -> result.unwrap(org.h2.jdbc.JdbcResultSet.class)).isInstanceOf(SQLException.class);
            assertThat(result.getStatement()).isSameAs(statement);
        }
    }

    @Test
    void queryWithoutMaskedColumnsGetsThePlainWrapper() throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT id, name FROM people")) {
            assertThat(result).isExactlyInstanceOf(GovernedResultSet.class);
        }
    }

    private static Object[] arguments(Class<?>[] types, Object column) {
        Object[] args = new Object[types.length];
        args[0] = column;
        for (int i = 1; i < types.length; i++) {
            if (types[i] == int.class) {
                args[i] = 2;
            } else if (types[i] == Map.class) {
                args[i] = Map.of();
            } else if (types[i] == Calendar.class) {
                args[i] = Calendar.getInstance();
            } else if (types[i] == Class.class) {
                args[i] = String.class;
            }
        }
        return args;
    }

    /** Everything a getter's answer can show, read whole. */
    private static String text(Object value) throws Exception {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8) + new String(bytes, StandardCharsets.UTF_16BE);
        }
        if (value instanceof InputStream in) {
            byte[] bytes = in.readAllBytes();
            return new String(bytes, StandardCharsets.UTF_8) + new String(bytes, StandardCharsets.UTF_16BE);
        }
        if (value instanceof Reader reader) {
            StringBuilder result = new StringBuilder();
            char[] buffer = new char[256];
            for (int read; (read = reader.read(buffer)) > 0; ) {
                result.append(buffer, 0, read);
            }
            return result.toString();
        }
        if (value instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        if (value instanceof Blob blob) {
            return new String(blob.getBytes(1, (int) blob.length()), StandardCharsets.UTF_8);
        }
        return String.valueOf(value);
    }
}
