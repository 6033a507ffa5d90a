package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Analyses one cache key: splits it into statements, recognises or parses each, and
 * applies the checks that span statements. Runs only on a cache miss.
 */
final class TextAnalyser {

    /** Words that, in a SET, RESET or DISCARD, may change which schema unqualified names resolve in. */
    private static final Set<String> SCHEMA_SETTINGS = Set.of("search_path", "schema", "schema_search_path", "all");

    private final StatementParser parser;
    private final Duration parseTimeout;

    TextAnalyser(StatementParser parser, Duration parseTimeout) {
        this.parser = parser;
        this.parseTimeout = parseTimeout;
    }

    /** The analysis, and whether it may be cached (a parse timeout may not be). */
    record Outcome(StatementAnalysis analysis, boolean cacheable) {}

    Outcome analyse(String key) {
        String fingerprint = SqlNormaliser.sha256(key);
        String problem = SqlNormaliser.problemOf(key);
        if (problem != null) {
            return cacheable(StatementAnalysis.unanalysable(fingerprint,
                    "the SQL text cannot be read unambiguously: " + problem));
        }
        List<List<Token>> statements = split(SqlNormaliser.tokens(key));
        if (statements.isEmpty()) {
            return cacheable(StatementAnalysis.unanalysable(fingerprint, "the SQL text holds no statement"));
        }
        StatementParser.Budget budget = new StatementParser.Budget(parseTimeout.toNanos());
        List<AnalysedStatement> result = new ArrayList<>();
        boolean schemaChanged = false;
        for (int i = 0; i < statements.size(); i++) {
            try {
                List<AnalysedStatement> analysed = analyseStatement(statements.get(i), null, budget);
                if (schemaChanged) {
                    requireQualified(analysed);
                }
                schemaChanged |= changesSchema(statements.get(i));
                result.addAll(analysed);
            } catch (UnanalysableException e) {
                String where = statements.size() == 1 ? "" : "statement " + (i + 1) + " of " + statements.size() + ": ";
                return cacheable(StatementAnalysis.unanalysable(fingerprint, where + e.getMessage()));
            } catch (StatementParser.TimedOut e) {
                return new Outcome(StatementAnalysis.unanalysable(fingerprint, "parsing took longer than "
                        + parseTimeout.toMillis() + " ms; simplify the statement or raise the parse timeout"), false);
            }
        }
        return cacheable(new StatementAnalysis(fingerprint, result, null));
    }

    private static Outcome cacheable(StatementAnalysis analysis) {
        return new Outcome(analysis, true);
    }

    private List<AnalysedStatement> analyseStatement(List<Token> tokens, SqlOperation asOperation,
            StatementParser.Budget budget) throws UnanalysableException, StatementParser.TimedOut {
        Recognition recognition = StatementRecogniser.recognise(tokens);
        List<AnalysedStatement> result;
        if (recognition instanceof Recognition.Known known) {
            result = List.of(known.statement());
        } else if (recognition instanceof Recognition.Wrapped wrapped) {
            return analyseStatement(wrapped.inner(), wrapped.asOperation() != null ? wrapped.asOperation() : asOperation,
                    budget);
        } else if (recognition instanceof Recognition.Refused refused) {
            throw new UnanalysableException(refused.reason());
        } else {
            result = TreeWalker.analyse(parser.parse(tokens, budget));
        }
        result = privilegedCalls(tokens, result);
        if (StatementRecogniser.liftsReadOnly(tokens)) {
            List<AnalysedStatement> marked = new ArrayList<>(result.subList(0, result.size() - 1));
            marked.add(result.get(result.size() - 1).liftingReadOnly());
            result = marked;
        }
        return asOperation == null ? result : as(asOperation, result);
    }

    /**
     * A safety net under the syntax tree: JSqlParser keeps some clauses (column DEFAULTs,
     * options) as plain strings, so a privileged function called there is found by its tokens.
     */
    private static List<AnalysedStatement> privilegedCalls(List<Token> tokens, List<AnalysedStatement> result) {
        AnalysedStatement main = result.get(result.size() - 1);
        if (main.operation().isPrivileged() || !callsPrivilegedFunction(tokens)) {
            return result;
        }
        List<AnalysedStatement> marked = new ArrayList<>(result.subList(0, result.size() - 1));
        marked.add(main.as(SqlOperation.EXECUTE));
        return marked;
    }

    private static boolean callsPrivilegedFunction(List<Token> tokens) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token each = tokens.get(i);
            boolean name = each.kind() == SqlLexer.Kind.WORD || each.kind() == SqlLexer.Kind.QUOTED;
            if (name && tokens.get(i + 1).isSymbol('(')
                    && PrivilegedNames.isPrivilegedFunctionExactly(Names.identifier(each.text()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Names a wrapped statement: COPY (query) TO ... is the COPY of a plain query, an H2
     * MERGE ... KEY is the MERGE of the INSERT it resembles. Anything else the wrapper holds
     * (a DELETE ... RETURNING inside COPY) stays, and the wrapper's operation is added.
     */
    private static List<AnalysedStatement> as(SqlOperation operation, List<AnalysedStatement> inner) {
        List<AnalysedStatement> result = new ArrayList<>(inner);
        AnalysedStatement main = result.remove(result.size() - 1);
        SqlOperation renamed = operation == SqlOperation.MERGE ? SqlOperation.INSERT : SqlOperation.SELECT;
        AnalysedStatement wrapper = main.as(operation);
        if (main.operation() != renamed) {
            result.add(main);
        }
        result.add(wrapper);
        return result;
    }

    /**
     * Unqualified tables are resolved against the connection's schema as it was before the
     * text ran; after {@code SET search_path} in the same text that would name the wrong table.
     */
    private static void requireQualified(List<AnalysedStatement> analysed) throws UnanalysableException {
        for (AnalysedStatement each : analysed) {
            List<TableName> tables = new ArrayList<>(each.tablesRead());
            tables.addAll(each.tablesWritten());
            for (TableName table : tables) {
                if (table.schema() == null) {
                    throw new UnanalysableException("an earlier statement in the same text changes the schema search "
                            + "path, so the unqualified table '" + table.name() + "' cannot be resolved; qualify it or "
                            + "send the statements separately");
                }
            }
        }
    }

    private static boolean changesSchema(List<Token> statement) {
        Token first = statement.get(0);
        for (int i = 0; i + 1 < statement.size(); i++) {
            if (statement.get(i).isWord("set_config") && statement.get(i + 1).isSymbol('(')) {
                return true; // set_config('search_path', ...) is SET search_path
            }
        }
        if (!(first.isWord("SET") || first.isWord("RESET") || first.isWord("DISCARD"))) {
            return false;
        }
        for (Token each : statement) {
            if ((each.kind() == SqlLexer.Kind.WORD || each.kind() == SqlLexer.Kind.QUOTED)
                    && SCHEMA_SETTINGS.contains(Names.identifier(each.text()))) {
                return true;
            }
        }
        return false;
    }

    private static List<List<Token>> split(List<Token> tokens) {
        List<List<Token>> result = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            if (i == tokens.size() || tokens.get(i).isSymbol(';')) {
                if (i > start) {
                    result.add(tokens.subList(start, i));
                }
                start = i + 1;
            }
        }
        return result;
    }
}
