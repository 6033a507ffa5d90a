package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The lineage's parse of the exact text is bounded like the analysis's own. */
class ExactParserTest {

    @Test
    void aTextThatTakesLongerThanTheBudgetIsGivenUpNotWaitedFor() {
        // JSqlParser needs several seconds for this; the budget is half a second.
        String huge = "SELECT " + IntStream.range(0, 20_000).mapToObj(i -> "c" + i + " + (c" + i + " * 2)")
                .collect(Collectors.joining(", ")) + " FROM t";
        long start = System.nanoTime();
        assertThat(ExactParser.parse(huge)).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds").isLessThan(2_000);
    }

    @Test
    void literalsStayAsWrittenAndTheComplexGrammarIsTriedWithinTheBudget() {
        assertThat(ExactParser.parse("SELECT (ARRAY[a])[2] FROM t WHERE s = 'x'").orElseThrow().get(0).toString())
                .contains("[2]").contains("'x'");
        assertThat(ExactParser.parse("SELECT substring(name FROM 1 FOR 3) FROM customers")).isPresent();
        assertThat(ExactParser.parse("SELECT FROM WHERE")).isEmpty();
    }
}
