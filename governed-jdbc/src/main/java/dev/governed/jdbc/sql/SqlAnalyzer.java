package dev.governed.jdbc.sql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.governed.jdbc.sql.SqlLexer.Token;
import dev.governed.policy.SqlOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Turns SQL text into a {@link StatementAnalysis}: what every statement in it does, to
 * which tables, and which columns each clause names.
 *
 * <p>Results are cached by the text's literal-free form ({@link #normalised}), so
 * {@code WHERE id = 41} and {@code WHERE id = 42} share one parse and a cache hit costs
 * one pass over the characters. {@link #analyze} never throws: text it cannot fully
 * understand, including a parse that overruns {@code parseTimeout}, is unanalysable and
 * carries the reason.
 *
 * <pre>{@code
 * SqlAnalyzer analyzer = SqlAnalyzer.builder().parseTimeout(Duration.ofMillis(500)).cacheSize(10_000).build();
 * StatementAnalysis analysis = analyzer.analyze("DELETE FROM orders WHERE id = 7");
 * }</pre>
 */
public final class SqlAnalyzer {

    private final Duration parseTimeout;
    private final ExecutorService parserThreads;
    private final Cache<String, StatementAnalysis> cache;
    private final AtomicLong parses = new AtomicLong();

    private SqlAnalyzer(Builder builder) {
        this.parseTimeout = builder.parseTimeout;
        this.parserThreads = builder.parserThreads;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(builder.cacheSize)
                // Long texts weigh one unit per KiB so the cache's memory stays bounded.
                .weigher((String key, StatementAnalysis value) -> 1 + key.length() / 1024)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The analysis of {@code sql}; never throws, and never parses a text whose literal-free form it has seen. */
    public StatementAnalysis analyze(String sql) {
        if (sql == null) {
            return StatementAnalysis.unanalysable(SqlNormaliser.sha256(""), "the SQL text is null");
        }
        String key;
        try {
            key = SqlNormaliser.normalise(sql);
        } catch (RuntimeException | StackOverflowError e) {
            return StatementAnalysis.unanalysable(SqlNormaliser.sha256(""),
                    "the SQL text could not be tokenized (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return cache.get(key, this::analyseKey);
        } catch (NotCached e) {
            return e.analysis;
        } catch (RuntimeException | StackOverflowError e) {
            return StatementAnalysis.unanalysable(SqlNormaliser.sha256(key),
                    "the analysis failed unexpectedly (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Hex SHA-256 of the literal-free form of {@code sql}: the fingerprint audit events carry. */
    public String fingerprint(String sql) {
        return SqlNormaliser.sha256(normalised(sql));
    }

    /**
     * The literal-free form of {@code sql} the cache is keyed on: literals replaced by {@code ?},
     * comments removed, whitespace collapsed. Safe to record where literal values must not appear.
     */
    public String normalised(String sql) {
        return sql == null ? "" : SqlNormaliser.normalise(sql);
    }

    /** How many times JSqlParser has been run; for tests that prove cache hits do not parse. */
    long parseCount() {
        return parses.get();
    }

    private StatementAnalysis analyseKey(String key) {
        String fingerprint = SqlNormaliser.sha256(key);
        String problem = SqlNormaliser.problemOf(key);
        if (problem != null) {
            return StatementAnalysis.unanalysable(fingerprint, "the SQL text cannot be read unambiguously: " + problem);
        }
        List<List<Token>> statements = split(SqlNormaliser.tokens(key));
        if (statements.isEmpty()) {
            return StatementAnalysis.unanalysable(fingerprint, "the SQL text holds no statement");
        }
        ParseBudget budget = new ParseBudget(parseTimeout.toNanos());
        List<AnalysedStatement> result = new ArrayList<>();
        boolean schemaChanged = false;
        for (int i = 0; i < statements.size(); i++) {
            try {
                List<AnalysedStatement> analysed = analyseStatement(statements.get(i), null, budget);
                if (schemaChanged) {
                    requireQualified(analysed);
                }
                schemaChanged |= changesSchema(statements.get(i));
                result.addAll(analysed);
            } catch (UnanalysableException e) {
                String where = statements.size() == 1 ? "" : "statement " + (i + 1) + " of " + statements.size() + ": ";
                return StatementAnalysis.unanalysable(fingerprint, where + e.getMessage());
            } catch (ParseTimedOut e) {
                throw new NotCached(StatementAnalysis.unanalysable(fingerprint, "parsing took longer than "
                        + parseTimeout.toMillis() + " ms; simplify the statement or raise the parse timeout"));
            }
        }
        return new StatementAnalysis(fingerprint, result, null);
    }

    /**
     * Unqualified tables are resolved against the connection's schema as it was before the
     * text ran; after {@code SET search_path} in the same text that would name the wrong table.
     */
    private static void requireQualified(List<AnalysedStatement> analysed) throws UnanalysableException {
        for (AnalysedStatement each : analysed) {
            for (var table : concat(each.tablesRead(), each.tablesWritten())) {
                if (table.schema() == null) {
                    throw new UnanalysableException("an earlier statement in the same text changes the schema search "
                            + "path, so the unqualified table '" + table.name() + "' cannot be resolved; qualify it or "
                            + "send the statements separately");
                }
            }
        }
    }

    private static List<dev.governed.policy.TableName> concat(Set<dev.governed.policy.TableName> first,
            Set<dev.governed.policy.TableName> second) {
        List<dev.governed.policy.TableName> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static boolean changesSchema(List<Token> statement) {
        Token first = statement.get(0);
        if (!(first.isWord("SET") || first.isWord("RESET") || first.isWord("DISCARD"))) {
            return false;
        }
        for (Token each : statement) {
            if (each.kind() == SqlLexer.Kind.WORD || each.kind() == SqlLexer.Kind.QUOTED) {
                String name = Names.identifier(each.text());
                if (SCHEMA_SETTINGS.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Words that, in a SET, RESET or DISCARD, may change which schema unqualified names resolve in. */
    private static final Set<String> SCHEMA_SETTINGS = Set.of("search_path", "schema", "schema_search_path", "all");

    private List<AnalysedStatement> analyseStatement(List<Token> tokens, SqlOperation asOperation, ParseBudget budget)
            throws UnanalysableException, ParseTimedOut {
        Recognition recognition = StatementRecogniser.recognise(tokens);
        List<AnalysedStatement> result;
        if (recognition instanceof Recognition.Known known) {
            result = List.of(known.statement());
        } else if (recognition instanceof Recognition.Wrapped wrapped) {
            return analyseStatement(wrapped.inner(), wrapped.asOperation() != null ? wrapped.asOperation() : asOperation,
                    budget);
        } else if (recognition instanceof Recognition.Refused refused) {
            throw new UnanalysableException(refused.reason());
        } else {
            result = TreeWalker.analyse(parse(tokens, budget));
        }
        result = privilegedCalls(tokens, result);
        return asOperation == null ? result : as(asOperation, result);
    }

    /**
     * A safety net under the syntax tree: JSqlParser keeps some clauses (column DEFAULTs,
     * options) as plain strings, so a privileged function called there is found by its tokens.
     */
    private static List<AnalysedStatement> privilegedCalls(List<Token> tokens, List<AnalysedStatement> result) {
        AnalysedStatement main = result.get(result.size() - 1);
        if (main.operation().isPrivileged() || !callsPrivilegedFunction(tokens)) {
            return result;
        }
        List<AnalysedStatement> marked = new ArrayList<>(result.subList(0, result.size() - 1));
        marked.add(new AnalysedStatement(SqlOperation.EXECUTE, main.tablesRead(), main.tablesWritten(), main.hasWhere(),
                main.columns()));
        return marked;
    }

    private static boolean callsPrivilegedFunction(List<Token> tokens) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token each = tokens.get(i);
            boolean name = each.kind() == SqlLexer.Kind.WORD || each.kind() == SqlLexer.Kind.QUOTED;
            if (name && tokens.get(i + 1).isSymbol('(')
                    && PrivilegedNames.isPrivilegedFunctionExactly(Names.identifier(each.text()))) {
                return true;
            }
        }
        return false;
    }

    /** COPY (query) TO ...: a plain query becomes the COPY; anything else stays and the COPY is added. */
    private static List<AnalysedStatement> as(SqlOperation operation, List<AnalysedStatement> inner) {
        List<AnalysedStatement> result = new ArrayList<>(inner);
        AnalysedStatement main = result.remove(result.size() - 1);
        AnalysedStatement copy = new AnalysedStatement(operation, main.tablesRead(), main.tablesWritten(), true,
                main.columns());
        if (main.operation() != SqlOperation.SELECT) {
            result.add(main);
        }
        result.add(copy);
        return result;
    }

    /**
     * Parses one statement. JSqlParser accepts {@code ?} in fewer places than a literal
     * ({@code varchar(?)}, {@code DEFAULT ?}), so a failed parse is retried once with
     * every {@code ?} given as {@code 0}: still a function of the cache key alone.
     */
    private Statement parse(List<Token> tokens, ParseBudget budget) throws UnanalysableException, ParseTimedOut {
        String withParameters = parseText(tokens, false);
        try {
            return parseOnce(withParameters, budget);
        } catch (UnanalysableException first) {
            String withNumbers = parseText(tokens, true);
            if (withNumbers.equals(withParameters)) {
                throw first;
            }
            try {
                return parseOnce(withNumbers, budget);
            } catch (UnanalysableException second) {
                throw first;
            }
        }
    }

    private Statement parseOnce(String text, ParseBudget budget) throws UnanalysableException, ParseTimedOut {
        long remainingMillis = budget.remainingMillis();
        if (remainingMillis < 1) {
            throw new ParseTimedOut();
        }
        CCJSqlParser parser = CCJSqlParserUtil.newParser(text)
                .withAllowComplexParsing(false)
                .withTimeOut(remainingMillis);
        parses.incrementAndGet();
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(parser, parserThreads);
        } catch (JSQLParserException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw new ParseTimedOut();
            }
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new ParseTimedOut();
            }
            throw new UnanalysableException("JSqlParser cannot parse it: " + firstLine(e));
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
     * but the cache key. A {@code ?} after DATE, TIME, TIMESTAMP, INTERVAL (typed literals) or IS
     * (COMMENT ON ... IS) stands for a string there, and is given to JSqlParser as one.
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
                    && TYPED_LITERAL_PREFIXES.contains(previous.text().toUpperCase(java.util.Locale.ROOT));
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

    private static final Set<String> TYPED_LITERAL_PREFIXES = Set.of("DATE", "TIME", "TIMESTAMP", "INTERVAL", "IS");

    private static List<List<Token>> split(List<Token> tokens) {
        List<List<Token>> result = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            if (i == tokens.size() || tokens.get(i).isSymbol(';')) {
                if (i > start) {
                    result.add(tokens.subList(start, i));
                }
                start = i + 1;
            }
        }
        return result;
    }

    private static String firstLine(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The time all parses of one text share; it starts with the first parse, not with tokenizing. */
    private static final class ParseBudget {
        private final long nanos;
        private long deadline;
        private boolean started;

        ParseBudget(long nanos) {
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

    /** A parse that ran out of time: reported, but not cached, since the next try may be faster. */
    private static final class ParseTimedOut extends Exception {
        ParseTimedOut() {
            super(null, null, false, false);
        }
    }

    private static final class NotCached extends RuntimeException {
        private final transient StatementAnalysis analysis;

        NotCached(StatementAnalysis analysis) {
            super(null, null, false, false);
            this.analysis = analysis;
        }
    }

    /** Configures a {@link SqlAnalyzer}. */
    public static final class Builder {
        private Duration parseTimeout = Duration.ofMillis(500);
        private long cacheSize = 10_000;
        private ExecutorService parserThreads = ParserThreads.SHARED;

        private Builder() {}

        /** How long one SQL text may take to parse before it is unanalysable; default 500 ms. */
        public Builder parseTimeout(Duration parseTimeout) {
            if (parseTimeout == null || parseTimeout.isNegative() || parseTimeout.isZero()) {
                throw new IllegalArgumentException("parseTimeout must be positive, was " + parseTimeout);
            }
            this.parseTimeout = parseTimeout;
            return this;
        }

        /**
         * How many analyses to keep, counting a text longer than 1 KiB once per KiB;
         * default 10,000. Zero disables caching.
         */
        public Builder cacheSize(long cacheSize) {
            if (cacheSize < 0) {
                throw new IllegalArgumentException("cacheSize must not be negative, was " + cacheSize);
            }
            this.cacheSize = cacheSize;
            return this;
        }

        public SqlAnalyzer build() {
            return new SqlAnalyzer(this);
        }
    }
}
