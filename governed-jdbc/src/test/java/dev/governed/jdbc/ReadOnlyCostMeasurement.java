package dev.governed.jdbc;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What making the database enforce read-only costs per point select on the embedded PostgreSQL,
 * through the raw driver: nothing held (baseline), the session held read-only (what Governed does
 * for a caller who may not write), and each statement in its own read-only transaction (the
 * per-statement variant for callers who may write some tables). Run with -Dgoverned.measure=true.
 */
@EnabledIfSystemProperty(named = "governed.measure", matches = "true")
class ReadOnlyCostMeasurement {

    private static final int ROUNDS = 5;
    private static final int STATEMENTS = 2_000;

    @Test
    void measure() throws SQLException {
        DataSource database = PostgresFixture.shared().newDatabase("readonly_cost");
        try (Connection raw = database.getConnection(); Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE orders (id INT PRIMARY KEY, status TEXT)");
            statement.execute("INSERT INTO orders SELECT g, 'open' FROM generate_series(1, 1000) g");
        }
        for (int round = 0; round < ROUNDS; round++) {
            long plain = run(database, "plain");
            long session = run(database, "session");
            long perStatement = run(database, "per-statement");
            System.out.printf("round %d: plain %.1f µs, session read-only %.1f µs, per-statement read-only"
                    + " transaction %.1f µs per statement%n", round, plain / 1000.0 / STATEMENTS,
                    session / 1000.0 / STATEMENTS, perStatement / 1000.0 / STATEMENTS);
        }
    }

    private static long run(DataSource database, String mode) throws SQLException {
        try (Connection raw = database.getConnection();
                PreparedStatement select = raw.prepareStatement("SELECT status FROM orders WHERE id = ?")) {
            if (mode.equals("session")) {
                try (Statement statement = raw.createStatement()) {
                    statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                }
            }
            long start = System.nanoTime();
            for (int i = 0; i < STATEMENTS; i++) {
                if (mode.equals("per-statement")) {
                    raw.setAutoCommit(false);
                    raw.setReadOnly(true); // the driver opens the transaction with BEGIN READ ONLY
                }
                select.setInt(1, 1 + i % 1000);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                }
                if (mode.equals("per-statement")) {
                    raw.commit();
                    raw.setReadOnly(false);
                    raw.setAutoCommit(true);
                }
            }
            return System.nanoTime() - start;
        }
    }
}
