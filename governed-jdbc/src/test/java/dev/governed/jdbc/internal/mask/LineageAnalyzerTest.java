package dev.governed.jdbc.internal.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lineage without a database: a fixed catalog of people and orders. */
class LineageAnalyzerTest {

    private static final Map<String, List<String>> TABLES = Map.of(
            "people", List.of("id", "name", "email", "ssn"),
            "orders", List.of("id", "person_id", "amount"));

    private final LineageAnalyzer analyzer = new LineageAnalyzer(table -> TABLES.get(table.name()));

    private StatementLineage lineage(String sql) {
        List<StatementLineage> result = analyzer.analyze(sql);
        assertThat(result).hasSize(1);
        return result.get(0);
    }

    private static SourceColumn people(String column) {
        return new SourceColumn(TableName.of(null, "people"), column);
    }

    @Test
    void recursiveCteCarriesTheAnchorColumnThroughEveryRound() {
        StatementLineage lineage = lineage("WITH RECURSIVE r(n, s) AS (SELECT 1, ssn FROM people WHERE id = 1"
                + " UNION ALL SELECT n + 1, s FROM r WHERE n < 3) SELECT s FROM r");
        assertThat(lineage.opaqueReason()).isNull();
        assertThat(lineage.unresolved()).isEmpty();
        assertThat(lineage.outputs().get(0).flows()).containsExactly(new Flow(people("ssn"), Flow.Kind.DIRECT));
    }

    @Test
    void starExpandsFromTheCatalogInTableOrder() {
        StatementLineage lineage = lineage("SELECT * FROM people");
        assertThat(lineage.outputs()).extracting(OutputColumn::label).containsExactly("id", "name", "email", "ssn");
        assertThat(lineage.usesCatalog()).isTrue();
    }

    @Test
    void joinUsingMergesTheJoinColumnFirst() {
        StatementLineage lineage = lineage("SELECT * FROM people JOIN orders USING (id)");
        assertThat(lineage.outputs()).extracting(OutputColumn::label)
                .containsExactly("id", "name", "email", "ssn", "person_id", "amount");
        assertThat(lineage.uses()).extracting(Use::clause).contains("JOIN USING");
    }

    @Test
    void lowerOfAColumnIsDerived() {
        StatementLineage lineage = lineage("SELECT lower(email) AS e FROM people");
        assertThat(lineage.outputs().get(0).flows()).containsExactly(new Flow(people("email"), Flow.Kind.DERIVED));
    }

    @Test
    void wholeRowReferenceCarriesEveryColumn() {
        StatementLineage lineage = lineage("SELECT row_to_json(p) FROM people p");
        assertThat(lineage.outputs().get(0).flows()).extracting(Flow::kind).containsOnly(Flow.Kind.WHOLE_ROW);
        assertThat(lineage.outputs().get(0).flows()).extracting(Flow::source).contains(people("ssn"));
    }

    @Test
    void predicateOnAColumnIsAUse() {
        StatementLineage lineage = lineage("SELECT id FROM people WHERE ssn LIKE '1%'");
        assertThat(lineage.uses()).containsExactly(new Use(people("ssn"), "WHERE", false));
    }

    @Test
    void equalityIsRecognisedAsSuch() {
        StatementLineage lineage = lineage("SELECT id FROM people WHERE ssn = ?");
        assertThat(lineage.uses()).containsExactly(new Use(people("ssn"), "WHERE", true));
    }

    @Test
    void userDefinedFunctionIsUnknown() {
        assertThat(lineage("SELECT my_udf(name) FROM people").unknownFunctions()).containsExactly("my_udf");
    }

    @Test
    void insertSelectCopiesItsSources() {
        assertThat(lineage("INSERT INTO orders SELECT id, id, ssn FROM people").copies())
                .extracting(Flow::source).contains(people("ssn"));
    }

    @Test
    void unknownStatementIsOpaque() {
        assertThat(lineage("CALL do_things()").opaqueReason()).isNotNull();
    }
}
