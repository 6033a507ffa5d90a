package dev.governed.jdbc;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What making the database enforce read-only costs on the embedded PostgreSQL. Through the raw
 * driver, per point select: nothing held (baseline), the session held read-only (what Governed
 * does for a run of reads), and each statement in its own read-only transaction (the rejected
 * per-statement variant); per statement of a run that alternates a read and an insert, the worst
 * case of a mixed policy: nothing held, the session switched at every change (what Governed does),
 * and each read in its own read-only transaction. Through Governed, per point select: a caller who
 * may not write and one who may (the mixed case). Run with -Dgoverned.measure=true.
 */
@EnabledIfSystemProperty(named = "governed.measure", matches = "true")
class ReadOnlyCostMeasurement {

    private static final int ROUNDS = 7;
    private static final int STATEMENTS = 2_000;
    private static final String SELECT = "SELECT status FROM orders WHERE id = ?";

    @Test
    void measure() throws SQLException {
        PostgresFixture postgres = PostgresFixture.shared();
        DataSource database = postgres.newDatabase("readonly_cost");
        try (Connection raw = database.getConnection(); Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status TEXT)");
            statement.execute("INSERT INTO orders SELECT g, 'open' FROM generate_series(1, 1000) g");
            statement.execute("CREATE TABLE notes (id SERIAL PRIMARY KEY, note TEXT)");
        }
        String[] names = {"reads, plain", "reads, session read-only", "reads, read-only transaction each",
            "alternating, plain", "alternating, session switched at each change", "alternating, read-only transaction per read",
            "Governed reads, no-write caller", "Governed reads, mixed caller"};
        double[][] figures = new double[names.length][ROUNDS];
        try (GovernedFixture fixture = new GovernedFixture()) {
            String url = GovernedFixture.governedUrl(postgres.jdbcUrl("readonly_cost"));
            for (int round = 0; round < ROUNDS; round++) {
                figures[0][round] = perStatement(reads(database, "plain"));
                figures[1][round] = perStatement(reads(database, "session"));
                figures[2][round] = perStatement(reads(database, "per-statement"));
                figures[3][round] = perStatement(alternating(database, "plain"));
                figures[4][round] = perStatement(alternating(database, "session"));
                figures[5][round] = perStatement(alternating(database, "per-statement"));
                figures[6][round] = perStatement(governedReads(fixture, url, "analysts"));
                figures[7][round] = perStatement(governedReads(fixture, url, "writers"));
            }
        }
        for (int i = 0; i < names.length; i++) {
            double[] each = figures[i].clone();
            java.util.Arrays.sort(each);
            System.out.printf("%-48s min %6.1f µs  median %6.1f µs  max %6.1f µs per statement%n", names[i], each[0],
                    each[ROUNDS / 2], each[ROUNDS - 1]);
        }
    }

    private static double perStatement(long nanos) {
        return nanos / 1000.0 / STATEMENTS;
    }

    private static long reads(DataSource database, String mode) throws SQLException {
        try (Connection raw = database.getConnection(); PreparedStatement select = raw.prepareStatement(SELECT)) {
            if (mode.equals("session")) {
                try (Statement statement = raw.createStatement()) {
                    statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                }
            }
            long start = System.nanoTime();
            for (int i = 0; i < STATEMENTS; i++) {
                if (mode.equals("per-statement")) {
                    beginReadOnly(raw);
                }
                select(select, i);
                if (mode.equals("per-statement")) {
                    endReadOnly(raw);
                }
            }
            return System.nanoTime() - start;
        }
    }

    /** STATEMENTS statements, half reads and half inserts, alternating. */
    private static long alternating(DataSource database, String mode) throws SQLException {
        try (Connection raw = database.getConnection(); PreparedStatement select = raw.prepareStatement(SELECT);
                PreparedStatement insert = raw.prepareStatement("INSERT INTO notes (note) VALUES ('x')");
                Statement session = raw.createStatement()) {
            long start = System.nanoTime();
            for (int i = 0; i < STATEMENTS / 2; i++) {
                if (mode.equals("session")) {
                    session.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                } else if (mode.equals("per-statement")) {
                    beginReadOnly(raw);
                }
                select(select, i);
                if (mode.equals("session")) {
                    session.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
                } else if (mode.equals("per-statement")) {
                    endReadOnly(raw);
                }
                insert.executeUpdate();
            }
            return System.nanoTime() - start;
        }
    }

    private static long governedReads(GovernedFixture fixture, String url, String group) throws SQLException {
        Properties properties = fixture.properties(fixture.idp.token().subject("agent:" + group).groups(group).sign());
        properties.setProperty("governed.policy", ReadOnlyDefenceTest.POLICY);
        properties.setProperty("user", PostgresFixture.shared().user());
        properties.setProperty("password", PostgresFixture.shared().password());
        try (Connection connection = DriverManager.getConnection(url, properties);
                PreparedStatement select = connection.prepareStatement(SELECT)) {
            select(select, 0); // the one switch to read-only, outside the timing
            long start = System.nanoTime();
            for (int i = 0; i < STATEMENTS; i++) {
                select(select, i);
            }
            return System.nanoTime() - start;
        }
    }

    private static void select(PreparedStatement select, int i) throws SQLException {
        select.setInt(1, 1 + i % 1000);
        try (ResultSet rows = select.executeQuery()) {
            rows.next();
        }
    }

    private static void beginReadOnly(Connection raw) throws SQLException {
        raw.setAutoCommit(false);
        raw.setReadOnly(true); // the driver opens the transaction with BEGIN READ ONLY, sent with the query
    }

    private static void endReadOnly(Connection raw) throws SQLException {
        raw.commit();
        raw.setReadOnly(false);
        raw.setAutoCommit(true);
    }
}
