package dev.governed.jdbc.internal.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.TableName;
import java.io.File;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.sf.jsqlparser.expression.Expression;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The lineage walk is exhaustive: every expression class JSqlParser has is classified (walked,
 * a leaf, or denied), so an upgrade that adds a node fails here instead of leaking; and a masked
 * column inside any function-like syntax the parser models as its own node is traced or denied.
 */
class SyntaxNodesTest {

    private static final Map<String, List<String>> TABLES = Map.of(
            "customers", List.of("id", "name", "email", "ssn", "created"),
            "orders", List.of("id", "customer_id", "amount", "status"));

    private final LineageAnalyzer analyzer = new LineageAnalyzer(table -> TABLES.get(table.name()));

    /** Every concrete class of the JSqlParser jar on the classpath that implements {@code type}. */
    static List<Class<?>> implementations(Class<?> type) throws Exception {
        File jar = new File(Expression.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> result = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (!name.startsWith("net/sf/jsqlparser/") || !name.endsWith(".class")
                        || name.startsWith("net/sf/jsqlparser/parser/")) {
                    continue;
                }
                Class<?> each = Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                        Expression.class.getClassLoader());
                if (type.isAssignableFrom(each) && !each.isInterface() && !Modifier.isAbstract(each.getModifiers())) {
                    result.add(each);
                }
            }
        }
        return result;
    }

    @Test
    void everyExpressionClassOfTheParserIsClassified() throws Exception {
        List<Class<?>> expressions = implementations(Expression.class);
        assertThat(expressions).hasSizeGreaterThan(100); // the scan found the jar
        List<String> unclassified = expressions.stream().filter(each -> SyntaxNodes.kind(each) == null)
                .map(Class::getName).toList();
        assertThat(unclassified).as("expression classes the lineage walk has no rule for").isEmpty();
    }

    /**
     * FROM items: the walk traces tables, derived tables (LATERAL too), parenthesised joins, table
     * functions and VALUES; any other kind is refused. A new kind fails here until someone decides.
     */
    @Test
    void everyFromItemClassIsTracedOrDenied() throws Exception {
        List<String> traced = List.of("Table", "ParenthesedSelect", "LateralSubSelect", "ParenthesedFromItem",
                "TableFunction", "Values");
        List<String> denied = List.of("PlainSelect", "SetOperationList", "FromQuery", "TableStatement");
        List<String> all = implementations(net.sf.jsqlparser.statement.select.FromItem.class).stream()
                .map(Class::getSimpleName).toList();
        assertThat(all).isNotEmpty();
        assertThat(all).as("FROM item classes with no decision").allMatch(each -> traced.contains(each)
                || denied.contains(each));
        assertThat(analyzer.analyze("SELECT * FROM (TABLE customers) t").get(0).opaqueReason()).isNotNull();
    }

    @Test
    void anUnclassifiedNodeDeniesInsteadOfBeingSkipped() {
        // a class the table does not list is refused by the walk, never walked past
        assertThat(SyntaxNodes.kind(Object.class)).isNull();
        StatementLineage lineage = analyzer.analyze("SELECT @v, ssn FROM customers").get(0);
        assertThat(lineage.opaqueReason()).contains("UserVariable");
    }

    @Test
    void classifiedClassesNameRealParserClasses() throws Exception {
        List<Class<?>> all = new ArrayList<>(implementations(Expression.class));
        all.addAll(implementations(java.io.Serializable.class));
        assertThat(all).containsAll(SyntaxNodes.classified());
    }

    /** A masked column inside each function-like node: it reaches the output (derived) or the statement is denied. */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT TRIM(BOTH ' ' FROM ssn) FROM customers",
        "SELECT TRIM(ssn) FROM customers",
        "SELECT JSON_OBJECT('k' : ssn) FROM customers",
        "SELECT JSON_OBJECT(KEY 'k' VALUE ssn) FROM customers",
        "SELECT JSON_OBJECTAGG(KEY name VALUE ssn) FROM customers",
        "SELECT JSON_ARRAYAGG(ssn ORDER BY id) FROM customers",
        "SELECT JSON_ARRAY(ssn) FROM customers",
        "SELECT created AT TIME ZONE ssn FROM customers",
        "SELECT CAST(ssn AS TIMESTAMP) AT TIME ZONE 'UTC' FROM customers",
        "SELECT EXTRACT(YEAR FROM ssn) FROM customers",
        "SELECT CAST(ssn AS INT) FROM customers",
        "SELECT ssn::int FROM customers",
        "SELECT INTERVAL '1 day' + ssn FROM customers",
        "SELECT CASE WHEN id = 1 THEN ssn END FROM customers",
        "SELECT CASE ssn WHEN '1' THEN 1 END FROM customers",
        "SELECT ARRAY[ssn] FROM customers",
        "SELECT (ARRAY[ssn])[1] FROM customers",
        "SELECT ssn[1] FROM customers",
        "SELECT ssn IS DISTINCT FROM 'x' FROM customers",
        "SELECT ssn COLLATE \"C\" FROM customers",
        "SELECT max(ssn) FILTER (WHERE id > 0) FROM customers",
        "SELECT max(id) FILTER (WHERE ssn > '1') FROM customers",
        "SELECT first_value(ssn) OVER (ORDER BY id) FROM customers",
        "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY ssn) FROM customers",
        "SELECT ROW(ssn, 1) FROM customers",
        "SELECT (ssn, 1) FROM customers",
        "SELECT NOT (ssn = 'x') FROM customers",
        "SELECT -CAST(ssn AS INT) FROM customers",
        "SELECT ssn BETWEEN 'a' AND 'z' FROM customers",
        "SELECT ssn LIKE 'a%' ESCAPE '!' FROM customers",
        "SELECT 'x' LIKE 'a%' ESCAPE ssn FROM customers",
        "SELECT ssn SIMILAR TO 'a' FROM customers",
        "SELECT ssn ~ 'a' FROM customers",
        "SELECT json_build_object('a', ssn)->>'a' FROM customers",
        "SELECT substring(ssn FROM 1 FOR 3) FROM customers",
        "SELECT position('-' IN ssn) FROM customers",
        "SELECT overlay(ssn PLACING 'x' FROM 1 FOR 1) FROM customers",
        "SELECT ssn || email FROM customers",
        "SELECT (SELECT max(ssn) FROM customers) FROM orders",
        "SELECT EXISTS (SELECT 1 FROM customers WHERE ssn = 'x') FROM orders",
        "SELECT 1 = ANY (SELECT ssn FROM customers) FROM orders",
        "SELECT id IN (SELECT ssn FROM customers) FROM orders",
        "SELECT GROUP_CONCAT(ssn SEPARATOR ',') FROM customers",
        "SELECT XMLSERIALIZE(XMLAGG(XMLTEXT(ssn) ORDER BY id) AS VARCHAR(100)) FROM customers",
        "SELECT make_interval(days => length(ssn)) FROM customers",
        "SELECT (SELECT name FROM unnest(ARRAY[c.ssn]) AS t(name)) FROM customers c",
        "SELECT (SELECT name FROM (VALUES (c.ssn)) AS v(name)) FROM customers c"
    })
    void maskedColumnInsideAnyNodeIsTracedOrDenied(String sql) {
        SourceColumn ssn = new SourceColumn(TableName.of(null, "customers"), "ssn");
        StatementLineage lineage = analyzer.analyze(sql).get(0);
        if (lineage.opaqueReason() != null || !lineage.unknownFunctions().isEmpty()) {
            return; // denied while masks apply
        }
        boolean traced = lineage.uses().stream().anyMatch(each -> each.source().equals(ssn))
                || lineage.outputs().stream().flatMap(each -> each.flows().stream())
                        .anyMatch(each -> each.source().equals(ssn));
        assertThat(traced).as(sql + " traces customers.ssn: " + lineage).isTrue();
        assertThat(lineage.reads()).contains(ssn);
    }
}
