package dev.governed.jdbc.internal.sql;

import dev.governed.jdbc.internal.sql.SqlLexer.Kind;
import dev.governed.jdbc.internal.sql.SqlLexer.Token;
import dev.governed.policy.SqlOperation;
import dev.governed.policy.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Classifies, from tokens alone, the statements JSqlParser 5.3 reads poorly or not at
 * all: transaction control, session settings, and the privileged statements whose
 * first words are enough to name them. It accepts only the exact grammar it knows;
 * anything else is {@link Recognition.Unknown} and goes to JSqlParser, never guessed.
 */
final class StatementRecogniser {

    private static final Recognition UNKNOWN = new Recognition.Unknown();

    private StatementRecogniser() {}

    static Recognition recognise(List<Token> tokens) {
        Token first = tokens.get(0);
        if (first.kind() != Kind.WORD) {
            return UNKNOWN;
        }
        TokenCursor c = new TokenCursor(tokens, 1);
        String word = first.text().toUpperCase(Locale.ROOT);
        return switch (word) {
            case "BEGIN" -> {
                c.acceptAny("WORK", "TRANSACTION");
                yield c.transactionModes() ? known(SqlOperation.BEGIN) : UNKNOWN;
            }
            case "START" -> c.accept("TRANSACTION") && c.transactionModes() ? known(SqlOperation.BEGIN) : UNKNOWN;
            case "COMMIT", "END" -> {
                c.acceptAny("WORK", "TRANSACTION");
                yield c.chain() ? known(SqlOperation.COMMIT) : UNKNOWN;
            }
            case "ROLLBACK", "ABORT" -> rollback(c, word);
            case "SAVEPOINT" -> c.name() != null && c.atEnd() ? known(SqlOperation.SAVEPOINT) : UNKNOWN;
            case "RELEASE" -> {
                c.accept("SAVEPOINT");
                yield c.name() != null && c.atEnd() ? known(SqlOperation.RELEASE) : UNKNOWN;
            }
            case "SET" -> set(c);
            case "RESET" -> reset(c);
            case "SHOW" -> show(c);
            case "DISCARD" -> c.acceptAny("ALL", "PLANS", "SEQUENCES", "TEMP", "TEMPORARY") && c.atEnd()
                    ? known(SqlOperation.RESET) : UNKNOWN;
            case "EXPLAIN" -> explain(c);
            case "DECLARE" -> declare(c);
            case "FETCH", "MOVE" -> fetch(c);
            case "CLOSE" -> c.name() != null && c.atEnd() ? known(SqlOperation.SELECT) : UNKNOWN;
            case "PREPARE" -> prepare(c);
            case "CALL" -> known(SqlOperation.CALL);
            case "DO" -> known(SqlOperation.DO);
            case "EXECUTE", "EXEC" -> known(SqlOperation.EXECUTE);
            case "COPY" -> copy(c);
            case "GRANT" -> grant(c, SqlOperation.GRANT);
            case "REVOKE" -> grant(c, SqlOperation.REVOKE);
            case "VACUUM" -> vacuum(c);
            case "ANALYZE", "ANALYSE" -> analyze(c);
            case "LOCK" -> lock(c);
            case "MERGE" -> h2Merge(tokens, c);
            case "CREATE" -> create(c);
            case "DROP" -> drop(c);
            case "ALTER" -> alter(c);
            default -> PrivilegedNames.EXECUTING_COMMANDS.contains(word) ? known(SqlOperation.EXECUTE) : UNKNOWN;
        };
    }

    /** H2 settings of the session alone (H2's documentation), written without = or TO. */
    static final Set<String> H2_SESSION_SETTINGS = Set.of("lock_timeout", "throttle", "query_timeout",
            "lazy_query_execution", "variable_binary", "truncate_large_length", "schema_search_path", "catalog",
            "autocommit");

    /** Settings whose change can make the session or the transaction read-write. */
    private static final Set<String> READ_ONLY_SETTINGS = Set.of("transaction_read_only", "default_transaction_read_only");

    /**
     * Whether a statement can lift a read-only session: BEGIN/START/SET TRANSACTION … READ WRITE,
     * SET SESSION CHARACTERISTICS … READ WRITE, a SET or RESET of the read-only settings, RESET ALL
     * and DISCARD ALL (which restore the server's default), by its tokens.
     */
    static boolean liftsReadOnly(List<Token> tokens) {
        Token first = tokens.get(0);
        boolean reset = first.isWord("RESET") || first.isWord("DISCARD");
        if (!(reset || first.isWord("SET") || first.isWord("BEGIN") || first.isWord("START"))) {
            return false;
        }
        for (int i = 1; i < tokens.size(); i++) {
            Token each = tokens.get(i);
            boolean name = each.kind() == Kind.WORD || each.kind() == Kind.QUOTED;
            if (name && READ_ONLY_SETTINGS.contains(Names.identifier(each.text()))) {
                return true;
            }
            if (each.isWord("WRITE") && tokens.get(i - 1).isWord("READ")) {
                return true;
            }
            if (reset && i == 1 && each.isWord("ALL")) {
                return true;
            }
        }
        return false;
    }

    private static Recognition rollback(TokenCursor c, String word) {
        c.acceptAny("WORK", "TRANSACTION");
        if (word.equals("ROLLBACK") && c.accept("TO")) {
            c.accept("SAVEPOINT");
            return c.name() != null && c.atEnd() ? known(SqlOperation.ROLLBACK) : UNKNOWN;
        }
        return c.chain() ? known(SqlOperation.ROLLBACK) : UNKNOWN;
    }

    private static Recognition set(TokenCursor c) {
        if (c.peek("SESSION") && c.peek(1, "AUTHORIZATION")) {
            return known(SqlOperation.SET_ROLE);
        }
        if (c.peek("SESSION") && c.peek(1, "CHARACTERISTICS")) {
            c.skip(2);
            return c.accept("AS") && c.accept("TRANSACTION") && c.transactionModes()
                    ? known(SqlOperation.SET) : UNKNOWN;
        }
        c.acceptAny("SESSION", "LOCAL");
        if (c.accept("ROLE") || (c.accept("SESSION") && c.accept("AUTHORIZATION"))) {
            return known(SqlOperation.SET_ROLE);
        }
        if (c.accept("TRANSACTION")) {
            if (c.accept("SNAPSHOT")) {
                return c.values() ? known(SqlOperation.SET) : UNKNOWN;
            }
            return c.transactionModes() ? known(SqlOperation.SET) : UNKNOWN;
        }
        if (c.peek("TIME") && c.peek(1, "ZONE")) {
            c.skip(2);
            return c.values() ? known(SqlOperation.SET) : UNKNOWN;
        }
        if (c.accept("CONSTRAINTS")) {
            return c.values() ? known(SqlOperation.SET) : UNKNOWN;
        }
        String setting = c.settingName();
        if (setting == null) {
            return UNKNOWN;
        }
        Recognition special = privilegedSetting(setting);
        if (special != null) {
            return special;
        }
        if (setting.equals("schema") || H2_SESSION_SETTINGS.contains(setting)) {
            c.acceptSymbol('='); // H2 writes SET LOCK_TIMEOUT 1000, without = or TO
            return c.values() ? known(SqlOperation.SET) : UNKNOWN;
        }
        return (c.acceptSymbol('=') || c.accept("TO")) && c.values() ? known(SqlOperation.SET) : UNKNOWN;
    }

    private static Recognition reset(TokenCursor c) {
        if (c.accept("ALL")) {
            return c.atEnd() ? known(SqlOperation.RESET) : UNKNOWN;
        }
        if (c.accept("ROLE") || (c.accept("SESSION") && c.accept("AUTHORIZATION"))) {
            return c.atEnd() ? known(SqlOperation.SET_ROLE) : UNKNOWN;
        }
        String setting = c.settingName();
        if (setting == null || !c.atEnd()) {
            return UNKNOWN;
        }
        Recognition special = privilegedSetting(setting);
        return special != null ? special : known(SqlOperation.RESET);
    }

    /** SET/RESET of a setting that changes the role, loads code, or changes tokenization. */
    private static Recognition privilegedSetting(String setting) {
        String last = setting.substring(setting.lastIndexOf('.') + 1);
        if (PrivilegedNames.ROLE_SETTINGS.contains(last)) {
            return known(SqlOperation.SET_ROLE);
        }
        if (PrivilegedNames.CODE_SETTINGS.contains(last) || PrivilegedNames.isAdministrativeSetting(last)) {
            return known(SqlOperation.EXECUTE);
        }
        if (PrivilegedNames.LEXER_SETTINGS.contains(last)) {
            return new Recognition.Refused("the statement changes '" + last
                    + "', which changes how the database reads later SQL text");
        }
        return null;
    }

    private static Recognition show(TokenCursor c) {
        boolean shown = c.accept("ALL")
                || (c.accept("TIME") && c.accept("ZONE"))
                || (c.peek("TRANSACTION") && c.accept("TRANSACTION") && c.accept("ISOLATION") && c.accept("LEVEL"))
                || (c.peek("SESSION") && c.accept("SESSION") && c.accept("AUTHORIZATION"))
                || c.settingName() != null;
        return shown && c.atEnd() ? known(SqlOperation.SHOW) : UNKNOWN;
    }

    private static Recognition explain(TokenCursor c) {
        if (c.peekSymbol('(')) {
            if (!c.skipParenthesised()) {
                return UNKNOWN;
            }
        } else if (c.accept("PLAN")) {
            if (!c.accept("FOR")) {
                return UNKNOWN;
            }
        } else {
            while (c.acceptAny("ANALYZE", "ANALYSE", "VERBOSE")) {
                // EXPLAIN ANALYZE runs the statement; either way it is judged as that statement.
            }
        }
        return c.atEnd() ? new Recognition.Refused("EXPLAIN names no statement") : new Recognition.Wrapped(c.rest(), null);
    }

    /**
     * {@code DECLARE c [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR [WITH[OUT] HOLD] FOR query}:
     * judged as its query, which is where the cursor's rows come from (a FOR UPDATE there locks them).
     */
    private static Recognition declare(TokenCursor c) {
        if (c.name() == null) {
            return UNKNOWN;
        }
        while (c.acceptAny("BINARY", "ASENSITIVE", "INSENSITIVE", "NO", "SCROLL")) {
            // cursor options
        }
        if (!c.accept("CURSOR")) {
            return UNKNOWN;
        }
        if (c.acceptAny("WITH", "WITHOUT") && !c.accept("HOLD")) {
            return UNKNOWN;
        }
        if (!c.accept("FOR") || c.atEnd()) {
            return UNKNOWN;
        }
        return new Recognition.Wrapped(c.rest(), null);
    }

    /**
     * {@code FETCH | MOVE [direction] [FROM | IN] cursor}: a read of the cursor's rows. The cursor may
     * have been declared by another caller of a pooled connection (or opened inside a function), so
     * its query is not known here: the statement reads the relation {@code pg_cursor.<name>}, which no
     * user schema can be named (PostgreSQL reserves pg_), so only a rule naming it allows the read.
     * Directions are words and counts: NEXT, ABSOLUTE 3, FORWARD ALL …
     */
    private static Recognition fetch(TokenCursor c) {
        while (c.acceptAny("NEXT", "PRIOR", "FIRST", "LAST", "ABSOLUTE", "RELATIVE", "ALL", "FORWARD",
                "BACKWARD") || c.acceptCount()) {
            // direction and count
        }
        c.acceptAny("FROM", "IN");
        String cursor = c.name();
        if (cursor == null || !c.atEnd()) {
            return UNKNOWN;
        }
        return new Recognition.Known(statement(SqlOperation.SELECT, Set.of(TableName.of(CURSORS, cursor)), Set.of()));
    }

    /** The schema FETCH's cursors are named in, for policy: {@code tables: ["pg_cursor.*"]}. */
    static final String CURSORS = "pg_cursor";

    private static Recognition prepare(TokenCursor c) {
        if (c.name() == null) {
            return UNKNOWN;
        }
        if (c.peekSymbol('(') && !c.skipParenthesised()) {
            return UNKNOWN;
        }
        if (!c.accept("AS") || c.atEnd()) {
            return UNKNOWN;
        }
        return new Recognition.Wrapped(c.rest(), null);
    }

    private static Recognition copy(TokenCursor c) {
        if (c.containsWord("PROGRAM")) {
            return known(SqlOperation.COPY_PROGRAM);
        }
        if (c.peekSymbol('(')) {
            List<Token> query = c.parenthesised();
            if (query == null || !c.accept("TO")) {
                return UNKNOWN;
            }
            // Server-side files are read and written as the database server's OS user.
            SqlOperation operation = c.accept("STDOUT") ? SqlOperation.COPY : SqlOperation.COPY_PROGRAM;
            return new Recognition.Wrapped(query, operation);
        }
        TableName table = c.qualifiedName();
        if (table == null) {
            return UNKNOWN;
        }
        if (c.peekSymbol('(') && !c.skipParenthesised()) {
            return UNKNOWN;
        }
        boolean from = c.accept("FROM");
        if (!from && !c.accept("TO")) {
            return UNKNOWN;
        }
        boolean client = c.acceptAny("STDIN", "STDOUT");
        SqlOperation operation = client ? SqlOperation.COPY : SqlOperation.COPY_PROGRAM;
        return new Recognition.Known(statement(operation, from ? Set.of() : Set.of(table), from ? Set.of(table) : Set.of()));
    }

    /**
     * H2's upsert, {@code MERGE INTO t [(columns)] [KEY (columns)] VALUES ... | SELECT ...},
     * which JSqlParser cannot read: judged as the INSERT it resembles, named MERGE.
     * Standard {@code MERGE INTO t USING ...} goes to JSqlParser.
     */
    private static Recognition h2Merge(List<Token> tokens, TokenCursor c) {
        if (!c.accept("INTO")) {
            return UNKNOWN;
        }
        int nameStart = c.position();
        if (c.qualifiedName() == null) {
            return UNKNOWN;
        }
        if (c.peekSymbol('(') && !c.skipParenthesised()) {
            return UNKNOWN;
        }
        int columnsEnd = c.position();
        if (c.accept("KEY") && !(c.peekSymbol('(') && c.skipParenthesised())) {
            return UNKNOWN;
        }
        if (!(c.peek("VALUES") || c.peek("SELECT") || c.peek("WITH") || c.peekSymbol('('))) {
            return UNKNOWN;
        }
        List<Token> insert = new ArrayList<>();
        insert.add(new Token(Kind.WORD, "INSERT", false));
        insert.add(new Token(Kind.WORD, "INTO", true));
        insert.addAll(tokens.subList(nameStart, columnsEnd));
        insert.addAll(c.rest());
        return new Recognition.Wrapped(insert, SqlOperation.MERGE);
    }

    private static Recognition grant(TokenCursor c, SqlOperation operation) {
        if (!c.skipTo("ON")) {
            return known(operation);
        }
        if (c.acceptAny("ALL", "SCHEMA", "SEQUENCE", "SEQUENCES", "FUNCTION", "FUNCTIONS", "PROCEDURE", "ROUTINE",
                "DATABASE", "DOMAIN", "LANGUAGE", "LARGE", "TYPE", "TABLESPACE", "FOREIGN", "PARAMETER")) {
            return known(operation);
        }
        c.accept("TABLE");
        Set<TableName> tables = c.tableList();
        if (tables == null || !c.acceptAny("TO", "FROM")) {
            return new Recognition.Refused("the " + operation.key().toUpperCase(Locale.ROOT)
                    + " statement's object list could not be read");
        }
        return new Recognition.Known(statement(operation, Set.of(), tables));
    }

    private static Recognition vacuum(TokenCursor c) {
        if (c.peekSymbol('(') && !c.skipParenthesised()) {
            return UNKNOWN;
        }
        while (c.acceptAny("FULL", "FREEZE", "VERBOSE", "ANALYZE", "ANALYSE")) {
            // legacy option words
        }
        Set<TableName> tables = c.atEnd() ? Set.of() : c.tableList();
        return tables != null && c.atEnd() ? new Recognition.Known(statement(SqlOperation.VACUUM, Set.of(), tables)) : UNKNOWN;
    }

    private static Recognition analyze(TokenCursor c) {
        if (c.peekSymbol('(') && !c.skipParenthesised()) {
            return UNKNOWN;
        }
        c.accept("VERBOSE");
        Set<TableName> tables = c.atEnd() ? Set.of() : c.tableList();
        return tables != null && c.atEnd() ? new Recognition.Known(statement(SqlOperation.ANALYZE, tables, Set.of())) : UNKNOWN;
    }

    private static Recognition lock(TokenCursor c) {
        c.accept("TABLE");
        Set<TableName> tables = c.tableList();
        if (tables == null) {
            return UNKNOWN;
        }
        if (c.accept("IN")) {
            while (!c.atEnd() && !c.peek("MODE")) {
                if (!c.acceptAny("ACCESS", "ROW", "SHARE", "EXCLUSIVE", "UPDATE")) {
                    return UNKNOWN;
                }
            }
            if (!c.accept("MODE")) {
                return UNKNOWN;
            }
        }
        c.accept("NOWAIT");
        return c.atEnd() ? new Recognition.Known(statement(SqlOperation.LOCK, Set.of(), tables)) : UNKNOWN;
    }

    private static Recognition create(TokenCursor c) {
        if (c.containsWord("ENGINE")) {
            // H2 instantiates the named Java class as the table's storage engine.
            return known(SqlOperation.EXECUTE);
        }
        while (c.acceptAny("OR", "REPLACE", "FORCE", "CONSTRAINT", "TRUSTED", "PROCEDURAL", "GLOBAL", "LOCAL",
                "TEMP", "TEMPORARY")) {
            // modifiers before the kind of object
        }
        String kind = c.peekWordUpper();
        if (kind == null) {
            return UNKNOWN;
        }
        if (kind.equals("LINKED") || PrivilegedNames.REMOTE_OBJECTS.contains(kind)
                || (kind.equals("USER") && c.peek(1, "MAPPING"))) {
            // An H2 linked table or a PostgreSQL foreign server makes the server connect elsewhere.
            return known(SqlOperation.EXECUTE);
        }
        if (PrivilegedNames.CODE_OBJECTS.contains(kind)) {
            return known(SqlOperation.CREATE_FUNCTION);
        }
        if (kind.equals("ROLE") || kind.equals("USER") || kind.equals("GROUP")) {
            // Creating a role decides who holds which privilege, as GRANT does.
            return known(SqlOperation.GRANT);
        }
        return UNKNOWN;
    }

    /** DROP of tables and views, which JSqlParser 5.3 cannot read with more than one name. */
    private static Recognition drop(TokenCursor c) {
        boolean relation = c.acceptAny("TABLE", "VIEW") || (c.accept("MATERIALIZED") && c.accept("VIEW"));
        if (!relation) {
            return UNKNOWN;
        }
        if (c.accept("IF") && !c.accept("EXISTS")) {
            return UNKNOWN;
        }
        Set<TableName> tables = c.tableList();
        c.acceptAny("CASCADE", "RESTRICT");
        return tables != null && c.atEnd() ? new Recognition.Known(statement(SqlOperation.DROP, Set.of(), tables)) : UNKNOWN;
    }

    private static Recognition alter(TokenCursor c) {
        String kind = c.peekWordUpper();
        if (kind == null) {
            return UNKNOWN;
        }
        if (kind.equals("SYSTEM")) {
            // ALTER SYSTEM rewrites server configuration, e.g. archive_command, which runs shell commands.
            return known(SqlOperation.EXECUTE);
        }
        if (PrivilegedNames.CODE_OBJECTS.contains(kind)) {
            return known(SqlOperation.CREATE_FUNCTION);
        }
        if (PrivilegedNames.REMOTE_OBJECTS.contains(kind) || (kind.equals("USER") && c.peek(1, "MAPPING"))) {
            return known(SqlOperation.EXECUTE);
        }
        if (kind.equals("ROLE") || kind.equals("USER") || kind.equals("GROUP")) {
            return known(SqlOperation.GRANT);
        }
        return UNKNOWN;
    }

    private static Recognition known(SqlOperation operation) {
        return new Recognition.Known(statement(operation, Set.of(), Set.of()));
    }

    private static AnalysedStatement statement(SqlOperation operation, Set<TableName> read, Set<TableName> written) {
        return new AnalysedStatement(operation, read, written, true, Map.of());
    }
}
