package dev.governed.jdbc.internal.sql;

import static dev.governed.jdbc.internal.sql.Analyses.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** PostgreSQL's reserved noise words JSqlParser cannot read are analysed as what they mean. */
class NoiseWordsTest {

    @Test
    void aVariadicArgumentIsTheCallItSpreads() {
        AnalysedStatement analysis = only("SELECT jsonb_build_array(VARIADIC ssn) FROM customers");
        assertThat(analysis.operation()).isEqualTo(SqlOperation.SELECT);
        assertThat(analysis.columns().get(Clause.SELECT)).extracting(ColumnRef::column).containsExactly("ssn");
        assertThat(only("SELECT touch(1, VARIADIC ARRAY[2]) FROM customers").operation())
                .as("a user function is still a call that may write").isEqualTo(SqlOperation.EXECUTE);
    }

    @Test
    void selectIntoTableCreatesTheTable() {
        AnalysedStatement analysis = only("SELECT * INTO TABLE copy FROM secrets");
        assertThat(analysis.operation()).isEqualTo(SqlOperation.CREATE);
        assertThat(names(analysis.tablesRead())).isEqualTo("secrets");
        assertThat(names(analysis.tablesWritten())).isEqualTo("copy");
    }

    @Test
    void aKeywordLabelIsALabel() {
        AnalysedStatement analysis = only("SELECT ssn = 'x' AS true, name AS null FROM customers");
        assertThat(analysis.operation()).isEqualTo(SqlOperation.SELECT);
        assertThat(analysis.columns().get(Clause.SELECT)).extracting(ColumnRef::column)
                .containsExactlyInAnyOrder("ssn", "name");
    }

    @Test
    void quotedNamesAreLeftAlone() {
        var tokens = SqlNormaliser.tokens("SELECT f(\"variadic\") AS \"null\" FROM \"table\"");
        assertThat(NoiseWords.plain(tokens)).isSameAs(tokens);
    }

    private static String names(java.util.Set<?> tables) {
        return tables.stream().map(Object::toString).sorted().collect(Collectors.joining(" "));
    }
}
