package dev.governed.jdbc.internal.mask;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.*;
import net.sf.jsqlparser.expression.operators.arithmetic.*;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.*;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.piped.FromQuery;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FunctionAllColumns;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.util.cnfexpression.MultiAndExpression;
import net.sf.jsqlparser.util.cnfexpression.MultiOrExpression;

/**
 * What the lineage walk does with each class of JSqlParser node inside an expression, decided
 * class by class (never by supertype: a subclass may add children). Like PostgreSQL's
 * {@code expression_tree_walker}, a class missing from this table stops the walk: the statement
 * is denied, never silently skipped. {@code SyntaxNodesTest} checks that every expression class
 * in the JSqlParser jar has a row here, so a parser upgrade cannot add an unreviewed node.
 */
final class SyntaxNodes {

    /** How the walk treats a node. */
    enum Kind {
        /** A column reference, resolved by scope. */
        COLUMN,
        /** A parenthesised query: a new scope. */
        SUBQUERY,
        /** A bare query body. */
        SELECT,
        ALL_COLUMNS,
        ALL_TABLE_COLUMNS,
        /** A named function call: known built-in or denied. */
        FUNCTION,
        /** A window or aggregate call with OVER / FILTER / WITHIN GROUP. */
        ANALYTIC,
        /** {@code =} or {@code <>}: a bare column on either side is an equality use. */
        EQUALITY,
        IS_NULL,
        IN,
        EXISTS,
        ANY,
        /** A constant or parameter: holds no column. */
        LEAF,
        /** A value computed from its children and nothing else: every child is walked, the result is derived. */
        GENERIC,
        /** Refused: it hides a scope, a variable or a syntax lineage cannot follow. */
        DENIED
    }

    private static final Map<Class<?>, Kind> KINDS = new HashMap<>();
    private static final Map<Class<?>, String> DENIED = new HashMap<>();

    private static void kind(Kind kind, Class<?>... types) {
        for (Class<?> each : types) {
            if (KINDS.put(each, kind) != null) {
                throw new IllegalStateException(each + " classified twice");
            }
        }
    }

    private static void denied(Class<?> type, String advice) {
        kind(Kind.DENIED, type);
        DENIED.put(type, advice);
    }

    static {
        kind(Kind.COLUMN, Column.class);
        kind(Kind.SUBQUERY, ParenthesedSelect.class, LateralSubSelect.class);
        kind(Kind.SELECT, PlainSelect.class, SetOperationList.class, Values.class);
        kind(Kind.ALL_COLUMNS, AllColumns.class);
        kind(Kind.ALL_TABLE_COLUMNS, AllTableColumns.class);
        kind(Kind.FUNCTION, Function.class);
        kind(Kind.ANALYTIC, AnalyticExpression.class);
        kind(Kind.EQUALITY, EqualsTo.class, NotEqualsTo.class);
        kind(Kind.IS_NULL, IsNullExpression.class);
        kind(Kind.IN, InExpression.class);
        kind(Kind.EXISTS, ExistsExpression.class);
        kind(Kind.ANY, AnyComparisonExpression.class);
        kind(Kind.LEAF, AllValue.class, BooleanValue.class, DateValue.class, DoubleValue.class, HexValue.class,
                JdbcNamedParameter.class, JdbcParameter.class, LongValue.class, NullValue.class, NumericBind.class,
                StringValue.class, TimeValue.class, TimestampValue.class, DateTimeLiteralExpression.class,
                TimeKeyExpression.class, NextValExpression.class, OracleHint.class);
        kind(Kind.GENERIC,
                // operators
                Addition.class, BitwiseAnd.class, BitwiseLeftShift.class, BitwiseOr.class, BitwiseRightShift.class,
                BitwiseXor.class, Concat.class, Division.class, IntegerDivision.class, Modulo.class,
                Multiplication.class, Subtraction.class, AndExpression.class, OrExpression.class, XorExpression.class,
                MultiAndExpression.class, MultiOrExpression.class, NotExpression.class, SignedExpression.class,
                Between.class, ContainedBy.class, Contains.class, CosineSimilarity.class, DoubleAnd.class,
                GeometryDistance.class, GreaterThan.class, GreaterThanEquals.class, MinorThan.class,
                MinorThanEquals.class, IsBooleanExpression.class, IsDistinctExpression.class,
                IsUnknownExpression.class, JsonOperator.class, LikeExpression.class, Matches.class,
                MemberOfExpression.class, RegExpMatchOperator.class, SimilarToExpression.class,
                IncludesExpression.class, ExcludesExpression.class, OverlapsCondition.class,
                // function-like syntax the parser models as its own node
                CaseExpression.class, WhenClause.class, CastExpression.class, CollateExpression.class,
                ExtractExpression.class, IntervalExpression.class, TrimFunction.class, TranscodingFunction.class,
                TimezoneExpression.class, JsonFunction.class, JsonAggregateFunction.class, JsonExpression.class,
                MySQLGroupConcat.class, XMLSerializeExpr.class, KeepExpression.class, Function.HavingClause.class,
                OracleNamedFunctionParameter.class,
                // lists, rows and arrays
                ExpressionList.class, ParenthesedExpressionList.class, NamedExpressionList.class, Parenthesis.class,
                RowConstructor.class, RowGetExpression.class, ArrayConstructor.class, ArrayExpression.class,
                RangeExpression.class,
                // parts of the nodes above that are not expressions themselves
                OrderByElement.class, OrderByClause.class, PartitionByClause.class, WindowDefinition.class,
                WindowElement.class, WindowOffset.class, WindowRange.class, ColDataType.class,
                ColumnDefinition.class, JsonKeyValuePair.class, JsonFunctionExpression.class, Limit.class);
        denied(UserVariable.class, "session variables may hold a masked value set by an earlier statement;"
                + " select the column itself");
        denied(VariableAssignment.class, "assigning session variables may copy a masked value; select the column"
                + " itself");
        denied(LambdaExpression.class, "lambda parameters are names lineage cannot scope; use a subquery over"
                + " unnest instead");
        denied(StructType.class, "STRUCT literals are not traced; select the columns separately");
        denied(FullTextSearch.class, "MATCH … AGAINST is not traced; use LIKE on columns that are not masked");
        denied(OracleHierarchicalExpression.class, "CONNECT BY is not traced; use WITH RECURSIVE");
        denied(ConnectByPriorOperator.class, "CONNECT BY is not traced; use WITH RECURSIVE");
        denied(ConnectByRootOperator.class, "CONNECT BY is not traced; use WITH RECURSIVE");
        denied(PriorTo.class, "CONNECT BY is not traced; use WITH RECURSIVE");
        denied(Plus.class, "the old (+) outer-join syntax is not traced; use LEFT JOIN");
        denied(TSQLLeftJoin.class, "the old *= outer-join syntax is not traced; use LEFT JOIN");
        denied(TSQLRightJoin.class, "the old =* outer-join syntax is not traced; use RIGHT JOIN");
        denied(HighExpression.class, "HIGH() is not traced; select the column itself");
        denied(LowExpression.class, "LOW() is not traced; select the column itself");
        denied(Inverse.class, "INVERSE() is not traced; select the column itself");
        denied(FunctionAllColumns.class, "(f(…)).* is not traced; select the function's value itself");
        denied(FromQuery.class, "piped FROM queries are not traced; write SELECT … FROM …");
        denied(TableStatement.class, "TABLE t is not traced; write SELECT * FROM t");
        denied(TableFunction.class, "a table function in an expression is not traced; use it in FROM");
    }

    private SyntaxNodes() {}

    /** How the walk treats nodes of exactly this class; null when it does not know it (the statement is denied). */
    static Kind kind(Class<?> type) {
        return KINDS.get(type);
    }

    /** Why a denied class is refused, and how to rewrite the statement. */
    static String advice(Class<?> type) {
        String result = DENIED.get(type);
        return result != null ? result
                : "rewrite it with plain columns, operators and built-in functions";
    }

    static Set<Class<?>> classified() {
        return Set.copyOf(KINDS.keySet());
    }

    // ---- fields

    private static final String JSQLPARSER = "net.sf.jsqlparser.";
    private static final String PARSER_INTERNALS = "net.sf.jsqlparser.parser.";

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> result = new ArrayList<>();
            for (Class<?> each = type; each != null && each.getName().startsWith(JSQLPARSER);
                    each = each.getSuperclass()) {
                for (Field field : each.getDeclaredFields()) {
                    Class<?> fieldType = field.getType();
                    if (Modifier.isStatic(field.getModifiers()) || fieldType.isPrimitive() || fieldType == String.class
                            || fieldType.isEnum() || Number.class.isAssignableFrom(fieldType)
                            || fieldType == Boolean.class || fieldType.getName().startsWith(PARSER_INTERNALS)
                            || holdsOnlyText(field)) {
                        continue;
                    }
                    field.setAccessible(true);
                    result.add(field);
                }
            }
            return List.copyOf(result);
        }
    };

    /** {@code List<String>} and the like: names and keywords, never nodes. */
    private static boolean holdsOnlyText(Field field) {
        if (!Collection.class.isAssignableFrom(field.getType())
                || !(field.getGenericType() instanceof java.lang.reflect.ParameterizedType type)) {
            return false;
        }
        java.lang.reflect.Type[] arguments = type.getActualTypeArguments();
        return arguments.length == 1 && (arguments[0] == String.class || arguments[0] == Integer.class);
    }

    /** The fields of a node that may hold other nodes (not strings, numbers, flags or enums). */
    static List<Field> fields(Class<?> type) {
        return FIELDS.get(type);
    }

    /** Field names of a class that may hold nodes, for tests. */
    static List<String> fieldNames(Class<?> type) {
        return fields(type).stream().map(Field::getName).toList();
    }

    /**
     * The values of a node's node-holding fields, except {@code handled}, that are not empty: null, an
     * empty collection and {@code false} count as empty.
     */
    static Map<String, Object> others(Object node, Set<String> handled) {
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        for (Field field : fields(node.getClass())) {
            if (handled.contains(field.getName())) {
                continue;
            }
            Object value;
            try {
                value = field.get(node);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + field, e);
            }
            if (value == null || value instanceof Collection<?> collection && collection.isEmpty()
                    || value instanceof Map<?, ?> map && map.isEmpty()) {
                continue;
            }
            result.put(field.getName(), value);
        }
        return result;
    }
}
