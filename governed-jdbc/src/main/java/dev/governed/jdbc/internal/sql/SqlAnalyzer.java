package dev.governed.jdbc.internal.sql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

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

    private static final int UNCACHED_LENGTH = 64 * 1024;

    private final StatementParser parser;
    private final TextAnalyser textAnalyser;
    private final Cache<String, StatementAnalysis> cache;

    private SqlAnalyzer(Builder builder) {
        this.parser = new StatementParser(builder.parserThreads);
        ParserWarmUp.start(builder.parserThreads);
        this.textAnalyser = new TextAnalyser(parser, builder.parseTimeout);
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
        StatementAnalysis cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        // Analysed outside the cache's locks, so a slow parse never holds up other keys;
        // concurrent misses of one key may both parse, and the first result stored wins.
        TextAnalyser.Outcome outcome;
        try {
            outcome = textAnalyser.analyse(key);
        } catch (RuntimeException | StackOverflowError e) {
            return StatementAnalysis.unanalysable(SqlNormaliser.sha256(key),
                    "the analysis failed unexpectedly (" + e.getClass().getSimpleName() + ")");
        }
        // A huge text would push hundreds of everyday statements out of the cache.
        if (!outcome.cacheable() || key.length() > UNCACHED_LENGTH) {
            return outcome.analysis();
        }
        StatementAnalysis raced = cache.asMap().putIfAbsent(key, outcome.analysis());
        return raced != null ? raced : outcome.analysis();
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
        return parser.parseCount();
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
