package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governed.policy.SqlOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyzerCacheAndLimitsTest {

    @Test
    void aCacheHitDoesNotParseAgain() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        StatementAnalysis first = analyzer.analyze("SELECT * FROM orders WHERE id = 41");
        long parses = analyzer.parseCount();
        assertThat(parses).isEqualTo(1);
        StatementAnalysis second = analyzer.analyze("SELECT  *  FROM orders\n WHERE id = 42");
        StatementAnalysis third = analyzer.analyze("SELECT * FROM orders WHERE id = 43 /* another */");
        assertThat(analyzer.parseCount()).isEqualTo(parses);
        assertThat(second).isSameAs(first);
        assertThat(third).isSameAs(first);
    }

    @Test
    void aDifferentStatementIsParsed() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        analyzer.analyze("SELECT * FROM orders WHERE id = 41");
        analyzer.analyze("SELECT * FROM orders ORDER BY 1");
        analyzer.analyze("SELECT * FROM orders ORDER BY 2");
        assertThat(analyzer.parseCount()).isEqualTo(3);
    }

    @Test
    void unanalysableResultsAreCachedToo() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        StatementAnalysis first = analyzer.analyze("SELEC * FROM t WHERE a = 1");
        assertThat(first.isAnalysable()).isFalse();
        long parses = analyzer.parseCount();
        assertThat(analyzer.analyze("SELEC * FROM t WHERE a = 2")).isSameAs(first);
        assertThat(analyzer.parseCount()).isEqualTo(parses);
    }

    @Test
    void aCacheHitCostsMicroseconds() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        String sql = "SELECT o.id, o.total FROM public.orders o WHERE o.customer_id = 4711 AND o.status = 'open'";
        analyzer.analyze(sql);
        int rounds = 200_000;
        for (int i = 0; i < rounds; i++) {
            analyzer.analyze(sql);
        }
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            analyzer.analyze(sql);
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / rounds;
        assertThat(analyzer.parseCount()).isEqualTo(1);
        // About 1.5 us on a quiet core; the bound leaves room for a busy shared build machine.
        assertThat(micros).as("microseconds per cache hit").isLessThan(25.0);
        System.out.printf("analyze, cache hit: %.2f us%n", micros);
    }

    @Test
    void veryLongTextsAreAnalysedButNotCached() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().parseTimeout(Duration.ofSeconds(30)).build();
        String longText = "SELECT " + IntStream.range(0, 12_000).mapToObj(i -> "c" + i).collect(Collectors.joining(", "))
                + " FROM t";
        assertThat(longText.length()).isGreaterThan(64 * 1024);
        assertThat(analyzer.analyze(longText).isAnalysable()).isTrue();
        long parses = analyzer.parseCount();
        analyzer.analyze(longText);
        assertThat(analyzer.parseCount()).isEqualTo(parses + 1);
    }

    @Test
    void aZeroSizedCacheStillAnalysesCorrectly() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().cacheSize(0).build();
        assertThat(analyzer.analyze("SELECT * FROM t").statements().get(0).operation()).isEqualTo(SqlOperation.SELECT);
        assertThat(analyzer.analyze("DROP TABLE t").statements().get(0).operation()).isEqualTo(SqlOperation.DROP);
    }

    @Test
    void aParseThatOverrunsItsTimeIsUnanalysableAndNotCached() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().parseTimeout(Duration.ofMillis(50)).build();
        // Tokenizing this takes milliseconds; JSqlParser needs about a second for it.
        String huge = "SELECT " + IntStream.range(0, 5_000).mapToObj(i -> "c" + i + " + (c" + i + " * 2)")
                .collect(Collectors.joining(", ")) + " FROM t";
        StatementAnalysis analysis = analyzer.analyze(huge);
        assertThat(analysis.isAnalysable()).isFalse();
        assertThat(analysis.unanalysableReason()).contains("longer than 50 ms");
        assertThat(analyzer.parseCount()).as("the parse was started and abandoned").isEqualTo(1);
        StatementAnalysis again = analyzer.analyze(huge);
        assertThat(again.isAnalysable()).isFalse();
        assertThat(again).as("a timeout is retried, not cached").isNotSameAs(analysis);
        assertThat(analyzer.analyze("SELECT * FROM t WHERE id = 1").isAnalysable())
                .as("the shared parser threads are free again").isTrue();
    }

    @Test
    void abandonedParsesStopAndFreeTheSharedThreads() {
        SqlAnalyzer impatient = SqlAnalyzer.builder().parseTimeout(Duration.ofMillis(20)).build();
        String huge = "SELECT " + IntStream.range(0, 5_000).mapToObj(i -> "c" + i + " + (c" + i + " * 2)")
                .collect(Collectors.joining(", ")) + " FROM t";
        for (int i = 0; i < 8; i++) {
            // Distinct texts, more than there are parser threads; each needs about a second to parse.
            assertThat(impatient.analyze(huge.replace("c1 ", "d" + i + " ")).isAnalysable()).isFalse();
        }
        SqlAnalyzer next = SqlAnalyzer.builder().parseTimeout(Duration.ofSeconds(1)).build();
        assertThat(next.analyze("SELECT * FROM fresh WHERE q = 1").isAnalysable())
                .as("the abandoned parses no longer occupy the shared threads").isTrue();
    }

    @Test
    void aGenerousTimeoutParsesTheSameStatement() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().parseTimeout(Duration.ofSeconds(30)).build();
        String big = "SELECT " + IntStream.range(0, 2_000).mapToObj(i -> "c" + i).collect(Collectors.joining(", "))
                + " FROM t";
        assertThat(analyzer.analyze(big).isAnalysable()).isTrue();
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {
        "", "   ", ";", "-- only a comment", "/* only */", "garbage text here", "SELECT FROM WHERE",
        "SELECT 'unterminated", "SELECT \"unterminated", "SELECT 1 /* unterminated", "SELECT $$ unterminated",
        "SELECT ((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))",
        "SELECT 1 // h2 comment",
        "SELECT 'a\\' ; DROP TABLE t; --'",
        "SELECT\u00A01; DROP TABLE t",
        "SELECT $tag$ x $tag$",
        "\u0000"
    })
    void analyzeNeverThrowsAndExplainsWhatItCannotAnalyse(String sql) {
        StatementAnalysis analysis = SqlAnalyzer.builder().build().analyze(sql);
        assertThat(analysis.fingerprint()).hasSize(64);
        if (!analysis.isAnalysable()) {
            assertThat(analysis.unanalysableReason()).isNotBlank();
            assertThat(analysis.statements()).isEmpty();
        }
    }

    @Test
    void textsTheDatabasesReadDifferentlyAreUnanalysable() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        assertThat(analyzer.analyze("SELECT 'a\\'' ; DROP TABLE t; --'").unanalysableReason()).contains("backslash");
        assertThat(analyzer.analyze("SELECT 1 // x\n; DROP TABLE t").unanalysableReason()).contains("//");
        assertThat(analyzer.analyze("SELECT\u00A0$$ ' $$ ; DROP TABLE t; --'").unanalysableReason()).contains("U+00A0");
        assertThat(analyzer.analyze("SELECT $a$ ; DROP TABLE t; $a$").unanalysableReason()).contains("dollar");
        assertThat(analyzer.analyze("SELECT 'abc").unanalysableReason()).contains("unterminated");
        assertThat(analyzer.analyze(null).isAnalysable()).isFalse();
    }

    @Test
    void unparseableTextNamesTheStatementThatFailed() {
        StatementAnalysis analysis = SqlAnalyzer.builder().build().analyze("SELECT 1; FROB THE TABLE");
        assertThat(analysis.isAnalysable()).isFalse();
        assertThat(analysis.unanalysableReason()).startsWith("statement 2 of 2:");
    }

    @Test
    void concurrentCallersGetConsistentAnswers() throws Exception {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<StatementAnalysis>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                results.add(callers.submit(() -> analyzer.analyze("DELETE FROM t WHERE id = " + (id % 3) + "; SELECT " + id)));
            }
            for (Future<StatementAnalysis> each : results) {
                assertThat(each.get().statements()).extracting(AnalysedStatement::operation)
                        .containsExactly(SqlOperation.DELETE, SqlOperation.SELECT);
            }
            assertThat(analyzer.parseCount()).isLessThanOrEqualTo(16);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> SqlAnalyzer.builder().parseTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlAnalyzer.builder().cacheSize(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
