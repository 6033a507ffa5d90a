package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;

/**
 * Runs JSqlParser on one statement's tokens, on the shared parser threads, within a time
 * budget, with JSqlParser's slow second "complex" attempt switched off.
 */
final class StatementParser {

    /** A {@code ?} after these words stands for a string literal (DATE '...', COMMENT ... IS '...'). */
    private static final Set<String> TYPED_LITERAL_PREFIXES = Set.of("DATE", "TIME", "TIMESTAMP", "INTERVAL", "IS");

    private final ExecutorService parserThreads;
    private final AtomicLong parses = new AtomicLong();

    StatementParser(ExecutorService parserThreads) {
        this.parserThreads = parserThreads;
    }

    long parseCount() {
        return parses.get();
    }

    /**
     * Parses one statement, with its window frames and noise words given plainly ({@link
     * WindowFrames}, {@link NoiseWords}). JSqlParser accepts {@code ?} in fewer places than a literal
     * ({@code varchar(?)}, {@code DEFAULT ?}), so a failed parse is retried once with every {@code ?}
     * given as {@code 0}: still a function of the cache key alone. Then once with typed literals as
     * casts ({@link TypedLiterals}), a reading that is only right when the plain one failed.
     */
    Statement parse(List<Token> given, Budget budget) throws UnanalysableException, TimedOut {
        List<Token> tokens = NoiseWords.plain(WindowFrames.plain(postgresSpellings(given)));
        String withParameters = parseText(tokens, false);
        try {
            return parseOnce(withParameters, budget, false);
        } catch (UnanalysableException first) {
            String withNumbers = parseText(tokens, true);
            if (!withNumbers.equals(withParameters)) {
                try {
                    return parseOnce(withNumbers, budget, false);
                } catch (UnanalysableException second) {
                    // fall through to the typed literals
                }
            }
            List<Token> casts = TypedLiterals.cast(tokens);
            if (casts != tokens) {
                for (boolean numbers : new boolean[] {false, true}) {
                    try {
                        return parseOnce(parseText(casts, numbers), budget, false);
                    } catch (UnanalysableException second) {
                        // fall through to the slower grammar
                    }
                }
            }
            // JSqlParser reads SUBSTRING(x FROM 1 FOR 3), POSITION(a IN b), OVERLAY(…) and named
            // arguments (days => 1) only with its complex grammar, which is slower: tried last,
            // within the same time budget.
            try {
                return parseOnce(withParameters, budget, true);
            } catch (UnanalysableException third) {
                throw first;
            }
        }
    }

    /**
     * PostgreSQL spellings JSqlParser cannot read, each given in a form it can that names the same
     * tables, columns and functions (each class says why its rewrite keeps them). Only the parser's input
     * changes: the text analysed, audited and sent to the database stays the caller's.
     */
    private static List<Token> postgresSpellings(List<Token> tokens) {
        List<Token> result = OperatorSpellings.plain(tokens);
        result = ClauseSpellings.plain(result);
        result = FromItemSpellings.plain(result);
        result = GroupingSets.plain(result);
        result = ConflictTargets.plain(result);
        result = AssignmentTargets.plain(result);
        return MergeSpellings.plain(result);
    }

    private Statement parseOnce(String text, Budget budget, boolean complex) throws UnanalysableException, TimedOut {
        long remainingMillis = budget.remainingMillis();
        if (remainingMillis < 1) {
            throw new TimedOut();
        }
        CCJSqlParser parser = CCJSqlParserUtil.newParser(text)
                .withAllowComplexParsing(complex)
                .withTimeOut(remainingMillis);
        parses.incrementAndGet();
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(parser, parserThreads);
        } catch (JSQLParserException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new TimedOut();
            }
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new TimedOut();
            }
            throw new UnanalysableException("the SQL parser cannot read it (" + firstLine(e)
                    + "); Governed denies what it cannot analyse, so rewrite it in plainer SQL");
        }
        List<Statement> parsed = statements == null ? List.of()
                : statements.stream().filter(Objects::nonNull).toList();
        if (parsed.size() != 1) {
            throw new UnanalysableException("JSqlParser read " + parsed.size() + " statements where Governed read one");
        }
        return parsed.get(0);
    }

    /**
     * The text JSqlParser sees: the literal-free tokens, so the analysis depends on nothing
     * but the cache key. A {@code ?} standing for a typed string literal is given as {@code ''}.
     */
    private static String parseText(List<Token> tokens, boolean numbersForPlaceholders) {
        StringBuilder text = new StringBuilder();
        Token previous = null;
        for (Token each : tokens) {
            if (each.spaced() && text.length() > 0) {
                text.append(' ');
            }
            boolean placeholder = each.kind() == SqlLexer.Kind.PARAM && each.text().equals("?");
            boolean typedLiteral = placeholder && previous != null && previous.kind() == SqlLexer.Kind.WORD
                    && TYPED_LITERAL_PREFIXES.contains(previous.text().toUpperCase(Locale.ROOT));
            if (typedLiteral) {
                text.append("''");
            } else if (placeholder && numbersForPlaceholders) {
                text.append('0');
            } else {
                text.append(each.text());
            }
            previous = each;
        }
        return text.toString();
    }

    private static String firstLine(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The time all parses of one text share; it starts with the first parse, not with tokenizing. */
    static final class Budget {
        private final long nanos;
        private long deadline;
        private boolean started;

        Budget(long nanos) {
            this.nanos = nanos;
        }

        long remainingMillis() {
            if (!started) {
                started = true;
                deadline = System.nanoTime() + nanos;
            }
            return (deadline - System.nanoTime()) / 1_000_000;
        }
    }

    /** A parse that ran out of time. */
    static final class TimedOut extends Exception {
        private static final long serialVersionUID = 1L;

        TimedOut() {
            super(null, null, false, false);
        }
    }
}
