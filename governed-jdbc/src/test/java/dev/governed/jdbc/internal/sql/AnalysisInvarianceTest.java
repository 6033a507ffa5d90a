package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What must not change the analysis: comments, spacing, literal values, keyword case. */
class AnalysisInvarianceTest {

    private static final List<String> CORPUS = List.of(
            "SELECT o.id, c.name FROM public.orders o JOIN customers c ON c.id = o.cid WHERE o.total > 10 ORDER BY 1",
            "SELECT * FROM a WHERE x IN (SELECT y FROM b WHERE z = 'q') UNION SELECT * FROM c",
            "WITH d AS (DELETE FROM t WHERE id = 5 RETURNING *) SELECT * FROM d JOIN u ON u.id = d.id",
            "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r",
            "INSERT INTO archive SELECT * FROM orders WHERE created < DATE '2020-01-01'",
            "UPDATE orders SET status = 'x' FROM customers c WHERE c.id = orders.cid RETURNING orders.id",
            "DELETE FROM orders USING customers c WHERE c.id = orders.cid AND c.name = 'bob'",
            "INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b",
            "SELECT * FROM t WHERE d > now() - INTERVAL '7 days' LIMIT 10 OFFSET 5",
            "SELECT pg_read_file('/etc/passwd')",
            "BEGIN; UPDATE t SET a = 1 WHERE id = 2; COMMIT",
            "SET search_path TO public, other",
            "COPY (SELECT * FROM secrets WHERE id = 3) TO STDOUT",
            "GRANT SELECT ON public.orders, customers TO bob",
            "EXPLAIN ANALYZE DELETE FROM t WHERE id = 9",
            "CREATE TABLE x AS SELECT a, b FROM y WHERE c = 2.5");

    private final SqlAnalyzer analyzer = SqlAnalyzer.builder().build();

    @Test
    void commentsAndSpacingBetweenTokensChangeNothing() {
        Random random = new Random(42);
        for (String sql : CORPUS) {
            StatementAnalysis original = analyzer.analyze(sql);
            assertThat(original.isAnalysable()).as(sql).isTrue();
            for (int round = 0; round < 5; round++) {
                String variant = decorate(sql, random);
                assertThat(analyzer.fingerprint(variant)).as(variant).isEqualTo(original.fingerprint());
                assertThat(analyzer.analyze(variant)).as(variant).isSameAs(original);
            }
        }
    }

    @Test
    void literalValuesChangeNothing() {
        for (String sql : CORPUS) {
            String variant = sql.replace("'x'", "'another value'").replace("'bob'", "$$alice$$").replace("10", "99")
                    .replace("2.5", "7e3").replace("'2020-01-01'", "'1999-12-31'").replace("= 5", "= 123");
            assertThat(analyzer.fingerprint(variant)).as(variant).isEqualTo(analyzer.fingerprint(sql));
        }
    }

    @Test
    void keywordCaseChangesTheKeyButNotTheAnalysis() {
        for (String sql : CORPUS) {
            String lower = sql.toLowerCase(Locale.ROOT);
            StatementAnalysis original = analyzer.analyze(sql);
            StatementAnalysis lowered = analyzer.analyze(lower);
            assertThat(lowered.statements()).as(lower).isEqualTo(original.statements());
        }
    }

    /** Re-spaces the text token by token, putting comments where it had whitespace. */
    private static String decorate(String sql, Random random) {
        SqlLexer lexer = new SqlLexer(sql);
        StringBuilder out = new StringBuilder();
        while (lexer.next()) {
            if (lexer.spaced()) {
                out.append(switch (random.nextInt(4)) {
                    case 0 -> " ";
                    case 1 -> " /* ; DROP TABLE x; 'quoted' */ ";
                    case 2 -> "\n\t -- line comment ; DELETE FROM y\n";
                    default -> " /* nested /* inner */ still */\r\n";
                });
            }
            out.append(sql, lexer.start(), lexer.end());
        }
        return out.toString();
    }
}
