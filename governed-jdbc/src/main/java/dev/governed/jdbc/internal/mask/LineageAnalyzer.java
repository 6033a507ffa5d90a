package dev.governed.jdbc.internal.mask;

import dev.governed.jdbc.internal.sql.ExactParser;
import dev.governed.policy.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.RowConstructor;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Traces, for each statement of a SQL text, where the values of its output columns come
 * from, which columns it filters, joins, groups or sorts by, and what it copies elsewhere.
 * Names are resolved through aliases, derived tables, CTEs (recursive ones to a fixed
 * point), set operations, JOIN USING, NATURAL JOIN, LATERAL and scalar subqueries; {@code *},
 * {@code t.*} and whole-row references are expanded from the {@link Catalog}. What it cannot
 * follow it records as unresolved or opaque, and the planner denies it when masks are in force.
 */
public final class LineageAnalyzer {

    private final Catalog catalog;

    public LineageAnalyzer(Catalog catalog) {
        this.catalog = catalog;
    }

    /** One lineage per statement of {@code sql}; a text that does not parse is one opaque lineage. */
    public List<StatementLineage> analyze(String sql) {
        Statements statements = ExactParser.parse(sql).orElse(null);
        if (statements == null) {
            return List.of(StatementLineage.opaque("the SQL could not be parsed for lineage"));
        }
        List<StatementLineage> result = new ArrayList<>();
        for (Statement each : statements) {
            result.add(new Trace(SqlIdentifiers.of(sql)).statement(each));
        }
        return result.isEmpty() ? List.of(StatementLineage.none()) : List.copyOf(result);
    }

    /** A column of a relation in scope, with the flows of its values. */
    /**
     * A column of a relation in scope, with the flows of its values.
     *
     * @param checked whether its name is the label the database gives it (false for the columns of a
     *                table function or VALUES list without a column alias, which databases name differently)
     */
    private record Col(String name, List<Flow> flows, boolean checked) {
        Col(String name, List<Flow> flows) {
            this(name, flows, true);
        }
    }

    /** Raised to give up on a statement: it becomes opaque. */
    private static final class Opaque extends RuntimeException {
        Opaque(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A FROM item in scope: a base table, a derived table or CTE, or a table function. */
    private static final class Relation {
        final String name;
        final TableName table;
        final List<Col> columns;
        /**
         * For table functions without a column list: the flows any of its columns may carry. Such a
         * relation is open: a name it does not list may still be one of its columns.
         */
        final List<Flow> anyColumn;

        Relation(String name, TableName table, List<Col> columns, List<Flow> anyColumn) {
            this.name = name;
            this.table = table;
            this.columns = columns;
            this.anyColumn = anyColumn;
        }

        Col column(String column) {
            for (Col each : columns) {
                if (column.equals(each.name())) { // a VALUES column without an alias has no name
                    return each;
                }
            }
            return null;
        }
    }

    private static final class Scope {
        final Scope outer;
        final Map<String, List<Col>> ctes = new HashMap<>();
        final List<Relation> relations = new ArrayList<>();
        /** The columns {@code *} stands for, in order; null when unknown. */
        List<Col> star = new ArrayList<>();
        /** The select list, for ORDER BY / GROUP BY references by alias or position. */
        List<Col> outputs = List.of();

        Scope(Scope outer) {
            this.outer = outer;
        }

        List<Col> cte(String name) {
            for (Scope each = this; each != null; each = each.outer) {
                List<Col> found = each.ctes.get(name);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
    }

    private final class Trace {
        private final Set<String> identifiers;
        private final Set<Use> uses = new LinkedHashSet<>();
        private final Set<Flow> copies = new LinkedHashSet<>();
        private final List<String> unresolved = new ArrayList<>();
        private final Set<String> unknownFunctions = new LinkedHashSet<>();
        private final Set<String> traced = new java.util.HashSet<>();
        private final Set<SourceColumn> reads = new LinkedHashSet<>();
        private int viewDepth;
        private boolean usesCatalog;

        Trace(Set<String> identifiers) {
            this.identifiers = identifiers;
        }

        StatementLineage statement(Statement statement) {
            try {
                List<Col> outputs = List.of();
                boolean returnsRows = false;
                if (statement instanceof Select select) {
                    outputs = select(select, null);
                    returnsRows = true;
                    if (select instanceof PlainSelect plain && plain.getIntoTables() != null
                            && !plain.getIntoTables().isEmpty()) {
                        copyAll(outputs);
                    }
                } else if (statement instanceof Insert insert) {
                    outputs = insert(insert);
                    returnsRows = insert.getReturningClause() != null;
                } else if (statement instanceof Update update) {
                    outputs = update(update);
                    returnsRows = update.getReturningClause() != null;
                } else if (statement instanceof Delete delete) {
                    outputs = delete(delete);
                    returnsRows = delete.getReturningClause() != null;
                } else if (statement instanceof CreateTable create) {
                    if (create.getSelect() != null) {
                        copyAll(select(create.getSelect(), null));
                    } else if (create.getLikeTable() != null) {
                        return StatementLineage.none();
                    }
                } else if (statement instanceof CreateView view) {
                    copyAll(select(view.getSelect(), null));
                } else if (!NO_DATA.contains(statement.getClass().getSimpleName())) {
                    return StatementLineage.opaque(
                            "Governed does not trace the data of " + statement.getClass().getSimpleName() + " statements");
                }
                List<OutputColumn> columns = new ArrayList<>(outputs.size());
                for (Col each : outputs) {
                    columns.add(new OutputColumn(each.checked() ? each.name() : null, each.flows()));
                }
                Set<String> untraced = new java.util.HashSet<>(identifiers);
                untraced.removeAll(traced);
                outputs.forEach(each -> each.flows().forEach(flow -> reads.add(flow.source())));
                uses.forEach(each -> reads.add(each.source()));
                copies.forEach(each -> reads.add(each.source()));
                return new StatementLineage(columns, returnsRows, uses, copies, unresolved, unknownFunctions, null,
                        usesCatalog, untraced, reads);
            } catch (Opaque e) {
                return StatementLineage.opaque(e.getMessage());
            } catch (StackOverflowError e) {
                return StatementLineage.opaque("the statement nests too deeply to trace; flatten it");
            }
        }

        // ---- queries

        List<Col> select(Select select, Scope outer) {
            Scope scope = outer;
            List<WithItem<?>> withItems = select.getWithItemsList();
            if (withItems != null && !withItems.isEmpty()) {
                scope = new Scope(outer);
                scope.star = null;
                for (WithItem<?> each : withItems) {
                    with(each, scope);
                }
            }
            List<Col> result;
            if (select instanceof PlainSelect plain) {
                onlyHandled(plain, "distinct", "selectItems", "intoTables", "fromItem", "joins", "where", "groupBy",
                        "having", "qualify", "windowDefinitions", "oracleHint", "top");
                result = plain(plain, scope);
            } else if (select instanceof SetOperationList operations) {
                onlyHandled(operations, "selects", "operations");
                result = setOperation(operations, scope);
            } else if (select instanceof ParenthesedSelect parenthesed) {
                onlyHandled(parenthesed, "select");
                result = select(parenthesed.getSelect(), scope);
                orderBy(select.getOrderByElements(), scopeOver(result, scope));
            } else if (select instanceof Values values) {
                onlyHandled(values, "expressions");
                result = values(values, scope);
            } else {
                throw new Opaque("Governed does not trace " + select.getClass().getSimpleName() + " queries");
            }
            limits(select, scope);
            return result;
        }

        private void with(WithItem<?> item, Scope scope) {
            String name = unquote(item.getUnquotedAliasName() == null ? item.getAliasName() : item.getUnquotedAliasName());
            if (item.getSelect() == null) {
                throw new Opaque("a WITH item that is not a query (" + name + ")");
            }
            List<String> names = new ArrayList<>();
            if (item.getWithItemList() != null) {
                for (SelectItem<?> each : item.getWithItemList()) {
                    names.add(unquote(each.toString()));
                }
                traced.addAll(names);
            }
            Select body = item.getSelect().getSelect();
            if (item.isRecursive() && body instanceof SetOperationList operations) {
                List<Col> columns = rename(select(operations.getSelects().get(0), scope), names);
                for (int round = 0; round < 8; round++) {
                    scope.ctes.put(name, columns);
                    List<Col> next = merge(columns, rename(select(body, scope), names));
                    if (next.equals(columns)) {
                        return;
                    }
                    columns = next;
                }
                throw new Opaque("the recursive CTE " + name + " did not settle");
            }
            scope.ctes.put(name, rename(select(body, scope), names));
        }

        private List<Col> plain(PlainSelect select, Scope outer) {
            if (select.getLateralViews() != null || select.getPivot() != null || select.getUnPivot() != null
                    || select.getIntoTempTable() != null) {
                throw new Opaque("LATERAL VIEW, PIVOT and INTO TEMP are not traced");
            }
            Scope scope = new Scope(outer);
            if (select.getFromItem() != null) {
                from(select.getFromItem(), scope, true);
            } else {
                scope.star = new ArrayList<>();
            }
            if (select.getJoins() != null) {
                for (Join each : select.getJoins()) {
                    join(each, scope);
                }
            }
            use(select.getWhere(), scope, "WHERE", false);
            List<Col> outputs = new ArrayList<>();
            for (SelectItem<?> each : select.getSelectItems()) {
                outputs.addAll(selectItem(each, scope));
            }
            scope.outputs = outputs;
            if (select.getDistinct() != null) {
                if (select.getDistinct().getOnSelectItems() != null) {
                    for (SelectItem<?> each : select.getDistinct().getOnSelectItems()) {
                        use(each.getExpression(), scope, "DISTINCT ON", true);
                    }
                }
                for (Col each : outputs) {
                    useFlows(each.flows(), "DISTINCT", true);
                }
            }
            if (select.getGroupBy() != null) {
                ExpressionList<?> groupBy = select.getGroupBy().getGroupByExpressionList();
                if (groupBy != null) {
                    for (Expression each : groupBy) {
                        groupingElement(each, scope);
                    }
                }
                if (select.getGroupBy().getGroupingSets() != null) {
                    for (ExpressionList<?> set : select.getGroupBy().getGroupingSets()) {
                        for (Expression each : set) {
                            groupingElement(each, scope);
                        }
                    }
                }
            }
            use(select.getHaving(), scope, "HAVING", false);
            use(select.getQualify(), scope, "QUALIFY", false);
            if (select.getWindowDefinitions() != null) {
                for (WindowDefinition each : select.getWindowDefinitions()) {
                    window(each, scope);
                }
            }
            orderBy(select.getOrderByElements(), scope);
            return outputs;
        }

        private List<Col> selectItem(SelectItem<?> item, Scope scope) {
            Expression expression = item.getExpression();
            if (expression instanceof AllColumns && !(expression instanceof AllTableColumns)) {
                usesCatalog = true;
                if (scope.star == null) {
                    throw new Opaque("* over a table whose columns Governed cannot list");
                }
                return new ArrayList<>(scope.star);
            }
            if (expression instanceof AllTableColumns all) {
                usesCatalog = true;
                Relation relation = relation(all.getTable(), scope);
                if (relation == null || relation.columns == null) {
                    throw new Opaque(all + " over a table whose columns Governed cannot list");
                }
                return new ArrayList<>(relation.columns);
            }
            String label = null;
            if (item.getAlias() != null) {
                label = unquote(item.getAlias().getName());
                traced.add(label);
            } else if (expression instanceof Column column) {
                label = unquote(column.getColumnName());
            }
            return List.of(new Col(label, output(expression, scope)));
        }

        private List<Col> setOperation(SetOperationList operations, Scope scope) {
            List<Col> result = null;
            List<Flow> all = new ArrayList<>();
            for (Select each : operations.getSelects()) {
                List<Col> branch = select(each, scope);
                branch.forEach(column -> all.addAll(column.flows()));
                result = result == null ? branch : merge(result, branch);
            }
            for (SetOperation each : operations.getOperations()) {
                String operation = each.toString().toUpperCase(Locale.ROOT);
                if (!operation.contains("ALL")) {
                    // UNION, INTERSECT and EXCEPT compare whole rows: equality on every column
                    useFlows(all, operation.strip(), true);
                } else if (!catalog.typesSettledBeforeRunning()) {
                    // the database converts each branch's values to the column's one type as it runs, which may fail
                    useFlows(all, operation.strip() + " (each value converted to one type as it runs)", false);
                }
            }
            orderBy(operations.getOrderByElements(), scopeOver(result, scope));
            return result;
        }

        private List<Col> values(Values values, Scope scope) {
            List<List<Flow>> columns = new ArrayList<>();
            // the parser gives VALUES (1, 'a') as one parenthesised list of cells, VALUES (1, 'a'), (2, 'b')
            // and VALUES 1, 2 as a plain list of rows
            List<Expression> rows = values.getExpressions() instanceof ParenthesedExpressionList<?> single
                    ? List.of(single) : new ArrayList<>(values.getExpressions());
            for (Expression row : rows) {
                List<Expression> cells = row instanceof ParenthesedExpressionList<?> list
                        && !(row instanceof RowConstructor<?>) ? new ArrayList<>(list) : List.of(row);
                for (int i = 0; i < cells.size(); i++) {
                    while (columns.size() <= i) {
                        columns.add(new ArrayList<>());
                    }
                    columns.get(i).addAll(output(cells.get(i), scope));
                }
            }
            if (rows.size() > 1 && !catalog.typesSettledBeforeRunning()) {
                // the rows' values are converted to each column's one type as the statement runs, which may fail
                columns.forEach(each -> useFlows(each, "VALUES rows (each value converted to one type as it runs)", false));
            }
            List<Col> result = new ArrayList<>();
            for (List<Flow> each : columns) {
                result.add(new Col(null, derived(each), false));
            }
            return result;
        }

        private void limits(Select select, Scope scope) {
            if (select.getLimit() != null) {
                onlyHandled(select.getLimit(), "rowCount", "offset");
                use(select.getLimit().getRowCount(), scope, "LIMIT", false);
                use(select.getLimit().getOffset(), scope, "LIMIT", false);
            }
            if (select.getOffset() != null) {
                use(select.getOffset().getOffset(), scope, "OFFSET", false);
            }
            if (select.getFetch() != null) {
                use(select.getFetch().getExpression(), scope, "FETCH", false);
            }
            if (select instanceof PlainSelect plain && plain.getTop() != null) {
                use(plain.getTop().getExpression(), scope, "TOP", false);
            }
        }

        /**
         * Refuses a query or FROM item that holds anything besides the parts named here and the parts
         * every query shares: a clause lineage does not follow (CONNECT BY, PIVOT, FOR XML, LIMIT BY, …)
         * must never be skipped silently.
         */
        private void onlyHandled(Object node, String... handled) {
            Set<String> names = new java.util.HashSet<>(List.of(handled));
            if (node instanceof Select) {
                names.addAll(SELECT_PARTS);
            }
            Map<String, Object> rest = SyntaxNodes.others(node, names);
            if (!rest.isEmpty()) {
                String field = rest.keySet().iterator().next();
                throw new Opaque("Governed's lineage does not follow the " + field + " part of "
                        + abbreviate(node) + "; rewrite the query without it");
            }
        }

        private void orderBy(List<OrderByElement> elements, Scope scope) {
            if (elements == null) {
                return;
            }
            for (OrderByElement each : elements) {
                useOrdinalOr(each.getExpression(), scope, "ORDER BY");
            }
        }

        /**
         * One element of GROUP BY: an expression, a position, or ROLLUP / CUBE / GROUPING SETS and the
         * (a, b) lists inside them, whose every member is grouped by.
         */
        private void groupingElement(Expression element, Scope scope) {
            if (element instanceof Function function && function.getMultipartName().size() == 1
                    && GROUPING_CONSTRUCTS.contains(functionName(function.getName()))
                    && function.getNamedParameters() == null && !function.isAllColumns()
                    && SyntaxNodes.others(function, Set.of("parameters")).isEmpty()) {
                if (function.getParameters() != null) {
                    for (Expression each : function.getParameters()) {
                        groupingElement(each, scope);
                    }
                }
                return;
            }
            if (element instanceof ExpressionList<?> list && !(element instanceof RowConstructor<?>)) {
                for (Expression each : list) {
                    groupingElement(each, scope);
                }
                return;
            }
            useOrdinalOr(element, scope, "GROUP BY");
        }

        /** {@code ORDER BY 2} and {@code GROUP BY 2} name an output column by position. */
        private void useOrdinalOr(Expression expression, Scope scope, String clause) {
            if (expression instanceof LongValue position && scope != null) {
                int index = (int) position.getValue();
                if (index < 1 || index > scope.outputs.size()) {
                    throw new Opaque(clause + " " + index + " names no output column");
                }
                useFlows(scope.outputs.get(index - 1).flows(), clause, false);
                return;
            }
            use(expression, scope, clause, false);
        }

        private void window(WindowDefinition window, Scope scope) {
            if (window.getWindowElement() != null) {
                // frame bounds are usually constants; anything else in them counts as a use
                Walker walker = new Walker(scope, "window frame");
                walker.value(window.getWindowElement());
            }
            if (window.getPartitionExpressionList() != null) {
                for (Object each : window.getPartitionExpressionList()) {
                    use((Expression) each, scope, "PARTITION BY", false);
                }
            }
            if (window.getOrderByElements() != null) {
                for (OrderByElement each : window.getOrderByElements()) {
                    use(each.getExpression(), scope, "window ORDER BY", false);
                }
            }
        }

        // ---- FROM

        private void from(FromItem item, Scope scope, boolean first) {
            Relation relation = relationOf(item, scope);
            if (relation == null) {
                return; // a parenthesised join added its own relations
            }
            scope.relations.add(relation);
            if (first) {
                scope.star = relation.columns == null ? null : new ArrayList<>(relation.columns);
            }
        }

        private void join(Join join, Scope scope) {
            onlyHandled(join, "onExpressions", "usingColumns", "fromItem");
            List<Col> left = scope.star;
            int before = scope.relations.size();
            FromItem right = join.getRightItem();
            Relation relation = relationOf(right, scope);
            if (relation != null) {
                scope.relations.add(relation);
            }
            List<Col> rightColumns = relation == null ? joinedColumns(scope, before) : relation.columns;
            List<String> merged = new ArrayList<>();
            if (join.getUsingColumns() != null && !join.getUsingColumns().isEmpty()) {
                for (Column each : join.getUsingColumns()) {
                    merged.add(unquote(each.getColumnName()));
                }
                traced.addAll(merged);
            } else if (join.isNatural()) {
                usesCatalog = true;
                if (left == null || rightColumns == null) {
                    throw new Opaque("NATURAL JOIN over a table whose columns Governed cannot list");
                }
                for (Col each : left) {
                    if (find(rightColumns, each.name()) != null) {
                        merged.add(each.name());
                    }
                }
            }
            for (Expression each : join.getOnExpressions()) {
                use(each, scope, "JOIN", false);
            }
            if (merged.isEmpty()) {
                scope.star = left == null || rightColumns == null ? null : concat(left, rightColumns);
                return;
            }
            List<Col> star = new ArrayList<>();
            for (String name : merged) {
                List<Flow> flows = new ArrayList<>();
                Col fromLeft = left == null ? null : find(left, name);
                Col fromRight = rightColumns == null ? null : find(rightColumns, name);
                List<Flow> leftFlows = fromLeft != null ? fromLeft.flows() : resolveIn(scope.relations.subList(0, before), name, new ArrayList<>());
                List<Flow> rightFlows = fromRight != null ? fromRight.flows()
                        : resolveIn(scope.relations.subList(before, scope.relations.size()), name, new ArrayList<>());
                if (leftFlows == null || rightFlows == null) {
                    unresolved.add("USING (" + name + ")");
                } else {
                    flows.addAll(leftFlows);
                    flows.addAll(rightFlows);
                }
                useFlows(flows, "JOIN USING", true);
                star.add(new Col(name, flows));
            }
            if (left == null || rightColumns == null) {
                scope.star = null;
                return;
            }
            for (Col each : left) {
                if (!merged.contains(each.name())) {
                    star.add(each);
                }
            }
            for (Col each : rightColumns) {
                if (!merged.contains(each.name())) {
                    star.add(each);
                }
            }
            scope.star = star;
        }

        private List<Col> joinedColumns(Scope scope, int from) {
            List<Col> result = new ArrayList<>();
            for (Relation each : scope.relations.subList(from, scope.relations.size())) {
                if (each.columns == null) {
                    return null;
                }
                result.addAll(each.columns);
            }
            return result;
        }

        private Relation relationOf(FromItem item, Scope scope) {
            String alias = aliasName(item.getAlias());
            if (item.getAlias() != null && item.getAlias().getAliasColumns() != null) {
                item.getAlias().getAliasColumns().forEach(each -> traced.add(unquote(each.name)));
            }
            if (item instanceof Table table) {
                onlyHandled(table, "alias", "mysqlHints", "sqlServerHints");
                String name = unquote(table.getName());
                if (table.getSchemaName() == null) {
                    List<Col> cte = scope == null ? null : scope.cte(name);
                    if (cte != null) {
                        return new Relation(alias == null ? name : alias, null, renameAlias(cte, item.getAlias()), null);
                    }
                }
                String schema = table.getSchemaName() == null ? null : unquote(table.getSchemaName());
                TableName tableName = TableName.of(schema, name);
                if (STATISTICS.contains(name) && (schema == null || "pg_catalog".equals(schema))) {
                    throw new Opaque(name + " shows sampled values of table columns (most common values, histogram"
                            + " bounds), masked ones among them; it cannot be read while masks apply to you");
                }
                if (STATEMENT_TEXTS.contains(name) && (schema == null || "pg_catalog".equals(schema)
                        || "information_schema".equals(schema))) {
                    throw new Opaque(name + " shows the text of statements, other callers' among them, whose"
                            + " literals may be values of masked columns; it cannot be read while masks apply to you");
                }
                Catalog.View view = catalog.view(tableName);
                if (view != null) {
                    return new Relation(alias == null ? name : alias, tableName,
                            renameAlias(view(view, tableName), item.getAlias()), null);
                }
                List<String> listed = catalog.columns(tableName);
                if (listed == null && schema == null && "dual".equals(name)) {
                    listed = List.of(); // SELECT 1 FROM DUAL: no columns, no data
                }
                if (listed == null) {
                    // not found, or found in several schemas: it may be another name for masked data
                    throw new Opaque("Governed cannot find " + tableName.qualified() + " in the database's catalog as"
                            + " one table or view, so it cannot tell which of its columns are masked; qualify it"
                            + " with its schema");
                }
                List<Col> columns = null;
                if (listed != null) {
                    List<TableName> relatives = catalog.relatives(tableName);
                    Map<TableName, List<String>> relativeColumns = new HashMap<>();
                    for (TableName each : relatives) {
                        List<String> theirs = catalog.columns(each);
                        if (theirs == null) {
                            throw new Opaque("the columns of " + each.qualified() + ", which shares rows with "
                                    + tableName.qualified() + " by inheritance or partitioning, cannot be listed");
                        }
                        relativeColumns.put(each, theirs);
                    }
                    columns = new ArrayList<>();
                    for (String each : listed) {
                        // an inherited or partitioned column is the same data as its parent's and children's:
                        // a mask on any of them applies here
                        List<Flow> flows = new ArrayList<>();
                        flows.add(new Flow(new SourceColumn(tableName, each), Flow.Kind.DIRECT));
                        relativeColumns.forEach((relative, theirs) -> {
                            if (theirs.contains(each)) {
                                flows.add(new Flow(new SourceColumn(relative, each), Flow.Kind.DIRECT));
                            }
                        });
                        columns.add(new Col(each, List.copyOf(flows)));
                    }
                    columns = renameAlias(columns, item.getAlias());
                }
                return new Relation(alias == null ? name : alias, tableName, columns, null);
            }
            if (item instanceof ParenthesedSelect derived) {
                Scope outer = item instanceof LateralSubSelect ? lateral(scope) : (scope == null ? null : scope.outer);
                List<Col> columns = renameAlias(select(derived.getSelect(), outer), item.getAlias());
                return new Relation(alias, null, columns, null);
            }
            if (item instanceof ParenthesedFromItem parenthesed) {
                if (parenthesed.getPivot() != null || parenthesed.getUnPivot() != null
                        || parenthesed.getSampleClause() != null) {
                    throw new Opaque("PIVOT, UNPIVOT and TABLESAMPLE are not traced; rewrite them with CASE and"
                            + " GROUP BY");
                }
                if (parenthesed.getAlias() != null) {
                    if (parenthesed.getJoins() != null && !parenthesed.getJoins().isEmpty()
                            || !(parenthesed.getFromItem() instanceof Select inner)) {
                        throw new Opaque("an aliased parenthesised join; alias each table of the join instead");
                    }
                    // (VALUES (1, 'a')) AS v(n, s) and the like: a derived table
                    List<Col> columns = renameAlias(select(inner, scope == null ? null : scope.outer), item.getAlias());
                    return new Relation(alias, null, columns, null);
                }
                from(parenthesed.getFromItem(), scope, scope.relations.isEmpty());
                if (parenthesed.getJoins() != null) {
                    for (Join each : parenthesed.getJoins()) {
                        join(each, scope);
                    }
                }
                return null;
            }
            if (item instanceof TableFunction function) {
                return tableFunction(function, alias, scope);
            }
            if (item instanceof Values values) {
                return new Relation(alias, null, renameAlias(values(values, scope), item.getAlias()), null);
            }
            throw new Opaque("Governed does not trace FROM items like " + item);
        }

        /**
         * A function in FROM: its columns carry what flows into its arguments, derived. With a column
         * alias list ({@code unnest(a) AS t(x)}) its columns are exactly those; a function known to
         * return one column ({@code generate_series(1, 3) g}) has that one, named by the alias; any
         * other stays open, so a name resolved next to it also carries its flows.
         */
        private Relation tableFunction(TableFunction function, String alias, Scope scope) {
            if (function.getPivot() != null || function.getUnPivot() != null) {
                throw new Opaque("PIVOT and UNPIVOT are not traced; rewrite them with CASE and GROUP BY");
            }
            String name = functionName(function.getFunction().getName());
            rowsCount(function.getFunction(), name, lateral(scope));
            List<Flow> flows = derived(output(function.getFunction(), lateral(scope)));
            String relationName = alias == null ? name : alias;
            Alias columnsAlias = function.getAlias();
            if (columnsAlias != null && columnsAlias.getAliasColumns() != null
                    && !columnsAlias.getAliasColumns().isEmpty()) {
                List<Col> columns = new ArrayList<>();
                for (Alias.AliasColumn each : columnsAlias.getAliasColumns()) {
                    columns.add(new Col(unquote(each.name), flows));
                }
                traced.addAll(columns.stream().map(Col::name).toList());
                return new Relation(relationName, null, columns, null);
            }
            if (SINGLE_COLUMN_FUNCTIONS.contains(name) && function.getFunction().getParameters() != null
                    && (!"unnest".equals(name) || function.getFunction().getParameters().size() == 1)) {
                traced.add(relationName);
                return new Relation(relationName, null, List.of(new Col(relationName, flows, false)), flows);
            }
            return new Relation(relationName, null, null, flows);
        }

        /**
         * The columns of a view: the outputs of its defining query, traced like a subquery, under the
         * view's column names. Uses inside the definition count as the statement's own.
         */
        private List<Col> view(Catalog.View view, TableName name) {
            if (view.definition() == null) {
                throw new Opaque("the definition of view " + name.qualified() + " is not visible to this database"
                        + " user, so Governed cannot tell whether it exposes masked columns; query its base tables");
            }
            if (viewDepth >= MAX_VIEW_DEPTH) {
                throw new Opaque("views nested deeper than " + MAX_VIEW_DEPTH + " levels (" + name.qualified() + ")");
            }
            String text = view.definition().strip();
            if (text.endsWith(";")) {
                text = text.substring(0, text.length() - 1);
            }
            Statements definition = ExactParser.parse(text).orElse(null);
            Statement parsed = definition == null || definition.size() != 1 ? null : definition.get(0);
            if (parsed == null) {
                throw new Opaque("the definition of view " + name.qualified() + " could not be parsed for lineage;"
                        + " query its base tables");
            }
            if (!(parsed instanceof Select select)) {
                throw new Opaque("the definition of view " + name.qualified() + " is not a query");
            }
            Set<String> savedTraced = new java.util.HashSet<>(traced);
            viewDepth++;
            List<Col> outputs;
            try {
                outputs = select(select, null);
            } finally {
                viewDepth--;
                traced.clear();
                traced.addAll(savedTraced); // names in the definition are not names of the statement's text
            }
            List<String> names = catalog.columns(name.schema() == null ? name : view.name());
            if (names == null || names.size() != outputs.size()) {
                throw new Opaque("the columns of view " + name.qualified() + " do not match its definition");
            }
            return rename(outputs, names);
        }

        /** The scope a LATERAL item sees: everything before it in FROM, and the outer queries. */
        private Scope lateral(Scope scope) {
            Scope result = new Scope(scope == null ? null : scope.outer);
            if (scope != null) {
                result.relations.addAll(scope.relations);
            }
            return result;
        }

        private Relation relation(Table table, Scope scope) {
            String name = unquote(table.getName());
            String schema = table.getSchemaName() == null ? null : unquote(table.getSchemaName());
            for (Scope each = scope; each != null; each = each.outer) {
                for (Relation relation : each.relations) {
                    if (relation.name != null && relation.name.equals(name) && (schema == null
                            || (relation.table != null && schema.equals(relation.table.schema())))) {
                        return relation;
                    }
                }
            }
            return null;
        }

        // ---- DML

        private List<Col> insert(Insert insert) {
            Scope scope = withScope(insert.getWithItemsList());
            Relation target = relationOf(insert.getTable(), null);
            if (insert.getColumns() != null) {
                for (Column each : insert.getColumns()) {
                    traced.add(unquote(each.getColumnName()));
                }
            }
            List<Flow> written = new ArrayList<>();
            if (insert.getSelect() != null) {
                select(insert.getSelect(), scope).forEach(each -> written.addAll(each.flows()));
            }
            copies.addAll(written);
            Scope targetScope = new Scope(scope);
            targetScope.relations.add(target);
            targetScope.relations.add(new Relation("excluded", null, null, derived(written)));
            updateSets(insert.getSetUpdateSets(), targetScope);
            updateSets(insert.getDuplicateUpdateSets(), targetScope);
            if (insert.getConflictAction() != null) {
                updateSets(insert.getConflictAction().getUpdateSets(), targetScope);
                use(insert.getConflictAction().getWhereExpression(), targetScope, "ON CONFLICT WHERE", false);
            }
            Scope returning = new Scope(scope);
            returning.relations.add(target);
            returning.star = target.columns == null ? null : new ArrayList<>(target.columns);
            return returning(insert.getReturningClause(), returning);
        }

        private List<Col> update(Update update) {
            Scope scope = new Scope(withScope(update.getWithItemsList()));
            from(update.getTable(), scope, true);
            if (update.getStartJoins() != null) {
                for (Join each : update.getStartJoins()) {
                    join(each, scope);
                }
            }
            if (update.getFromItem() != null) {
                Join from = new Join();
                from.setRightItem(update.getFromItem());
                join(from, scope);
            }
            if (update.getJoins() != null) {
                for (Join each : update.getJoins()) {
                    join(each, scope);
                }
            }
            updateSets(update.getUpdateSets(), scope);
            use(update.getWhere(), scope, "WHERE", false);
            orderBy(update.getOrderByElements(), scope);
            return returning(update.getReturningClause(), scope);
        }

        private List<Col> delete(Delete delete) {
            Scope scope = new Scope(withScope(delete.getWithItemsList()));
            from(delete.getTable(), scope, true);
            if (delete.getUsingList() != null) {
                for (Table each : delete.getUsingList()) {
                    Join using = new Join();
                    using.setRightItem(each);
                    join(using, scope);
                }
            }
            if (delete.getJoins() != null) {
                for (Join each : delete.getJoins()) {
                    join(each, scope);
                }
            }
            use(delete.getWhere(), scope, "WHERE", false);
            orderBy(delete.getOrderByElements(), scope);
            return returning(delete.getReturningClause(), scope);
        }

        private void updateSets(List<UpdateSet> sets, Scope scope) {
            if (sets == null) {
                return;
            }
            for (UpdateSet each : sets) {
                for (Column target : each.getColumns()) {
                    traced.add(unquote(target.getColumnName()));
                }
                for (Expression value : each.getValues()) {
                    copies.addAll(output(value, scope));
                }
            }
        }

        private List<Col> returning(List<SelectItem<?>> items, Scope scope) {
            if (items == null) {
                return List.of();
            }
            List<Col> result = new ArrayList<>();
            for (SelectItem<?> each : items) {
                result.addAll(selectItem(each, scope));
            }
            return result;
        }

        private Scope withScope(List<WithItem<?>> items) {
            if (items == null || items.isEmpty()) {
                return null;
            }
            Scope scope = new Scope(null);
            for (WithItem<?> each : items) {
                with(each, scope);
            }
            return scope;
        }

        // ---- expressions

        /** The flows of an expression in the output: a bare column keeps DIRECT flows, anything else derives. */
        private List<Flow> output(Expression expression, Scope scope) {
            Expression bare = valuePreserved(expression);
            if (bare instanceof Column column) {
                return resolve(column, scope, false);
            }
            if (bare instanceof ParenthesedSelect subquery) {
                List<Col> columns = select(subquery.getSelect(), scope);
                List<Flow> flows = new ArrayList<>();
                columns.forEach(each -> flows.addAll(each.flows()));
                return columns.size() == 1 ? flows : derived(flows);
            }
            Walker walker = new Walker(scope, null);
            walker.walk(expression);
            if (!walker.flows.isEmpty()) {
                for (Expression each : FailureDeciders.of(expression, catalog.typesSettledBeforeRunning())) {
                    use(each, scope, "an expression that may fail on its value (" + FailureDeciders.describe(each) + ")", false);
                }
            }
            return derived(walker.flows);
        }

        /**
         * A function returning rows (any function in FROM, a set-returning one in a select list) returns
         * as many as its arguments say, and the rows are counted by whoever reads them: its arguments are
         * a use, like WHERE, unless the count is fixed by the syntax.
         */
        private void rowsCount(Function function, String name, Scope scope) {
            if (SetReturningFunctions.rowCountIsFixed(name, function)) {
                return;
            }
            String clause = "the arguments of " + name + " (they decide how many rows it returns)";
            if (function.getParameters() != null) {
                for (Expression each : function.getParameters()) {
                    use(each, scope, clause, false);
                }
            }
            if (function.getNamedParameters() != null) {
                for (Expression each : function.getNamedParameters()) {
                    use(each, scope, clause, false);
                }
            }
        }

        /** Records every source column inside {@code expression} as used in {@code clause}. */
        private void use(Expression expression, Scope scope, String clause, boolean equality) {
            if (expression == null) {
                return;
            }
            Walker walker = new Walker(scope, clause);
            walker.equality = equality;
            walker.walk(expression);
        }

        /** Only the value itself compared is an equality: {@code substr(card, 1, 1) = '4'} probes a prefix. */
        private void useFlows(List<Flow> flows, String clause, boolean equality) {
            for (Flow each : flows) {
                uses.add(new Use(each.source(), clause, equality && each.kind() == Flow.Kind.DIRECT));
            }
        }

        private void copyAll(List<Col> columns) {
            columns.forEach(each -> copies.addAll(each.flows()));
        }

        /** Flows of a column reference: a column of a relation in scope, an output alias, or a whole row. */
        private List<Flow> resolve(Column column, Scope scope, boolean outputAliases) {
            List<Flow> result = resolveName(column, scope, outputAliases);
            result.forEach(each -> reads.add(each.source()));
            return result;
        }

        private List<Flow> resolveName(Column column, Scope scope, boolean outputAliases) {
            String name = unquote(column.getColumnName());
            traced.add(name);
            Table qualifier = column.getTable();
            if (qualifier != null && qualifier.getName() != null) {
                Relation relation = relation(qualifier, scope);
                if (relation == null) {
                    unresolved.add(column.toString());
                    return List.of();
                }
                Col found = relation.columns == null ? null : relation.column(name);
                if (found == null && relation.anyColumn != null) {
                    return relation.anyColumn;
                }
                if (relation.columns == null) {
                    return List.of(new Flow(new SourceColumn(relation.table, name), Flow.Kind.DIRECT));
                }
                if (found == null) {
                    unresolved.add(column.toString());
                    return List.of();
                }
                return found.flows();
            }
            List<Flow> result = new ArrayList<>();
            if (outputAliases && scope != null) {
                Col output = find(scope.outputs, name);
                if (output != null) {
                    result.addAll(output.flows());
                }
            }
            // innermost scope wins, as in the database; an open relation (a table function whose columns
            // are not listed) may hold the name too, so its flows join whatever the name resolves to
            List<Flow> possible = new ArrayList<>();
            for (Scope each = scope; each != null; each = each.outer) {
                List<Flow> found = resolveIn(each.relations, name, possible);
                if (found != null) {
                    result.addAll(found);
                    result.addAll(possible);
                    return result;
                }
            }
            result.addAll(possible);
            if (!result.isEmpty() || (outputAliases && scope != null && find(scope.outputs, name) != null)) {
                return result;
            }
            for (Scope each = scope; each != null; each = each.outer) {
                for (Relation relation : each.relations) {
                    if (name.equals(relation.name)) {
                        return wholeRow(relation);
                    }
                }
            }
            if (!KEYWORDS.contains(name)) {
                unresolved.add(column.toString());
            }
            return List.of();
        }

        /**
         * Flows of an unqualified name among some relations, or null when none has it; base tables of
         * unknown columns might hold any name.
         */
        private List<Flow> resolveIn(List<Relation> relations, String name, List<Flow> possible) {
            List<Flow> result = null;
            for (Relation relation : relations) {
                List<Flow> flows = null;
                if (relation.anyColumn != null && (relation.columns == null || relation.column(name) == null)) {
                    possible.addAll(relation.anyColumn);
                    continue;
                }
                if (relation.columns == null) {
                    if (relation.table != null) {
                        flows = List.of(new Flow(new SourceColumn(relation.table, name), Flow.Kind.DIRECT));
                    }
                } else {
                    Col found = relation.column(name);
                    flows = found == null ? null : found.flows();
                }
                if (flows != null) {
                    result = result == null ? new ArrayList<>() : result;
                    result.addAll(flows);
                }
            }
            return result;
        }

        private List<Flow> wholeRow(Relation relation) {
            usesCatalog = true;
            if (relation.anyColumn != null) {
                return relation.anyColumn;
            }
            if (relation.columns == null) {
                throw new Opaque("a whole-row reference to " + relation.name
                        + ", a table whose columns Governed cannot list");
            }
            List<Flow> result = new ArrayList<>();
            for (Col each : relation.columns) {
                for (Flow flow : each.flows()) {
                    result.add(flow.as(Flow.Kind.WHOLE_ROW));
                }
            }
            // a whole row stays a whole row whatever expression it feeds
            return result.stream().map(each -> new Flow(each.source(), Flow.Kind.WHOLE_ROW)).toList();
        }

        /**
         * Walks an expression exhaustively: collects flows (output) or records uses (clause non-null).
         * Every node is dispatched on its exact class through {@link SyntaxNodes}; a class it does not
         * know, or a field a handler does not expect, makes the statement opaque (denied while masks
         * apply), like PostgreSQL's expression_tree_walker raising on an unknown node.
         */
        private final class Walker {
            final Scope scope;
            final String clause;
            final List<Flow> flows = new ArrayList<>();
            boolean equality;

            Walker(Scope scope, String clause) {
                this.scope = scope;
                this.clause = clause;
            }

            void walk(Expression expression) {
                node(expression);
            }

            private void found(List<Flow> more, boolean comparedForEquality) {
                if (clause == null) {
                    flows.addAll(more);
                } else {
                    useFlows(more, clause, comparedForEquality);
                }
            }

            private void operand(Expression expression, boolean comparison) {
                if (expression == null) {
                    return;
                }
                boolean saved = equality;
                equality = comparison && (expression instanceof Column || expression instanceof ParenthesedSelect);
                node(expression);
                equality = saved;
            }

            /** Any value met in the tree: a node, a list of nodes, a pair, or a constant. */
            private void value(Object value) {
                if (value == null || value instanceof Number || value instanceof Boolean
                        || value instanceof Character || value instanceof Enum<?>) {
                    return;
                }
                if (value instanceof String text) {
                    // an Object-typed field holding text: a quoted literal or an operator is harmless, a bare or
                    // double-quoted word may be a column
                    if (!text.isEmpty() && (Character.isLetter(text.charAt(0)) || text.charAt(0) == '_'
                            || text.charAt(0) == '"' || text.charAt(0) == '`')) {
                        throw new Opaque("the name " + text + " in a JSON or key-value construct, which lineage cannot"
                                + " resolve; write the key as a quoted string");
                    }
                    return;
                }
                if (value instanceof Map.Entry<?, ?> entry) {
                    value(entry.getKey());
                    value(entry.getValue());
                    return;
                }
                if (value instanceof java.util.Collection<?> collection
                        && !collection.getClass().getName().startsWith("net.sf.jsqlparser.")) {
                    collection.forEach(this::value);
                    return;
                }
                node(value);
            }

            private void node(Object node) {
                if (node == null) {
                    return;
                }
                SyntaxNodes.Kind kind = SyntaxNodes.kind(node.getClass());
                if (kind == null) {
                    throw new Opaque("Governed's lineage does not know the SQL construct " + node.getClass().getSimpleName()
                            + " (" + abbreviate(node) + "); " + SyntaxNodes.advice(node.getClass()));
                }
                boolean saved = equality;
                if (kind != SyntaxNodes.Kind.COLUMN && kind != SyntaxNodes.Kind.SUBQUERY) {
                    equality = false;
                }
                switch (kind) {
                    case COLUMN -> column((Column) node);
                    case SUBQUERY -> subquery((ParenthesedSelect) node);
                    case SELECT -> found(flowsOf(Trace.this.select((Select) node, scope)), equality);
                    case ALL_COLUMNS -> allColumns();
                    case ALL_TABLE_COLUMNS -> allTableColumns((AllTableColumns) node);
                    case FUNCTION -> function((Function) node);
                    case ANALYTIC -> analytic((AnalyticExpression) node);
                    case EQUALITY -> {
                        BinaryExpression binary = (BinaryExpression) node;
                        operand(binary.getLeftExpression(), true);
                        operand(binary.getRightExpression(), true);
                        rest(node, "leftExpression", "rightExpression");
                    }
                    case IS_NULL -> {
                        operand(((IsNullExpression) node).getLeftExpression(), true);
                        rest(node, "leftExpression");
                    }
                    case IN -> in((InExpression) node);
                    case EXISTS -> exists((ExistsExpression) node);
                    case ANY -> {
                        found(flowsOf(Trace.this.select(((AnyComparisonExpression) node).getSelect(), scope)), false);
                        rest(node, "select");
                    }
                    case LEAF -> rest(node);
                    case GENERIC -> {
                        if (node instanceof java.util.Collection<?> items) {
                            items.forEach(this::value);
                        }
                        SyntaxNodes.others(node, Set.of()).values().forEach(this::value);
                    }
                    case DENIED -> throw new Opaque(node.getClass().getSimpleName() + " (" + abbreviate(node) + "): "
                            + SyntaxNodes.advice(node.getClass()));
                }
                equality = saved;
            }

            /** Walks the node-holding fields a handler did not name, as derived values. */
            private void rest(Object node, String... handled) {
                SyntaxNodes.others(node, Set.of(handled)).values().forEach(this::value);
            }

            private void column(Column column) {
                if (column.getArrayConstructor() != null) {
                    // ssn[1]: an element of the value, derived
                    found(derived(resolve(column, scope, clause != null)), false);
                    value(column.getArrayConstructor());
                    return;
                }
                found(resolve(column, scope, clause != null), equality);
            }

            private void subquery(ParenthesedSelect select) {
                if (select.getPivot() != null || select.getUnPivot() != null || select.getSampleClause() != null) {
                    throw new Opaque("PIVOT, UNPIVOT and TABLESAMPLE are not traced; rewrite them with CASE and"
                            + " GROUP BY");
                }
                found(flowsOf(Trace.this.select(select.getSelect(), scope)), equality);
            }

            private void allColumns() {
                usesCatalog = true;
                if (scope == null || scope.star == null) {
                    throw new Opaque("* inside an expression over a table whose columns Governed cannot list");
                }
                for (Col each : scope.star) {
                    found(each.flows().stream().map(flow -> new Flow(flow.source(), Flow.Kind.WHOLE_ROW)).toList(),
                            false);
                }
            }

            private void allTableColumns(AllTableColumns all) {
                Relation relation = relation(all.getTable(), scope);
                if (relation == null) {
                    unresolved.add(all.toString());
                    return;
                }
                found(wholeRow(relation), false);
            }

            private void in(InExpression expression) {
                operand(expression.getLeftExpression(), true);
                Expression right = expression.getRightExpression();
                if (right instanceof ExpressionList<?> list && !(right instanceof RowConstructor<?>)) {
                    for (Expression each : list) {
                        operand(each, true);
                    }
                } else {
                    operand(right, true);
                }
                rest(expression, "leftExpression", "rightExpression");
            }

            private void exists(ExistsExpression exists) {
                Expression right = exists.getRightExpression();
                if (right instanceof ParenthesedSelect select && select.getPivot() == null
                        && select.getUnPivot() == null) {
                    Trace.this.select(select.getSelect(), scope); // its uses count; its select list does not come out
                } else {
                    operand(right, false);
                }
                rest(exists, "rightExpression");
            }

            private void function(Function function) {
                String name = functionName(function.getName());
                if (!Functions.isKnown(name)) {
                    unknownFunctions.add(name);
                }
                if (function.getAttribute() != null) {
                    throw new Opaque("field access on a function result (" + abbreviate(function) + "); select the"
                            + " function's value and read the field in your code");
                }
                if (STATEMENT_TEXT_FUNCTIONS.contains(name)) {
                    throw new Opaque(name + " shows the text of statements, other callers' among them, whose literals"
                            + " may be values of masked columns; it cannot be called while masks apply to you");
                }
                if (SetReturningFunctions.NAMES.contains(name)) {
                    rowsCount(function, name, scope);
                }
                boolean countAll = function.isAllColumns() || ("count".equals(name) && function.getParameters() != null
                        && function.getParameters().size() == 1
                        && function.getParameters().get(0) instanceof AllColumns
                        && !(function.getParameters().get(0) instanceof AllTableColumns));
                if (!countAll) {
                    if (function.getParameters() != null) {
                        for (Expression each : function.getParameters()) {
                            operand(each, false);
                        }
                    }
                    if (function.getNamedParameters() != null) {
                        for (Expression each : function.getNamedParameters()) {
                            operand(each, false);
                        }
                    }
                }
                if (function.getOrderByElements() != null) {
                    for (OrderByElement each : function.getOrderByElements()) {
                        use(each.getExpression(), scope, "ORDER BY in " + name, false);
                    }
                }
                rest(function, "parameters", "namedParameters", "orderByElements", "attributeExpression",
                        "attributeColumn");
            }

            private void analytic(AnalyticExpression analytic) {
                String name = functionName(analytic.getName());
                if (!Functions.isKnown(name)) {
                    unknownFunctions.add(name);
                }
                boolean countAll = analytic.isAllColumns() || "count".equals(name)
                        && analytic.getExpression() instanceof AllColumns
                        && !(analytic.getExpression() instanceof AllTableColumns);
                if (!countAll) {
                    operand(analytic.getExpression(), false);
                }
                operand(analytic.getOffset(), false);
                operand(analytic.getDefaultValue(), false);
                if (analytic.getWindowDefinition() != null) {
                    window(analytic.getWindowDefinition(), scope);
                }
                if (analytic.getFuncOrderBy() != null) {
                    for (OrderByElement each : analytic.getFuncOrderBy()) {
                        use(each.getExpression(), scope, "ORDER BY in " + name, false);
                    }
                }
                use(analytic.getFilterExpression(), scope, "FILTER", false);
                rest(analytic, "expression", "offset", "defaultValue", "windowDef", "funcOrderBy", "filterExpression");
            }
        }
    }

    // ---- helpers

    /** Unwraps a value-preserving cast ({@code ssn::text}, {@code CAST(ssn AS varchar)}) down to its operand. */
    private static Expression valuePreserved(Expression expression) {
        Expression result = expression;
        while (result instanceof CastExpression cast && cast.getColDataType() != null
                && TEXT_TYPES.contains(cast.getColDataType().getDataType().toLowerCase(Locale.ROOT).strip())
                && (cast.getColDataType().getArgumentsStringList() == null
                        || cast.getColDataType().getArgumentsStringList().isEmpty())) {
            result = cast.getLeftExpression();
        }
        if (result instanceof ExpressionList<?> list && list.size() == 1 && result.toString().startsWith("(")) {
            return valuePreserved(list.get(0));
        }
        return result;
    }

    private static List<Flow> flowsOf(List<Col> columns) {
        List<Flow> result = new ArrayList<>();
        columns.forEach(each -> result.addAll(each.flows()));
        return result;
    }

    /** A short form of a node for messages: its SQL, cut after 60 characters. */
    private static String abbreviate(Object node) {
        String text = String.valueOf(node);
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static List<Flow> derived(List<Flow> flows) {
        List<Flow> result = new ArrayList<>(flows.size());
        for (Flow each : flows) {
            result.add(each.as(Flow.Kind.DERIVED));
        }
        return result;
    }

    private static List<Col> merge(List<Col> first, List<Col> second) {
        if (first.size() != second.size()) {
            throw new Opaque("set operation branches with different numbers of columns");
        }
        List<Col> result = new ArrayList<>(first.size());
        for (int i = 0; i < first.size(); i++) {
            LinkedHashSet<Flow> flows = new LinkedHashSet<>(first.get(i).flows());
            flows.addAll(second.get(i).flows());
            result.add(new Col(first.get(i).name(), List.copyOf(flows), first.get(i).checked()));
        }
        return result;
    }

    private static List<Col> rename(List<Col> columns, List<String> names) {
        if (names.isEmpty()) {
            return columns;
        }
        if (names.size() != columns.size()) {
            throw new Opaque("a column list of " + names.size() + " names for " + columns.size() + " columns");
        }
        List<Col> result = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            result.add(new Col(names.get(i), columns.get(i).flows()));
        }
        return result;
    }

    private static List<Col> renameAlias(List<Col> columns, Alias alias) {
        if (alias == null || alias.getAliasColumns() == null || alias.getAliasColumns().isEmpty()) {
            return columns;
        }
        List<String> names = new ArrayList<>();
        for (Alias.AliasColumn each : alias.getAliasColumns()) {
            names.add(unquote(each.name));
        }
        if (names.size() > columns.size()) {
            throw new Opaque("an alias names more columns than its table has");
        }
        List<Col> result = new ArrayList<>(columns);
        for (int i = 0; i < names.size(); i++) {
            result.set(i, new Col(names.get(i), columns.get(i).flows()));
        }
        return result;
    }

    private static Scope scopeOver(List<Col> outputs, Scope outer) {
        Scope result = new Scope(outer);
        result.outputs = outputs;
        result.relations.add(new Relation(null, null, outputs, null));
        return result;
    }

    private static List<Col> concat(List<Col> first, List<Col> second) {
        List<Col> result = new ArrayList<>(first);
        result.addAll(second);
        return result;
    }

    private static Col find(List<Col> columns, String name) {
        if (columns == null) {
            return null;
        }
        for (Col each : columns) {
            if (name.equals(each.name())) {
                return each;
            }
        }
        return null;
    }

    private static String aliasName(Alias alias) {
        return alias == null ? null : unquote(alias.getName());
    }

    private static String functionName(String name) {
        String result = unquote(name == null ? "" : name);
        int dot = result.lastIndexOf('.');
        // schema-qualified functions are only known in pg_catalog
        if (dot >= 0) {
            String schema = result.substring(0, dot);
            return "pg_catalog".equals(schema) ? result.substring(dot + 1) : result;
        }
        return result;
    }

    static String unquote(String name) {
        if (name == null) {
            return null;
        }
        String result = name.strip();
        if (result.length() >= 2 && (result.startsWith("\"") && result.endsWith("\"")
                || result.startsWith("`") && result.endsWith("`") || result.startsWith("[") && result.endsWith("]"))) {
            result = result.substring(1, result.length() - 1);
        }
        return result.toLowerCase(Locale.ROOT);
    }

    /** Set-returning functions of one column, which PostgreSQL names after the alias (or the function). */
    private static final Set<String> SINGLE_COLUMN_FUNCTIONS = Set.of("generate_series", "unnest",
            "json_array_elements", "jsonb_array_elements", "json_array_elements_text", "jsonb_array_elements_text",
            "jsonb_object_keys", "json_object_keys", "regexp_split_to_table", "string_to_table", "generate_subscripts");

    /** Parts every query has that {@link Trace#select} and {@link Trace#limits} follow (or that carry no data). */
    private static final Set<String> SELECT_PARTS = Set.of("withItemsList", "limit", "offset", "fetch",
            "orderByElements", "forUpdateTable", "wait", "isolation", "alias");

    private static final int MAX_VIEW_DEPTH = 16;

    /** PostgreSQL's statistics relations, which hold sampled column values. */
    private static final Set<String> STATISTICS = Set.of("pg_stats", "pg_stats_ext", "pg_stats_ext_exprs",
            "pg_statistic", "pg_statistic_ext", "pg_statistic_ext_data");

    /**
     * Relations showing statement texts: PostgreSQL's running and prepared statements and cursors (a pooled
     * connection's prepared statements are other callers'), H2's sessions and query statistics.
     */
    private static final Set<String> STATEMENT_TEXTS = Set.of("pg_stat_activity", "pg_prepared_statements",
            "pg_cursors", "pg_stat_statements", "sessions", "query_statistics");

    /** The functions behind PostgreSQL's statement-text views. */
    private static final Set<String> STATEMENT_TEXT_FUNCTIONS = Set.of("pg_prepared_statement", "pg_cursor",
            "pg_stat_get_activity", "pg_stat_statements");

    private static final Set<String> GROUPING_CONSTRUCTS = Set.of("rollup", "cube", "grouping sets");

    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "character varying", "string", "nvarchar");

    /** Bare words the parser reads as columns that are values, not references. */
    private static final Set<String> KEYWORDS = Set.of("true", "false", "null", "current_date", "current_time",
            "current_timestamp", "localtime", "localtimestamp", "current_user", "session_user", "user",
            "current_schema", "current_catalog", "current_role", "sysdate", "default");

    /** Statements that move no table data anywhere; anything else unknown is opaque. */
    private static final Set<String> NO_DATA = Set.of("SetStatement", "ResetStatement", "Commit", "RollbackStatement",
            "SavepointStatement", "Drop", "Truncate", "Alter", "CreateIndex", "Grant", "Comment", "ShowStatement",
            "ShowColumnsStatement", "ShowTablesStatement", "UseStatement", "CreateSchema", "CreateSequence",
            "AlterSequence", "StartTransactionStatement", "Analyze");
}
