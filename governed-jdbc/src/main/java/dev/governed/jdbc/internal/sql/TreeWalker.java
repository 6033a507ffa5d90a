package dev.governed.jdbc.internal.sql;

import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterExpression;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Turns one JSqlParser statement into {@link AnalysedStatement}s: its own, preceded by one
 * for each data-modifying statement nested in it (a {@code WITH d AS (DELETE ...)}).
 *
 * <p>The parts whose meaning depends on position (targets, FROM, WITH scopes, clauses)
 * are handled by name; every other field of every node is still walked reflectively, so
 * a table, subquery, column or function in a construct this class does not know is
 * counted conservatively (as read, in clause OTHER) rather than missed.
 */
final class TreeWalker {

    private final List<StatementFacts> finished = new ArrayList<>();
    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    private StatementFacts current;

    private TreeWalker() {}

    /** The statement's analysis: nested data-modifying statements first, then the statement itself. */
    static List<AnalysedStatement> analyse(Statement statement) throws UnanalysableException {
        TreeWalker walker = new TreeWalker();
        try {
            walker.statement(statement, CteScope.EMPTY);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnanalysableException("the statement's syntax tree could not be walked ("
                    + e.getClass().getSimpleName() + ")");
        }
        List<AnalysedStatement> result = new ArrayList<>();
        for (StatementFacts each : walker.finished) {
            result.add(each.toStatement());
        }
        return result;
    }

    private void statement(Statement wrapped, CteScope scope) throws UnanalysableException, ReflectiveOperationException {
        visited.add(wrapped);
        Statement statement = unwrap(wrapped);
        StatementFacts outer = current;
        current = new StatementFacts();
        visited.add(statement);
        if (statement instanceof Select select) {
            current.operation = SqlOperation.SELECT;
            selectBody(select, scope, null);
        } else if (statement instanceof Insert insert) {
            insert(insert, scope);
        } else if (statement instanceof Update update) {
            update(update, scope);
        } else if (statement instanceof Delete delete) {
            delete(delete, scope);
        } else if (statement instanceof Merge merge) {
            merge(merge, scope);
        } else if (statement instanceof Upsert upsert) {
            current.operation = SqlOperation.MERGE;
            written(upsert.getTable());
            rest(upsert, scope, Clause.SET, "table");
        } else if (statement instanceof CreateTable create) {
            current.operation = SqlOperation.CREATE;
            written(create.getTable());
            select(create.getSelect(), scope, null);
            rest(create, scope, Clause.OTHER, "table", "select");
        } else if (statement instanceof CreateView create) {
            current.operation = SqlOperation.CREATE;
            written(create.getView());
            select(create.getSelect(), scope, null);
            rest(create, scope, Clause.OTHER, "view", "columnNames", "select");
        } else if (statement instanceof AlterView alter) {
            current.operation = SqlOperation.ALTER;
            written(alter.getView());
            select(alter.getSelect(), scope, null);
            rest(alter, scope, Clause.OTHER, "view", "columnNames", "select");
        } else if (statement instanceof CreateIndex create) {
            current.operation = SqlOperation.CREATE;
            written(create.getTable());
            rest(create, scope, Clause.OTHER, "table");
        } else if (statement instanceof CreateSchema || statement instanceof CreateSequence) {
            current.operation = SqlOperation.CREATE;
        } else if (statement instanceof AlterSequence) {
            current.operation = SqlOperation.ALTER;
        } else if (statement instanceof Alter alter) {
            current.operation = SqlOperation.ALTER;
            written(alter.getTable());
            renamedTo(alter);
            rest(alter, scope, Clause.OTHER, "table");
        } else if (statement instanceof RenameTableStatement rename) {
            current.operation = SqlOperation.ALTER;
            for (Map.Entry<Table, Table> each : rename.getTableNames()) {
                written(each.getKey());
                written(each.getValue());
            }
        } else if (statement instanceof Drop drop) {
            drop(drop);
        } else if (statement instanceof Truncate truncate) {
            current.operation = SqlOperation.TRUNCATE;
            written(truncate.getTable());
            if (truncate.getTables() != null) {
                for (Table each : truncate.getTables()) {
                    written(each);
                }
            }
        } else if (statement instanceof Comment comment) {
            current.operation = SqlOperation.COMMENT;
            written(comment.getTable());
            written(comment.getView());
            if (comment.getColumn() != null) {
                written(comment.getColumn().getTable());
            }
        } else {
            throw new UnanalysableException("JSqlParser read the statement as "
                    + statement.getClass().getSimpleName() + ", which Governed does not analyse");
        }
        if (current.operation == SqlOperation.CREATE) {
            current.read.removeAll(current.written);
        }
        finished.add(current);
        current = outer;
    }

    /** The statement inside a parenthesised INSERT, UPDATE or DELETE (as a data-modifying CTE holds). */
    private static Statement unwrap(Statement statement) {
        if (statement instanceof ParenthesedInsert insert && insert.getInsert() != null) {
            return insert.getInsert();
        }
        if (statement instanceof ParenthesedUpdate update && update.getUpdate() != null) {
            return update.getUpdate();
        }
        if (statement instanceof ParenthesedDelete delete && delete.getDelete() != null) {
            return delete.getDelete();
        }
        return statement;
    }

    private void insert(Insert insert, CteScope outer) throws UnanalysableException, ReflectiveOperationException {
        current.operation = SqlOperation.INSERT;
        CteScope scope = withItems(insert.getWithItemsList(), outer, null);
        written(insert.getTable());
        expression(insert.getColumns(), scope, Clause.SET);
        select(insert.getSelect(), scope, null);
        expression(insert.getSetUpdateSets(), scope, Clause.SET);
        expression(insert.getDuplicateUpdateSets(), scope, Clause.SET);
        InsertConflictAction conflict = insert.getConflictAction();
        if (conflict != null && visited.add(conflict)) {
            expression(conflict.getUpdateSets(), scope, Clause.SET);
            expression(conflict.getWhereExpression(), scope, Clause.WHERE);
            rest(conflict, scope, Clause.OTHER, "updateSets", "whereExpression");
        }
        returning(insert.getReturningClause(), insert.getTable(), scope);
        rest(insert, scope, Clause.OTHER, "withItemsList", "table", "columns", "select", "setUpdateSets",
                "duplicateUpdateSets", "conflictAction", "returningClause");
    }

    private void update(Update update, CteScope outer) throws UnanalysableException, ReflectiveOperationException {
        current.operation = SqlOperation.UPDATE;
        CteScope scope = withItems(update.getWithItemsList(), outer, null);
        written(update.getTable());
        joins(update.getStartJoins(), scope, null);
        from(update.getFromItem(), scope, null);
        joins(update.getJoins(), scope, null);
        expression(update.getUpdateSets(), scope, Clause.SET);
        current.hasWhere = where(update.getWhere(), scope);
        returning(update.getReturningClause(), update.getTable(), scope);
        rest(update, scope, Clause.OTHER, "withItemsList", "table", "startJoins", "fromItem", "joins", "updateSets",
                "where", "returningClause");
    }

    private void delete(Delete delete, CteScope outer) throws UnanalysableException, ReflectiveOperationException {
        current.operation = SqlOperation.DELETE;
        CteScope scope = withItems(delete.getWithItemsList(), outer, null);
        written(delete.getTable());
        if (delete.getTables() != null) {
            for (Table each : delete.getTables()) {
                written(each);
            }
        }
        if (delete.getUsingList() != null) {
            for (Table each : delete.getUsingList()) {
                from(each, scope, null);
            }
        }
        joins(delete.getJoins(), scope, null);
        current.hasWhere = where(delete.getWhere(), scope);
        returning(delete.getReturningClause(), delete.getTable(), scope);
        rest(delete, scope, Clause.OTHER, "withItemsList", "table", "tables", "usingList", "joins", "where",
                "returningClause");
    }

    private void merge(Merge merge, CteScope outer) throws UnanalysableException, ReflectiveOperationException {
        current.operation = SqlOperation.MERGE;
        CteScope scope = withItems(merge.getWithItemsList(), outer, null);
        written(merge.getTable());
        from(merge.getFromItem(), scope, null);
        expression(merge.getOnCondition(), scope, Clause.JOIN);
        rest(merge, scope, Clause.SET, "withItemsList", "table", "fromItem", "onCondition");
    }

    /** ALTER TABLE t RENAME TO u writes u too: it takes that name, in t's schema. */
    private void renamedTo(Alter alter) throws UnanalysableException {
        if (alter.getAlterExpressions() == null || alter.getTable() == null) {
            return;
        }
        TableName from = tableName(alter.getTable());
        for (AlterExpression each : alter.getAlterExpressions()) {
            String newName = each.getNewTableName();
            if (newName != null && !newName.isEmpty()) {
                TableName to = Names.table(List.of(newName.split("\\.")));
                current.written.add(to.schema() != null ? to : TableName.of(from.schema(), to.name()));
            }
        }
    }

    private void drop(Drop drop) throws UnanalysableException {
        current.operation = SqlOperation.DROP;
        String type = drop.getType() == null ? "" : drop.getType().toUpperCase(Locale.ROOT);
        if (type.equals("TABLE") || type.equals("VIEW") || type.equals("MATERIALIZED VIEW") || drop.isMaterialized()) {
            written(drop.getName());
        }
    }

    /** Whether a WHERE restricts rows: it must reference some column; {@code WHERE 1 = 1} does not. */
    private boolean where(Object where, CteScope scope) throws UnanalysableException, ReflectiveOperationException {
        int before = current.columnsSeen;
        expression(where, scope, Clause.WHERE);
        return where != null && current.columnsSeen > before;
    }

    private void returning(ReturningClause returning, Table target, CteScope scope)
            throws UnanalysableException, ReflectiveOperationException {
        if (returning == null) {
            return;
        }
        expression(returning, scope, Clause.RETURNING);
        // RETURNING hands the target's rows back to the caller: that is a read of the target.
        if (target != null) {
            current.read.add(tableName(target));
        }
    }

    /** Registers WITH items in order, honouring the scope rules of plain and RECURSIVE WITH. */
    private CteScope withItems(List<WithItem<?>> items, CteScope scope, Clause override)
            throws UnanalysableException, ReflectiveOperationException {
        if (items == null || items.isEmpty()) {
            return scope;
        }
        boolean recursive = items.stream().anyMatch(WithItem::isRecursive);
        CteScope all = scope;
        for (WithItem<?> each : items) {
            all = all.with(Names.cteKey(each.getAliasName()));
        }
        CteScope running = recursive ? all : scope;
        for (WithItem<?> each : items) {
            visited.add(each);
            Object body = each.getParenthesedStatement();
            // A plain CTE cannot see itself: "WITH t AS (SELECT * FROM t)" reads the real table t.
            if (body instanceof Select select) {
                select(select, running, override);
            } else if (body instanceof Statement nested) {
                if (visited.add(nested)) {
                    statement(nested, running);
                }
            } else {
                expression(body, running, effective(override, Clause.OTHER));
            }
            if (!recursive) {
                running = running.with(Names.cteKey(each.getAliasName()));
            }
        }
        return running;
    }

    private void select(Select select, CteScope scope, Clause override)
            throws UnanalysableException, ReflectiveOperationException {
        if (select != null && visited.add(select)) {
            selectBody(select, scope, override);
        }
    }

    /**
     * @param override the clause a subquery's columns count under (the clause that contains
     *                 it), or null for a query whose own clauses apply (top level, FROM, set operations)
     */
    private void selectBody(Select select, CteScope outer, Clause override)
            throws UnanalysableException, ReflectiveOperationException {
        CteScope scope = withItems(select.getWithItemsList(), outer, override);
        if (select.getForMode() != null) {
            current.locksRows = true;
        }
        if (select.getForUpdateTable() != null) {
            visited.add(select.getForUpdateTable()); // FOR UPDATE OF names an alias, not a table
        }
        if (select instanceof PlainSelect plain) {
            plainSelect(plain, scope, override);
        } else if (select instanceof SetOperationList list) {
            for (Select each : list.getSelects()) {
                select(each, scope, override);
            }
            expression(list.getOrderByElements(), scope, effective(override, Clause.ORDER_BY));
            rest(list, scope, effective(override, Clause.OTHER), "selects", "withItemsList", "orderByElements",
                    "forUpdateTable");
        } else if (select instanceof ParenthesedSelect parenthesed) {
            select(parenthesed.getSelect(), scope, override);
            expression(parenthesed.getOrderByElements(), scope, effective(override, Clause.ORDER_BY));
            rest(parenthesed, scope, effective(override, Clause.OTHER), "select", "withItemsList",
                    "orderByElements", "forUpdateTable");
        } else {
            rest(select, scope, effective(override, Clause.SELECT), "withItemsList", "forUpdateTable");
        }
    }

    private void plainSelect(PlainSelect plain, CteScope scope, Clause override)
            throws UnanalysableException, ReflectiveOperationException {
        if (plain.getIntoTables() != null && !plain.getIntoTables().isEmpty()) {
            // SELECT ... INTO creates a table from the result.
            current.operation = SqlOperation.CREATE;
            for (Table each : plain.getIntoTables()) {
                written(each);
            }
        }
        if (plain.getIntoTempTable() != null) {
            current.operation = SqlOperation.CREATE;
            written(plain.getIntoTempTable());
        }
        expression(plain.getSelectItems(), scope, effective(override, Clause.SELECT));
        from(plain.getFromItem(), scope, override);
        joins(plain.getJoins(), scope, override);
        expression(plain.getWhere(), scope, effective(override, Clause.WHERE));
        expression(plain.getGroupBy(), scope, effective(override, Clause.GROUP_BY));
        expression(plain.getHaving(), scope, effective(override, Clause.HAVING));
        expression(plain.getOrderByElements(), scope, effective(override, Clause.ORDER_BY));
        rest(plain, scope, effective(override, Clause.OTHER), "intoTables", "intoTempTable", "selectItems",
                "fromItem", "joins", "where", "groupBy", "having", "orderByElements", "withItemsList",
                "forUpdateTable");
    }

    private void joins(List<Join> joins, CteScope scope, Clause override)
            throws UnanalysableException, ReflectiveOperationException {
        if (joins == null) {
            return;
        }
        for (Join each : joins) {
            if (visited.add(each)) {
                from(each.getFromItem(), scope, override);
                expression(each.getOnExpressions(), scope, effective(override, Clause.JOIN));
                expression(each.getUsingColumns(), scope, effective(override, Clause.JOIN));
                rest(each, scope, effective(override, Clause.OTHER), "fromItem", "onExpressions", "usingColumns");
            }
        }
    }

    private void from(FromItem item, CteScope scope, Clause override)
            throws UnanalysableException, ReflectiveOperationException {
        if (item == null || !visited.add(item)) {
            return;
        }
        if (item instanceof Table table) {
            readTable(table, scope);
            rest(table, scope, effective(override, Clause.OTHER), "partItems", "partDelimiters");
        } else if (item instanceof Select select) {
            selectBody(select, scope, override);
        } else if (item instanceof ParenthesedFromItem parenthesed) {
            from(parenthesed.getFromItem(), scope, override);
            joins(parenthesed.getJoins(), scope, override);
            rest(parenthesed, scope, effective(override, Clause.OTHER), "fromItem", "joins");
        } else {
            dispatch(item, scope, effective(override, Clause.OTHER));
        }
    }

    /** Walks anything: expressions, lists, and nodes this class has no special rule for. */
    private void expression(Object node, CteScope scope, Clause clause)
            throws UnanalysableException, ReflectiveOperationException {
        if (node == null || isLeaf(node) || !visited.add(node)) {
            return;
        }
        dispatch(node, scope, clause);
    }

    private void dispatch(Object node, CteScope scope, Clause clause)
            throws UnanalysableException, ReflectiveOperationException {
        if (node instanceof Select select) {
            selectBody(select, scope, clause);
        } else if (node instanceof Statement nested) {
            statement(nested, scope);
        } else if (node instanceof Table table) {
            readTable(table, scope);
            rest(table, scope, clause, "partItems", "partDelimiters");
        } else if (node instanceof Column column) {
            current.columnsSeen++;
            current.column(clause, qualifier(column.getTable()), Names.identifier(column.getColumnName()));
            expression(column.getArrayConstructor(), scope, clause);
        } else if (node instanceof AllTableColumns all) {
            current.column(clause, qualifier(all.getTable()), "*");
            rest(all, scope, clause, "table");
        } else if (node instanceof AllColumns all) {
            current.column(clause, null, "*");
            rest(all, scope, clause);
        } else {
            if (node instanceof Function function) {
                checkFunction(function.getMultipartName());
                skipCountStar(function);
                refuseTableArgument(function);
            } else if (node instanceof AnalyticExpression analytic) {
                checkFunction(analytic.getName() == null ? null : List.of(analytic.getName()));
            } else if (node instanceof JsonExpression json) {
                refuseTextPath(json);
            } else if (node instanceof NextValExpression) {
                current.advancesSequence = true;
            }
            if (node instanceof Collection<?> collection) {
                for (Object each : collection.toArray()) {
                    expression(each, scope, clause);
                }
            } else if (node instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> each : map.entrySet()) {
                    expression(each.getKey(), scope, clause);
                    expression(each.getValue(), scope, clause);
                }
            } else if (node instanceof Object[] array) {
                for (Object each : array) {
                    expression(each, scope, clause);
                }
            }
            if (AstFields.isNode(node.getClass())) {
                rest(node, scope, clause);
            }
        }
    }

    /** Walks every field of {@code node} except the named ones. */
    private void rest(Object node, CteScope scope, Clause clause, String... handled)
            throws UnanalysableException, ReflectiveOperationException {
        Set<String> skip = handled.length == 0 ? Set.of() : new HashSet<>(List.of(handled));
        for (Field each : AstFields.of(node.getClass())) {
            if (!skip.contains(each.getName())) {
                expression(each.get(node), scope, clause);
            }
        }
    }

    /** {@code count(*)} counts rows and reads no column; {@code count(t.*)} and {@code f(*)} still report theirs. */
    private void skipCountStar(Function function) {
        List<String> name = function.getMultipartName();
        if (name == null || name.isEmpty() || !"count".equals(Names.identifier(name.get(name.size() - 1)))
                || function.getParameters() == null || function.getParameters().size() != 1) {
            return;
        }
        Object only = function.getParameters().get(0);
        if (only instanceof AllColumns && !(only instanceof AllTableColumns)) {
            visited.add(only);
        }
    }

    /**
     * JSqlParser reads PostgreSQL's {@code ARRAY(TABLE t)} and {@code x = ANY (TABLE t)} as a call
     * with the keyword TABLE and a column {@code t}: the table read would be missed.
     */
    private static void refuseTableArgument(Function function) throws UnanalysableException {
        if ("TABLE".equalsIgnoreCase(function.getExtraKeyword())) {
            throw new UnanalysableException("TABLE " + function.getParameters() + " inside " + function.getName()
                    + "(...), which Governed cannot analyse; write (SELECT ... FROM ...) instead");
        }
    }

    /**
     * JSqlParser reads an array slice {@code a[1:(SELECT ...)]} as a JSON path whose parts are kept
     * as text, so a subquery there would go unseen; only plain names and numbers are accepted.
     */
    private static void refuseTextPath(JsonExpression json) throws UnanalysableException {
        for (Object each : json.getIdentList()) {
            String part = each instanceof Map.Entry<?, ?> entry ? String.valueOf(entry.getKey()) : String.valueOf(each);
            if (part.indexOf('(') >= 0) {
                throw new UnanalysableException("an array slice or JSON path with an expression (" + part
                        + "), which Governed cannot analyse; use plain numbers or names there");
            }
        }
    }

    private void checkFunction(List<String> nameParts) {
        if (nameParts == null || nameParts.isEmpty()) {
            return;
        }
        String name = Names.identifier(nameParts.get(nameParts.size() - 1));
        if (name == null) {
            return;
        }
        boolean sequence = SEQUENCE_FUNCTIONS.contains(name);
        if (sequence) {
            current.advancesSequence = true; // a write of its own kind (NEXTVAL), not code
        }
        // A function that is neither privileged nor a known built-in may run any code (a user-defined
        // function can delete rows from inside a SELECT), so it makes the statement an EXECUTE too. So
        // does a call qualified by any schema but the vendor's: public.format(...) is not format().
        if (PrivilegedNames.isPrivilegedFunction(name) || !(sequence || BuiltInFunctions.isKnown(name))
                || !inVendorSchema(nameParts)) {
            current.privilegedFunction = name;
        } else {
            current.builtIns.add(name);
        }
    }

    /** Functions that advance a sequence: the statement is a NEXTVAL, not a read. */
    private static final Set<String> SEQUENCE_FUNCTIONS = Set.of("nextval", "setval");

    private static boolean inVendorSchema(List<String> nameParts) {
        if (nameParts.size() == 1) {
            return true;
        }
        return nameParts.size() == 2 && "pg_catalog".equals(Names.identifier(nameParts.get(0)));
    }

    /**
     * JSqlParser splits a quoted name at its dots: "public.orders", one table of that name in the
     * current schema, would be read as public.orders. The parser's own tokens still show it.
     */
    private static void refuseDottedQuotedName(Table table) throws UnanalysableException {
        net.sf.jsqlparser.parser.SimpleNode node = table.getASTNode();
        if (node == null) {
            return;
        }
        net.sf.jsqlparser.parser.Token last = node.jjtGetLastToken();
        for (net.sf.jsqlparser.parser.Token each = node.jjtGetFirstToken(); each != null; each = each.next) {
            String image = each.image;
            if (image != null && image.length() > 2 && (image.charAt(0) == '"' || image.charAt(0) == '`')
                    && image.indexOf('.') > 0) {
                throw new UnanalysableException("the quoted table name " + image + " holds a dot, which Governed"
                        + " would misread as schema and table; rename the table");
            }
            if (each == last) {
                break;
            }
        }
    }

    private void readTable(Table table, CteScope scope) throws UnanalysableException {
        TableName name = tableName(table);
        if (name.schema() == null && scope.contains(Names.cteKey(table.getName()))) {
            return; // a reference to a CTE in scope
        }
        current.read.add(name);
    }

    private void written(Table table) throws UnanalysableException {
        if (table == null) {
            return;
        }
        visited.add(table);
        current.written.add(tableName(table));
    }

    private static TableName tableName(Table table) throws UnanalysableException {
        refuseDottedQuotedName(table);
        if (table.getName() == null || table.getName().isEmpty()) {
            throw new UnanalysableException("a table reference has no name");
        }
        String schema = table.getSchemaName();
        return TableName.of(schema == null || schema.isEmpty() ? null : Names.identifier(schema),
                Names.identifier(table.getName()));
    }

    private static String qualifier(Table table) {
        if (table == null || table.getName() == null || table.getName().isEmpty()) {
            return null;
        }
        String name = Names.identifier(table.getName());
        String schema = table.getSchemaName();
        return schema == null || schema.isEmpty() ? name : Names.identifier(schema) + "." + name;
    }

    private static Clause effective(Clause override, Clause own) {
        return override != null ? override : own;
    }

    private static boolean isLeaf(Object node) {
        if (node instanceof Collection<?> || node instanceof Map<?, ?> || node instanceof Object[]) {
            return false;
        }
        return !AstFields.isNode(node.getClass());
    }


}
