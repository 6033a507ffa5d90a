package dev.governed.jdbc.internal.sql;

import java.util.Optional;
import java.util.concurrent.TimeoutException;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statements;

/**
 * Parses a text exactly as written, literals included, for tracing its result columns: a literal's value can
 * decide whether a computation may fail, so the literal-free tree of the analysis cache does not serve. Every
 * parse runs like the analysis's own, on the shared parser threads and within the same time budget, so no
 * text can hold a caller's thread longer than that.
 */
public final class ExactParser {

    /** As long as one text's analysis may take. */
    private static final long BUDGET_NANOS = 500_000_000L;

    private ExactParser() {}

    /** The statements of {@code sql}, or empty when JSqlParser cannot read it within the budget. */
    public static Optional<Statements> parse(String sql) {
        long deadline = System.nanoTime() + BUDGET_NANOS;
        for (boolean complex : new boolean[] {false, true}) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis < 1) {
                return Optional.empty();
            }
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(complex)
                    .withTimeOut(remainingMillis);
            try {
                return Optional.ofNullable(CCJSqlParserUtil.parseStatements(parser, ParserThreads.SHARED));
            } catch (JSQLParserException e) {
                if (e.getCause() instanceof TimeoutException) {
                    return Optional.empty();
                }
                if (e.getCause() instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
                // the simple grammar failed: the complex one (SUBSTRING(x FROM 1 FOR 3), named arguments) next
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
