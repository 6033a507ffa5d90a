package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FingerprintTest {

    private final SqlAnalyzer analyzer = SqlAnalyzer.builder().build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            SELECT * FROM t WHERE id = 42                       | SELECT * FROM t WHERE id = ?
            SELECT  *\\tFROM\\n t  WHERE id=42                    | SELECT * FROM t WHERE id=?
            SELECT 'a''b', E'x\\\\y', N'n', X'FF', B'101', U&'d\\0061' | SELECT ?, ?, ?, ?, ?, ?
            SELECT $$ it's $$                                   | SELECT ?
            SELECT 1.5e10, .5, 0x1F, 1_000                      | SELECT ?, ?, ?, ?
            SELECT a /* note */ FROM t -- trailing              | SELECT a FROM t
            SELECT a /* outer /* inner */ still */ FROM t       | SELECT a FROM t
            SELECT a-/**/-1 FROM t                              | SELECT a- -? FROM t
            SELECT "Mixed Case", "a""b" FROM "T"                | SELECT "Mixed Case", "a""b" FROM "T"
            SELECT * FROM t WHERE a = ? AND b = $1              | SELECT * FROM t WHERE a = ? AND b = $1
            SELECT * FROM t WHERE flag = TRUE OR x IS NULL      | SELECT * FROM t WHERE flag = TRUE OR x IS NULL
            SELECT a FROM t ORDER BY 1, 2 DESC                  | SELECT a FROM t ORDER BY 1, 2 DESC
            SELECT a, count(*) FROM t GROUP BY 1 HAVING count(*) > 5 | SELECT a, count(*) FROM t GROUP BY 1 HAVING count(*) > ?
            SELECT a FROM t ORDER BY a LIMIT 10 OFFSET 20       | SELECT a FROM t ORDER BY a LIMIT ? OFFSET ?
            SELECT a FROM t GROUP BY ROLLUP (1, 2)              | SELECT a FROM t GROUP BY ROLLUP (1, 2)
            SELECT x::int, '{1}'::int[] FROM t                  | SELECT x::int, ?::int[] FROM t
            """)
    void normalisationReplacesLiteralsAndKeepsEverythingElse(String sql, String expected) {
        assertThat(analyzer.normalised(sql.replace("\\t", "\t").replace("\\n", "\n"))).isEqualTo(expected);
    }

    @Test
    void statementsDifferingOnlyInLiteralsShareAFingerprint() {
        assertThat(analyzer.fingerprint("SELECT * FROM t WHERE id = 41"))
                .isEqualTo(analyzer.fingerprint("SELECT * FROM t WHERE id = 42"))
                .isEqualTo(analyzer.fingerprint("SELECT * FROM t  WHERE id = 42 -- again"));
        assertThat(analyzer.fingerprint("SELECT * FROM t WHERE name = 'bob'"))
                .isEqualTo(analyzer.fingerprint("SELECT * FROM t WHERE name = $$alice$$"));
    }

    @Test
    void theFingerprintIsAHexSha256OfTheNormalisedText() {
        String fingerprint = analyzer.fingerprint("SELECT 1");
        assertThat(fingerprint).hasSize(64).matches("[0-9a-f]+");
        assertThat(analyzer.analyze("SELECT 2").fingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void positionalOrderAndGroupByAreNeverMerged() {
        assertDistinct("SELECT a, b FROM t ORDER BY 1", "SELECT a, b FROM t ORDER BY 2");
        assertDistinct("SELECT a, b FROM t GROUP BY 1", "SELECT a, b FROM t GROUP BY 2");
        assertDistinct("SELECT a, b FROM t ORDER BY a, 1", "SELECT a, b FROM t ORDER BY a, 2");
        assertDistinct("SELECT * FROM (SELECT a, b FROM t ORDER BY 1) x", "SELECT * FROM (SELECT a, b FROM t ORDER BY 2) x");
        assertDistinct("SELECT DISTINCT ON (1) a, b FROM t", "SELECT DISTINCT ON (2) a, b FROM t");
        assertDistinct("SELECT a FROM t GROUP BY ROLLUP (1)", "SELECT a FROM t GROUP BY ROLLUP (2)");
    }

    @Test
    void identifiersKeepTheirQuotingAndCase() {
        assertDistinct("SELECT * FROM orders", "SELECT * FROM \"orders\"");
        assertDistinct("SELECT * FROM Orders", "SELECT * FROM orders");
        assertDistinct("SELECT * FROM \"Orders\"", "SELECT * FROM \"orders\"");
        assertDistinct("SELECT ssn FROM t", "SELECT \"ssn\" FROM t");
    }

    @Test
    void keywordsThatLookLikeValuesAreNotLiterals() {
        assertDistinct("SELECT * FROM t WHERE a = TRUE", "SELECT * FROM t WHERE a = FALSE");
        assertDistinct("SELECT * FROM t WHERE a = TRUE", "SELECT * FROM t WHERE a = 1");
        assertDistinct("SELECT * FROM t WHERE a IS NULL", "SELECT * FROM t WHERE a IS NOT NULL");
        assertDistinct("SELECT * FROM t WHERE a = NULL", "SELECT * FROM t WHERE a = 'NULL'");
    }

    @Test
    void literalsAndIdentifiersAreNeverConfused() {
        assertDistinct("SELECT 'ssn' FROM t", "SELECT ssn FROM t");
        assertDistinct("SELECT 'ssn' FROM t", "SELECT \"ssn\" FROM t");
        assertDistinct("COPY t FROM STDIN", "COPY t FROM '/etc/passwd'");
        assertDistinct("SELECT 1; DROP TABLE t", "SELECT '1; DROP TABLE t'");
    }

    @Test
    void whatCommentsHideNeverReachesTheKeyAndWhatTheyDoNotHideAlwaysDoes() {
        assertThat(analyzer.normalised("SELECT 1 /* ; DROP TABLE t */")).isEqualTo("SELECT ?");
        assertThat(analyzer.normalised("SELECT 1 -- x\n; DROP TABLE t")).isEqualTo("SELECT ? ; DROP TABLE t");
        assertDistinct("SELECT 1 /* ; DROP TABLE t */", "SELECT 1 /* */ ; DROP TABLE t");
    }

    @Test
    void textsTheDatabasesWouldTokenizeDifferentlyNeverShareAKeyWithCleanText() {
        // With standard_conforming_strings off, PostgreSQL ends the first string early and runs the DROP.
        assertDistinct("SELECT 'a\\'' ; DROP TABLE t; --'", "SELECT 'x'");
        assertDistinct("SELECT 'abc", "SELECT 'abc'");
        assertDistinct("SELECT 1 /* open", "SELECT 1");
        assertDistinct("SELECT $a$ x $a$", "SELECT 'x'");
    }

    @Test
    void theProblemMarkerInAKeyCannotBeForgedByAComment() {
        String forged = "/*unanalysable: x*/ SELECT 1";
        assertThat(analyzer.normalised(forged)).isEqualTo("SELECT ?");
        assertThat(analyzer.analyze(forged).isAnalysable()).isTrue();
        assertThat(analyzer.normalised("SELECT 'abc")).startsWith(SqlNormaliser.PROBLEM_PREFIX);
    }

    private void assertDistinct(String first, String second) {
        assertThat(analyzer.normalised(first)).as("%s vs %s", first, second).isNotEqualTo(analyzer.normalised(second));
        assertThat(analyzer.fingerprint(first)).isNotEqualTo(analyzer.fingerprint(second));
    }

    @Test
    void normalisingIsCheapEnoughForEveryStatement() {
        String sql = "SELECT o.id, o.total FROM public.orders o WHERE o.customer_id = 4711 AND o.status = 'open' ORDER BY 1";
        assertThat(sql.length()).isBetween(90, 120);
        for (int i = 0; i < 200_000; i++) {
            SqlNormaliser.normalise(sql);
        }
        int rounds = 200_000;
        long start = System.nanoTime();
        int sink = 0;
        for (int i = 0; i < rounds; i++) {
            sink += SqlNormaliser.normalise(sql).length();
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / rounds;
        assertThat(sink).isPositive();
        // About 1 us on a quiet core; the bound leaves room for a busy shared build machine.
        assertThat(micros).as("microseconds per 100-char statement").isLessThan(10.0);
        System.out.printf("normalise: %.2f us per %d-char statement%n", micros, sql.length());
    }
}
