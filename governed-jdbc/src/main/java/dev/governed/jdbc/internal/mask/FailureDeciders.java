package dev.governed.jdbc.internal.mask;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.ArrayConstructor;
import net.sf.jsqlparser.expression.ArrayExpression;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.JdbcNamedParameter;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.PartitionByClause;
import net.sf.jsqlparser.expression.RowConstructor;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.TimeValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.expression.WindowElement;
import net.sf.jsqlparser.expression.WindowOffset;
import net.sf.jsqlparser.expression.WindowRange;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.Select;

/**
 * The parts of an output expression whose values decide whether the database raises an error. A
 * value computed from a masked column comes out redacted, but the database computes it: when the
 * computation can fail on the value ({@code 1 / (ascii(ssn) - 49)}, {@code CAST(ssn AS INT)}), or a
 * condition on the value decides whether a part that can fail runs
 * ({@code CASE WHEN ssn LIKE '1%' THEN 1 / 0 END}), an error or none answers a question about the
 * hidden value. Such parts are uses, like WHERE.
 *
 * <p>Fail closed: a node counts as one that cannot fail only when it is listed here (text operations,
 * casts to text, LIKE with a constant pattern, IS NULL, NOT and IS TRUE of a condition, aggregates that pick or
 * collect values); every
 * other node, comparison, operator, cast and function may fail (H2 converts a text compared with a number,
 * and COALESCE or GREATEST convert their arguments to one type).
 */
final class FailureDeciders {

    /** Functions that cannot fail whatever their arguments' values. */
    private static final Set<String> TOTAL = Set.of("upper", "lower", "initcap", "concat", "concat_ws", "length",
            "char_length", "character_length", "octet_length", "bit_length", "md5", "reverse", "quote_literal",
            "quote_nullable", "quote_ident", "btrim", "ltrim", "rtrim", "trim", "replace", "translate", "strpos",
            "position", "ascii", "count", "max", "min", "array_agg", "string_agg", "listagg", "json_agg",
            "jsonb_agg", "any_value", "to_json", "to_jsonb", "json_build_array", "jsonb_build_array", "row");

    /** Functions that cannot fail on their first argument's value while the others are constants. */
    private static final Set<String> TOTAL_ON_FIRST = Set.of("substr", "substring", "left", "right", "lpad",
            "rpad", "split_part");

    /** Functions building JSON from key-value pairs: a key may not be NULL, so keys must be constants. */
    private static final Set<String> KEY_VALUE = Set.of("json_build_object", "jsonb_build_object");

    /** Window functions that pick or count values, with constant offsets and defaults. */
    private static final Set<String> TOTAL_WINDOW = Set.of("lag", "lead", "first_value", "last_value", "nth_value",
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "count", "max", "min", "array_agg");

    /** Types a cast to which cannot fail (text of any length). */
    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "character varying", "string",
            "nvarchar", "char", "character", "bpchar", "clob", "character large object");

    /** Functions whose later arguments run only depending on the earlier ones' values. */
    private static final Set<String> CONDITIONAL = Set.of("coalesce", "nullif", "ifnull", "nvl", "nvl2", "decode",
            "iif", "casewhen");

    private final List<Expression> deciders = new ArrayList<>();
    private final boolean typesSettled;

    private FailureDeciders(boolean typesSettled) {
        this.typesSettled = typesSettled;
    }

    /**
     * The parts of {@code expression} whose source columns decide whether it fails: each is a use.
     *
     * @param typesSettled whether the database types CASE and ARRAY[…] before running ({@link Catalog#typesSettledBeforeRunning})
     */
    static List<Expression> of(Expression expression, boolean typesSettled) {
        FailureDeciders result = new FailureDeciders(typesSettled);
        result.visit(expression);
        return result.deciders;
    }

    /**
     * What kind of node it is, for messages: never its text, whose literals may be a guess at a masked
     * value (messages are audited).
     */
    static String describe(Expression expression) {
        if (expression instanceof Function function) {
            return name(function.getName()) + "(…)";
        }
        if (expression instanceof AnalyticExpression analytic) {
            return name(analytic.getName()) + "(…) OVER (…)";
        }
        if (expression instanceof CastExpression cast && cast.getColDataType() != null) {
            return "a cast to " + cast.getColDataType().getDataType();
        }
        if (expression instanceof BinaryExpression binary) {
            return "the operator " + binary.getStringExpression();
        }
        if (expression instanceof CaseExpression) {
            return "CASE";
        }
        return "a " + expression.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    /** Records the deciders in {@code node}; answers whether anything in it may fail. */
    private boolean visit(Object node) {
        if (node == null) {
            return false;
        }
        if (node instanceof Select) {
            // a scalar subquery fails when it returns several rows; its own select list is traced on its own
            return true;
        }
        if (node instanceof CaseExpression expression) {
            // CASE x WHEN 5 compares, and H2 converts the text to compare it with a number; where types are settled at
            // run time, the branch a value's condition picks is converted to the CASE's type, which may fail
            return caseExpression(expression)
                    | ((expression.getSwitchExpression() != null || !typesSettled) && own(node));
        }
        if (node instanceof AndExpression || node instanceof OrExpression) {
            // the right side may not run, depending on the left
            List<Object> parts = children(node);
            return conditional(node, parts.subList(0, 1), parts.subList(1, parts.size()));
        }
        if (node instanceof Function function && CONDITIONAL.contains(name(function.getName()))
                && function.getParameters() != null && function.getParameters().size() > 1) {
            List<Object> parts = new ArrayList<>(function.getParameters());
            boolean mayFail = conditional(node, parts.subList(0, 1), parts.subList(1, parts.size()));
            return mayFail | own(node);
        }
        boolean mayFail = false;
        for (Object each : children(node)) {
            mayFail |= visit(each);
        }
        return mayFail | own(node);
    }

    /** Whether the node itself may fail; if so, what feeds it decides that. */
    private boolean own(Object node) {
        if (cannotFail(node)) {
            return false;
        }
        if (node instanceof Expression expression) {
            deciders.add(expression);
        }
        return true;
    }

    private boolean caseExpression(CaseExpression expression) {
        List<Object> conditions = new ArrayList<>();
        List<Object> branches = new ArrayList<>();
        if (expression.getSwitchExpression() != null) {
            conditions.add(expression.getSwitchExpression());
        }
        for (WhenClause each : expression.getWhenClauses()) {
            conditions.add(each.getWhenExpression());
            branches.add(each.getThenExpression());
        }
        if (expression.getElseExpression() != null) {
            branches.add(expression.getElseExpression());
        }
        return conditional(expression, conditions, branches);
    }

    /** When a part that runs only on some values may fail, the conditions decide whether it fails. */
    private boolean conditional(Object node, List<Object> conditions, List<Object> branches) {
        boolean conditionsMayFail = false;
        for (Object each : conditions) {
            conditionsMayFail |= visit(each);
        }
        boolean branchesMayFail = false;
        for (Object each : branches) {
            branchesMayFail |= visit(each);
        }
        if (branchesMayFail) {
            for (Object each : conditions) {
                if (each instanceof Expression condition) {
                    deciders.add(condition);
                }
            }
        }
        return conditionsMayFail || branchesMayFail;
    }

    private boolean cannotFail(Object node) {
        if (node instanceof Column || node instanceof StringValue || node instanceof LongValue
                || node instanceof DoubleValue || node instanceof NullValue || node instanceof BooleanValue
                || node instanceof DateValue || node instanceof TimeValue || node instanceof TimestampValue
                || node instanceof HexValue || node instanceof JdbcParameter || node instanceof JdbcNamedParameter
                || node instanceof TimeKeyExpression || node instanceof DateTimeLiteralExpression
                || node instanceof AllColumns) {
            return true;
        }
        if (node instanceof Concat concat) {
            // H2 appends a value to an array by converting it to the element type, which may fail
            return !isArray(concat.getLeftExpression()) && !isArray(concat.getRightExpression());
        }
        if (node instanceof Parenthesis || node instanceof ParenthesedExpressionList<?>
                || node instanceof RowConstructor<?> || node instanceof ExpressionList<?>
                || node instanceof WhenClause || node instanceof IsNullExpression || node instanceof TrimFunction
                || node instanceof JsonExpression || node instanceof OrderByElement
                || node instanceof WindowDefinition || node instanceof PartitionByClause
                || node instanceof WindowElement || node instanceof WindowOffset || node instanceof WindowRange
                || node instanceof ColDataType) {
            return true;
        }
        if (node instanceof NotExpression not) {
            // H2 converts an operand that is not a condition to BOOLEAN, which fails on most texts
            return isCondition(not.getExpression());
        }
        if (node instanceof IsBooleanExpression is) {
            return isCondition(is.getLeftExpression());
        }
        if (node instanceof ArrayExpression subscript) {
            // PostgreSQL answers NULL outside the array's bounds, H2 fails: only an element an ARRAY[…] surely has
            return withinConstructor(subscript);
        }
        if (node instanceof ArrayConstructor array) {
            // where types are settled at run time, elements are converted to one element type, which may fail
            return array.getDataType() == null && (typesSettled || array.getExpressions() == null
                    || array.getExpressions().size() <= 1);
        }
        if (node instanceof LikeExpression like) {
            // a literal pattern without escapes: PostgreSQL fails on an escape at a pattern's end only when the
            // match gets that far, so '1\\' or '1#' ESCAPE '#' fails exactly when the value starts with 1
            return plainPattern(like);
        }
        if (node instanceof CastExpression cast) {
            if (cast.getColDataType() == null || cast.getColDataType().getArrayData() != null
                    && !cast.getColDataType().getArrayData().isEmpty()) {
                return false;
            }
            String type = cast.getColDataType().getDataType().toLowerCase(Locale.ROOT);
            return TEXT_TYPES.contains((type.contains("(") ? type.substring(0, type.indexOf('(')) : type).strip());
        }
        if (node instanceof Function function) {
            return function(function);
        }
        if (node instanceof AnalyticExpression analytic) {
            // H2 fails on a negative offset, and converts a default to the value's type as it runs
            return TOTAL_WINDOW.contains(name(analytic.getName()))
                    && (analytic.getOffset() == null || isCount(analytic.getOffset(), 0))
                    && (analytic.getDefaultValue() == null || analytic.getDefaultValue() instanceof NullValue)
                    && analytic.getFilterExpression() == null;
        }
        return false;
    }

    private static boolean function(Function function) {
        String name = name(function.getName());
        // SUBSTRING(x FROM 1 FOR 3) comes as named parameters, in order
        List<? extends Expression> arguments = function.getParameters() != null ? function.getParameters()
                : function.getNamedParameters() != null ? function.getNamedParameters() : List.of();
        if (function.getParameters() != null && function.getNamedParameters() != null
                || function.getAttribute() != null) {
            return false;
        }
        if (TOTAL.contains(name)) {
            return true;
        }
        if ("unnest".equals(name)) {
            return SetReturningFunctions.rowCountIsFixed(name, function);
        }
        if (TOTAL_ON_FIRST.contains(name)) {
            return boundsCannotFail(name, arguments);
        }
        if (KEY_VALUE.contains(name)) {
            // a NULL key fails, so a key is a literal text or number, never a parameter whose value is unknown here
            for (int i = 0; i < arguments.size(); i += 2) {
                if (!(arguments.get(i) instanceof StringValue || arguments.get(i) instanceof LongValue)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** {@code (ARRAY[a, b])[2]}: a constant index within the elements an array constructor lists. */
    private static boolean withinConstructor(ArrayExpression subscript) {
        Expression array = unparenthesised(subscript.getObjExpression());
        if (subscript.getStartIndexExpression() != null || subscript.getStopIndexExpression() != null
                || !(subscript.getIndexExpression() instanceof LongValue index)
                || !(array instanceof ArrayConstructor constructor) || constructor.getExpressions() == null) {
            return false;
        }
        long at = index.getValue();
        return at >= 1 && at <= constructor.getExpressions().size();
    }

    private static Expression unparenthesised(Expression expression) {
        Expression inner = expression;
        while (inner instanceof Parenthesis || inner instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
            inner = inner instanceof Parenthesis parenthesis ? parenthesis.getExpression()
                    : ((ParenthesedExpressionList<?>) inner).get(0);
        }
        return inner;
    }

    /** A condition by its syntax: its value is a BOOLEAN, so NOT or IS TRUE over it converts nothing. */
    private static boolean isCondition(Expression expression) {
        Expression inner = unparenthesised(expression);
        return inner instanceof BooleanValue || inner instanceof IsNullExpression || inner instanceof IsBooleanExpression
                || inner instanceof NotExpression || inner instanceof AndExpression || inner instanceof OrExpression
                || inner instanceof LikeExpression || inner instanceof ComparisonOperator || inner instanceof InExpression
                || inner instanceof ExistsExpression || inner instanceof Between;
    }

    /** An array by its syntax: a constructor, a subscript or slice, a cast to an array, an array function. */
    private static boolean isArray(Expression expression) {
        return expression instanceof ArrayConstructor || expression instanceof ArrayExpression
                || expression instanceof CastExpression cast && cast.getColDataType() != null
                        && (cast.getColDataType().getArrayData() != null && !cast.getColDataType().getArrayData().isEmpty()
                                || cast.getColDataType().getDataType().toLowerCase(Locale.ROOT).contains("array"))
                || expression instanceof Function function && name(function.getName()).contains("array");
    }

    /** Largest literal length or position counted as harmless: PostgreSQL fails on lpad(x, 2147483647). */
    private static final long LARGEST_COUNT = 10_000;

    /**
     * The arguments after the first of {@link #TOTAL_ON_FIRST}: the value of a bound decides whether these fail
     * (a negative length, a text where a number goes, which H2 converts as it runs, a field 0, a huge pad), so
     * each is a literal of the kind its place takes, within range; a parameter's value is unknown here.
     */
    private static boolean boundsCannotFail(String name, List<? extends Expression> arguments) {
        for (int i = 1; i < arguments.size(); i++) {
            Expression argument = arguments.get(i);
            boolean textPlace = "split_part".equals(name) && i == 1
                    || ("lpad".equals(name) || "rpad".equals(name)) && i == 2;
            // split_part fails on field 0; a start or length of 0 is harmless, but 1 and up is all anyone needs
            if (textPlace ? !(argument instanceof StringValue) : !isCount(argument, 1)) {
                return false;
            }
        }
        return true;
    }

    /** A number literal from {@code least} up to {@link #LARGEST_COUNT}: never a parameter, a text or a sign. */
    private static boolean isCount(Expression expression, long least) {
        return expression instanceof LongValue number && number.getValue() >= least
                && number.getValue() <= LARGEST_COUNT;
    }

    /**
     * A literal LIKE pattern in which no character escapes: a pattern whose escape comes last fails only when the
     * match reaches it. A parameter is not one (its value is unknown here).
     */
    private static boolean plainPattern(LikeExpression like) {
        if (!(like.getRightExpression() instanceof StringValue pattern) || pattern.getValue().indexOf('\\') >= 0) {
            return false;
        }
        Expression escape = like.getEscape();
        if (escape == null) {
            return true;
        }
        return escape instanceof StringValue character && character.getValue().length() == 1
                && pattern.getValue().indexOf(character.getValue().charAt(0)) < 0;
    }

    private static String name(String name) {
        if (name == null) {
            return "";
        }
        String result = name.substring(name.lastIndexOf('.') + 1);
        if (result.startsWith("\"") && result.endsWith("\"") && result.length() > 1) {
            return result.substring(1, result.length() - 1);
        }
        return result.toLowerCase(Locale.ROOT);
    }

    /** The nodes a node holds, lists flattened. */
    private static List<Object> children(Object node) {
        List<Object> result = new ArrayList<>();
        if (node instanceof Collection<?> items) {
            items.forEach(each -> add(result, each));
        }
        for (Object value : SyntaxNodes.others(node, Set.of()).values()) {
            add(result, value);
        }
        return result;
    }

    private static void add(List<Object> result, Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Map.Entry<?, ?> entry) {
            add(result, entry.getKey());
            add(result, entry.getValue());
            return;
        }
        if (value instanceof Collection<?> collection && !collection.getClass().getName().startsWith("net.sf.jsqlparser.")) {
            collection.forEach(each -> add(result, each));
            return;
        }
        result.add(value);
    }
}
