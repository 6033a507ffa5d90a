package dev.governed.jdbc.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Small helpers the SQL analysis tests share. */
final class Analyses {

    static final SqlAnalyzer ANALYZER = SqlAnalyzer.builder().build();

    private Analyses() {}

    static StatementAnalysis analyse(String sql) {
        StatementAnalysis analysis = ANALYZER.analyze(sql);
        assertThat(analysis.isAnalysable()).as("analysable: %s (%s)", sql, analysis.unanalysableReason()).isTrue();
        return analysis;
    }

    /** The single statement {@code sql} holds. */
    static AnalysedStatement only(String sql) {
        List<AnalysedStatement> statements = analyse(sql).statements();
        assertThat(statements).as("statements of %s", sql).hasSize(1);
        return statements.get(0);
    }

    static List<SqlOperation> operations(String sql) {
        return analyse(sql).statements().stream().map(AnalysedStatement::operation).toList();
    }

    static String unanalysableReason(String sql) {
        StatementAnalysis analysis = ANALYZER.analyze(sql);
        assertThat(analysis.isAnalysable()).as("unanalysable: %s", sql).isFalse();
        assertThat(analysis.statements()).isEmpty();
        return analysis.unanalysableReason();
    }

    /** Tables from "schema.name" or "name" strings. */
    static Set<TableName> tables(String... names) {
        return Arrays.stream(names).map(each -> {
            int dot = each.indexOf('.');
            return dot < 0 ? TableName.of(null, each) : TableName.of(each.substring(0, dot), each.substring(dot + 1));
        }).collect(Collectors.toSet());
    }
}
