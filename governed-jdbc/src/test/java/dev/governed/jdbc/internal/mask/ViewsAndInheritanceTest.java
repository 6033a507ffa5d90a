package dev.governed.jdbc.internal.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.policy.TableName;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Masks follow the data through views and inheritance; the catalog is read once per table, not per statement. */
class ViewsAndInheritanceTest {

    private static final TableName CUSTOMERS = TableName.of("public", "customers");
    private static final SourceColumn SSN = new SourceColumn(CUSTOMERS, "ssn");

    /** A catalog with a view over customers and a child table inheriting from it. */
    private static final Catalog CATALOG = new Catalog() {
        private final Map<String, List<String>> columns = Map.of(
                "customers", List.of("id", "name", "ssn"),
                "tax", List.of("id", "tax_id"),
                "vip", List.of("id", "name", "ssn", "level"));

        @Override
        public List<String> columns(TableName table) {
            return columns.get(table.name());
        }

        @Override
        public View view(TableName table) {
            return "tax".equals(table.name())
                    ? new View(TableName.of("public", "tax"), "SELECT id, ssn AS tax_id FROM public.customers;") : null;
        }

        @Override
        public List<TableName> relatives(TableName table) {
            return "vip".equals(table.name()) ? List.of(CUSTOMERS) : List.of();
        }
    };

    private final LineageAnalyzer analyzer = new LineageAnalyzer(CATALOG);

    @Test
    void aViewColumnCarriesItsBaseColumn() {
        StatementLineage lineage = analyzer.analyze("SELECT tax_id FROM tax").get(0);
        assertThat(lineage.opaqueReason()).isNull();
        assertThat(lineage.outputs().get(0).flows()).containsExactly(new Flow(SSN, Flow.Kind.DIRECT));
    }

    @Test
    void aChildTableColumnCarriesItsParentsColumn() {
        StatementLineage lineage = analyzer.analyze("SELECT ssn FROM vip").get(0);
        assertThat(lineage.outputs().get(0).flows()).contains(new Flow(SSN, Flow.Kind.DIRECT));
    }

    @Test
    void statisticsRelationsAreOpaque() {
        assertThat(analyzer.analyze("SELECT most_common_vals FROM pg_stats").get(0).opaqueReason())
                .contains("pg_stats");
        assertThat(analyzer.analyze("SELECT * FROM pg_catalog.pg_statistic").get(0).opaqueReason())
                .contains("pg_statistic");
    }

    @Test
    void aViewWhoseDefinitionIsHiddenIsOpaque() {
        LineageAnalyzer hidden = new LineageAnalyzer(new Catalog() {
            @Override
            public List<String> columns(TableName table) {
                return List.of("tax_id");
            }

            @Override
            public View view(TableName table) {
                return new View(table, null);
            }
        });
        assertThat(hidden.analyze("SELECT tax_id FROM tax").get(0).opaqueReason()).contains("not visible");
    }

    @Test
    void viewDefinitionsAreReadOncePerTableUntilInvalidated() throws Exception {
        String url = "jdbc:h2:mem:views_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE customers (id INT, ssn VARCHAR(11))");
            statement.execute("CREATE VIEW tax AS SELECT id, ssn AS tax_id FROM customers");
            MetadataCatalog metadata = new MetadataCatalog();
            Catalog catalog = metadata.on(connection, "PUBLIC");
            TableName tax = TableName.of(null, "tax");
            assertThat(catalog.view(tax).definition()).containsIgnoringCase("ssn");
            assertThat(new LineageAnalyzer(catalog).analyze("SELECT tax_id FROM tax").get(0).outputs().get(0).flows())
                    .extracting(Flow::source).extracting(SourceColumn::column).containsExactly("ssn");
            statement.execute("DROP VIEW tax");
            assertThat(catalog.view(tax)).as("cached, not read again per statement").isNotNull();
            metadata.invalidate();
            assertThat(catalog.view(tax)).as("read again after DDL").isNull();
            statement.execute("DROP TABLE customers");
        }
    }
}
