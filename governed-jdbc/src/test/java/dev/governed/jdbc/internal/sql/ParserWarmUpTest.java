package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParserWarmUpTest {

    @Test
    void theWarmUpStatementParsesSoItLoadsTheGrammarTheFirstStatementNeeds() {
        // if a JSqlParser upgrade stopped reading it, the warm-up would silently load nothing
        assertThat(ParserWarmUp.parseOnce()).isTrue();
    }
}
