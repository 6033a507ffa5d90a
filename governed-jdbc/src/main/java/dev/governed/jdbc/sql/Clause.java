package dev.governed.jdbc.sql;

/** Where in a statement a column is referenced. */
public enum Clause {
    SELECT, WHERE, JOIN, GROUP_BY, HAVING, ORDER_BY, SET, RETURNING, OTHER
}
