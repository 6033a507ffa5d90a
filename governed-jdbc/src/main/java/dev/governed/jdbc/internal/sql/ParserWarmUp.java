package dev.governed.jdbc.internal.sql;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;

/**
 * Loads and initialises JSqlParser on a parser thread while the first connection goes on reading its
 * policy, keys and audit settings. A cold JVM otherwise spends about 130 ms of the first statement's
 * parse on it (benchmarks/ColdStart), inside that parse's time budget. Once per JVM; if it fails or
 * has not finished, the first parse loads the parser as before.
 */
final class ParserWarmUp {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private ParserWarmUp() {}

    static void start(ExecutorService parserThreads) {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        try {
            parserThreads.execute(ParserWarmUp::parseOnce);
        } catch (RejectedExecutionException e) {
            // nothing lost: the first statement loads the parser itself
        }
    }

    /** Parses a typical prepared statement straight on this thread; true if the parser read it. */
    static boolean parseOnce() {
        try {
            return CCJSqlParserUtil.newParser("SELECT a, b FROM t WHERE id = ? ORDER BY a")
                    .withAllowComplexParsing(false).Statements() != null;
        } catch (ParseException | RuntimeException | StackOverflowError e) {
            return false;
        }
    }
}
