/**
 * SQL analysis: text in, {@link dev.governed.jdbc.internal.sql.StatementAnalysis} out.
 *
 * <p>{@link dev.governed.jdbc.internal.sql.SqlAnalyzer} is the only public class. Its path for one text:
 * a single-pass lexer ({@code SqlLexer}) draws token boundaries as PostgreSQL and H2 both
 * do and flags texts they would read differently; {@code SqlNormaliser} turns the tokens
 * into the literal-free cache key; on a cache miss the key is split at {@code ;}, each
 * statement goes first to {@code StatementRecogniser} (transactions, session settings,
 * privileged statements, COPY, GRANT, EXPLAIN) and otherwise to JSqlParser on the shared
 * {@code ParserThreads} with a time limit (PostgreSQL spellings it cannot read given to it in an equivalent
 * form first: {@code OperatorSpellings}, {@code ClauseSpellings}, {@code FromItemSpellings},
 * {@code GroupingSets}, {@code ConflictTargets}, {@code AssignmentTargets}, {@code MergeSpellings},
 * {@code TypedLiterals}; only the parser's input changes, never the text analysed or audited), and {@code TreeWalker} turns the syntax tree into
 * tables, columns and nested writes. {@code PrivilegedNames} lists every name that makes a
 * statement privileged. Anything not fully understood is unanalysable, with the reason.
 */
package dev.governed.jdbc.internal.sql;
