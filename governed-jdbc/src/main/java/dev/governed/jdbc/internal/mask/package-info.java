/**
 * Result-set masking that follows the data through aliases, expressions and subqueries (docs/limits.md).
 *
 * <p><b>Flow.</b> After the policy allows a statement, {@link dev.governed.jdbc.internal.mask.Masking} finds
 * the masks that apply to the caller on this datasource (per resource, minus {@code exempt}
 * callers). None: nothing else happens, and the result set is the plain governed wrapper. Some:
 * the statement's {@link dev.governed.jdbc.internal.mask.StatementLineage} (computed once per statement text and
 * schema by {@link dev.governed.jdbc.internal.mask.LineageAnalyzer}, cached) is matched against them by
 * {@link dev.governed.jdbc.internal.mask.MaskPlanner}, which either denies the statement or returns a
 * {@link dev.governed.jdbc.internal.mask.MaskPlan}: which result columns are masked, and how. The masking
 * result set (generated base {@code MaskingResultSetWrapper}) routes every getter and updater that
 * names a column through that plan, and checks the driver's columns against the analysis first.
 *
 * <p><b>Exhaustive walk.</b> Every node of the parse tree is dispatched on its exact class
 * ({@link dev.governed.jdbc.internal.mask.SyntaxNodes}); an unknown node class, or a query clause the walk
 * does not follow, makes the statement opaque, and it is denied while masks apply. Views are traced
 * through their catalog definitions, PostgreSQL inheritance and partitions share their relatives'
 * masks, and statistics relations ({@code pg_stats}, …) are denied. A statement that reads a masked
 * column anywhere has the database's error and warning text withheld. See {@code docs/masking.md}.
 *
 * <p><b>What is masked.</b> A masked column projected directly, under any alias, through derived
 * tables, CTEs (recursive ones too), set-operation branches, JOIN USING / NATURAL JOIN, {@code *},
 * {@code t.*}, LATERAL, scalar subqueries and value-preserving casts ({@code ::text},
 * {@code CAST(x AS VARCHAR)} without a length) keeps its strategy. Inside any other expression,
 * function or aggregate (including {@code string_agg}, {@code array_agg}, {@code json_agg},
 * {@code max}, {@code count}) the whole value is redacted, NULL included, unless the mask says
 * {@code onDerived: deny}. RETURNING and generated keys are masked like query results.
 *
 * <p><b>What is deliberately denied</b> while a mask applies to the caller (over-denying is
 * acceptable; a clear value is not):
 * <ul>
 *   <li>a masked column in WHERE, JOIN ON / USING, GROUP BY, HAVING, ORDER BY (also by alias or
 *       position), DISTINCT / DISTINCT ON, a window's PARTITION BY / ORDER BY, an aggregate's ORDER BY
 *       or FILTER, QUALIFY, LIMIT / OFFSET, an EXISTS / IN / scalar subquery used as a predicate, and
 *       UNION (without ALL), INTERSECT and EXCEPT, which compare values; a mask with
 *       {@code allowEquality: true} permits bare {@code =}, {@code <>}, {@code IN} and {@code IS NULL}
 *       comparisons of the column itself;</li>
 *   <li>a masked column in a derived expression when its mask says {@code onDerived: deny};</li>
 *   <li>side channels of a redacted value: a masked column in the arguments of a function in FROM or of
 *       a set-returning function (their row count), in a computation that can fail on its value or a
 *       condition deciding whether such a computation runs ({@code FailureDeciders});
 *       statement-text relations ({@code pg_stat_activity}, {@code pg_prepared_statements}, H2's
 *       {@code SESSIONS}), whose literals may be masked values;</li>
 *   <li>whole-row references that carry a masked column: {@code SELECT c FROM customers c},
 *       {@code row_to_json(c)}, {@code to_jsonb(c)}, {@code c::text}, {@code json_agg(c)}, {@code f(c.*)},
 *       and field access on a row {@code (c).ssn};</li>
 *   <li>statements that copy a masked column elsewhere: INSERT … SELECT / VALUES (subquery), UPDATE … SET
 *       from it, ON CONFLICT DO UPDATE from it, CREATE TABLE AS, CREATE VIEW, SELECT INTO;</li>
 *   <li>any function Governed does not know to read only its arguments (user-defined and unknown
 *       functions, whatever their arguments: one may read a masked table itself), and CALL;</li>
 *   <li>statements lineage cannot trace: MERGE, EXPLAIN, TABLE, COPY, data-modifying CTEs, PIVOT, LATERAL VIEW,
 *       table functions under {@code *}, anything that does not parse, and references it cannot resolve
 *       (an unknown column, a qualifier naming no table in scope);</li>
 *   <li>a masked column's name appearing anywhere the lineage walk did not resolve it (a safety net);</li>
 *   <li>a text of several statements where a later one returns masked columns;</li>
 *   <li>a result whose columns differ from the analysis (a table changed since): refused, caches
 *       cleared, the next execution is analysed afresh;</li>
 *   <li>reading CallableStatement OUT parameters, which cannot be traced to columns; updating a masked
 *       column through an updatable result set; unwrapping a masked result set to the driver's.</li>
 * </ul>
 *
 * <p><b>Audit.</b> The statement's event (recorded before any row is read) lists each masked output
 * column with its strategy and {@code values: 0}; when the masked result set is read to its end or
 * closed, a follow-up event for the same statement carries the rows read and, per column, the number
 * of values masked. Values never appear in either.
 */
package dev.governed.jdbc.internal.mask;
