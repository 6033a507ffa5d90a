package dev.governed.service;

import dev.governed.testsupport.PostgresFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A customer database on the shared embedded PostgreSQL for just-in-time credentials: a minting user with CREATEROLE
 * (not a superuser) that owns the tables, a plain user without it, and a few tables with data.
 */
public final class MintingTarget {
    public static final String POLICY = """
            version: %d
            defaults: { effect: deny }
            rules:
              - id: support-read
                when: { groups: [support-agents], resources: [%s] }
                sql: { operations: [select], tables: [%s] }
                effect: allow
              - id: notes-write
                when: { groups: [support-agents], resources: [%s] }
                sql: { operations: [select, insert], tables: [public.notes] }
                effect: allow
              - id: data-auditors-read-everything-public
                when: { groups: [data-auditors], resources: [%s] }
                sql: { operations: [select], tables: ["public.*"] }
                effect: allow
              - id: order-updates-need-approval
                when: { groups: [support-agents] }
                sql: { operations: [update, delete], tables: [public.orders] }
                effect: approve
                approval: { approvers: { groups: [dba] }, mode: once }
            masks:
              - columns: [public.customers.ssn]
                strategy: keep-last
                keep: 4
              - columns: ["*.email"]
                strategy: email
            """;

    public final PostgresFixture postgres = PostgresFixture.shared();
    public final String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    public final String minter = "jit_minter_" + suffix;
    public final String minterPassword = "minter-Pa55-" + UUID.randomUUID();
    public final String plain = "jit_plain_" + suffix;
    public final String database = "jit_target_" + suffix;

    public MintingTarget() throws SQLException {
        DataSource superuser = postgres.newDatabase(database);
        try (Connection connection = superuser.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE ROLE " + minter + " LOGIN CREATEROLE PASSWORD '" + minterPassword + "'");
            sql.execute("CREATE ROLE " + plain + " LOGIN PASSWORD 'plain-pw'");
            sql.execute("GRANT CREATE ON DATABASE " + database + " TO " + minter);
            sql.execute("CREATE TABLE public.orders (id serial PRIMARY KEY, customer_id int, amount numeric, status text)");
            sql.execute("CREATE TABLE public.customers (id int PRIMARY KEY, name text, ssn text, email text)");
            sql.execute("CREATE TABLE public.payroll (id int PRIMARY KEY, salary int)");
            sql.execute("CREATE TABLE public.notes (id serial PRIMARY KEY, note text)");
            sql.execute("CREATE SCHEMA hr");
            sql.execute("CREATE TABLE hr.reviews (id int, verdict text)");
            for (String table : List.of("public.orders", "public.customers", "public.payroll", "public.notes", "hr.reviews")) {
                sql.execute("ALTER TABLE " + table + " OWNER TO " + minter);
            }
            sql.execute("ALTER SCHEMA hr OWNER TO " + minter);
            sql.execute("INSERT INTO public.customers VALUES (1, 'Ada', '123-45-6789', 'ada@example.com')");
            sql.execute("INSERT INTO public.orders (customer_id, amount, status) VALUES (1, 10, 'open'), (1, 20, 'shipped')");
            sql.execute("INSERT INTO public.payroll VALUES (1, 100000)");
        }
    }

    public String url() {
        return postgres.jdbcUrl(database);
    }

    /** The policy document of {@code version} for resource {@code resource}, letting support agents read {@code readable}. */
    public static String policy(int version, String resource, String readable) {
        return POLICY.formatted(version, resource, readable, resource, resource);
    }

    /** The body of a minting profile for this target. */
    public String profile(String groups) {
        return """
                {"url": "%s", "user": "%s", "password": "%s", "allowed": {"groups": [%s]}}""".formatted(url(), minter, minterPassword, groups);
    }

    public boolean roleExists(String login) {
        try (Connection connection = postgres.dataSource(database).getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + login + "'")) {
            return rows.next();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A superuser connection to the target, to look at what minting did. */
    public Connection superuser() throws SQLException {
        return postgres.dataSource(database).getConnection();
    }
}
