package dev.governed.jdbc.internal.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every name that makes an otherwise ordinary statement privileged, in one place.
 * Each of these reaches outside the tables a policy names: it runs code, touches the
 * server's files or network, changes who the session is, or reads tables by a name
 * held in a string (which table analysis cannot see). Policy must name them to allow them.
 */
final class PrivilegedNames {

    /** Functions whose call turns the statement into {@code EXECUTE}. */
    private static final Set<String> FUNCTIONS = Set.of(
            // PostgreSQL: read or list the server's files.
            "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_ls_logdir",
            "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_ls_logicalsnapdir",
            "pg_ls_logicalmapdir", "pg_ls_replslotdir",
            // PostgreSQL: move large objects to and from the server's files.
            "lo_import", "lo_export",
            // PostgreSQL: large objects hold data outside any table a policy can name.
            "lo_get", "lo_put", "lo_open", "loread", "lowrite", "lo_from_bytea", "lo_create", "lo_creat",
            "lo_unlink", "lo_truncate", "lo_truncate64", "lo_lseek", "lo_lseek64",
            // PostgreSQL adminpack: write, rename and delete server files.
            "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_logdir_ls",
            // PostgreSQL: change settings (set_config('role', ...) is SET ROLE) or other sessions.
            "set_config", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
            "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
            "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup",
            // PostgreSQL: run SQL held in a string, or read a table named by a string.
            "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
            "cursor_to_xml", "cursor_to_xmlschema",
            "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema",
            "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema",
            "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
            "ts_stat", "ts_rewrite",
            // dblink: open a connection (as the server) and run SQL there.
            "dblink", "dblink_exec", "dblink_connect", "dblink_connect_u", "dblink_send_query", "dblink_open",
            "dblink_fetch", "dblink_get_result",
            // H2: read and write the server's files, link other databases, end sessions.
            "file_read", "file_write", "csvread", "csvwrite", "link_schema",
            "cancel_session", "abort_session");

    /** Function name prefixes, checked on parsed function calls: any other dblink function too. */
    private static final List<String> FUNCTION_PREFIXES = List.of("dblink");

    /**
     * Statements named by their first word that run code or move files: H2 RUNSCRIPT runs
     * a script from a file or URL Governed never sees, SCRIPT and BACKUP write server files,
     * SHUTDOWN stops the database, PostgreSQL LOAD loads a shared library.
     */
    static final Set<String> EXECUTING_COMMANDS = Set.of("RUNSCRIPT", "SCRIPT", "BACKUP", "SHUTDOWN", "LOAD", "IMPORT");

    /**
     * What CREATE (and ALTER) can define that makes the server reach other servers: foreign
     * servers and tables, user mappings (stored credentials), subscriptions and publications
     * (replication). IMPORT FOREIGN SCHEMA, above, creates foreign tables in bulk.
     */
    static final Set<String> REMOTE_OBJECTS = Set.of("SERVER", "FOREIGN", "SUBSCRIPTION", "PUBLICATION");

    /**
     * What CREATE (and ALTER) can define that later runs as code: functions and procedures,
     * triggers and rules that fire on other statements, H2 aliases and aggregates backed by
     * Java classes, languages, extensions (which run install scripts), casts and operators
     * (which call functions implicitly).
     */
    static final Set<String> CODE_OBJECTS = Set.of(
            "FUNCTION", "PROCEDURE", "ROUTINE", "TRIGGER", "RULE", "ALIAS", "AGGREGATE", "LANGUAGE",
            "EXTENSION", "CAST", "OPERATOR", "TRANSFORM", "EVENT");

    /** Settings that change who the session is: SET role = x is SET ROLE x. */
    static final Set<String> ROLE_SETTINGS = Set.of("role", "session_authorization");

    /**
     * Settings that load code or switch off the database's own safeguards and records: PostgreSQL
     * preloads libraries, skips triggers and foreign keys (session_replication_role) or stops
     * logging; H2 instantiates Java classes, lets aliases override built-ins, changes a password,
     * drops referential integrity or takes the whole database. They count as EXECUTE, not SET.
     */
    static final Set<String> CODE_SETTINGS = Set.of(
            "local_preload_libraries", "session_preload_libraries", "shared_preload_libraries",
            "dynamic_library_path", "java_object_serializer", "database_event_listener",
            "builtin_alias_override", "session_replication_role", "log_statement", "log_min_duration_statement",
            "log_min_messages", "password", "salt", "referential_integrity", "exclusive");

    /**
     * H2 settings of the whole database, not of the session (H2's documentation: "Admin rights are
     * required", most of them persistent): changing one changes every other session, so they count
     * as EXECUTE, never SET. Taken from H2's own list of settings ({@code org.h2.command.dml.SetTypes});
     * a test fails when H2 adds one that is on neither this list nor the session list.
     */
    static final Set<String> DATABASE_SETTINGS = Set.of(
            "ignorecase", "max_log_size", "readonly", "default_lock_timeout", "default_table_type", "cache_size",
            "trace_level_system_out", "trace_level_file", "trace_max_file_size", "collation", "cluster",
            "write_delay", "max_memory_rows", "lock_mode", "db_close_delay", "max_memory_undo",
            "max_length_inplace_lob", "allow_literals", "optimize_reuse_results", "max_operation_memory",
            "create_build", "redo_log_binary", "retention_time", "query_statistics", "query_statistics_max_entries",
            "authenticator", "ignore_catalogs", "default_null_ordering");

    /**
     * PostgreSQL settings that hide what a session does from the server's logs and statistics
     * ({@code log_statement}, {@code log_min_error_statement}, {@code track_activities}, …): by prefix.
     */
    private static final List<String> ACTIVITY_SETTING_PREFIXES = List.of("log_", "track_", "debug_", "trace_");

    /** Other PostgreSQL settings that hide activity: the query id and the process title others see. */
    private static final Set<String> ACTIVITY_SETTINGS = Set.of("compute_query_id", "update_process_title");

    /** Whether a setting (last name part, lower case) is the whole database's or hides activity: EXECUTE. */
    static boolean isAdministrativeSetting(String setting) {
        if (DATABASE_SETTINGS.contains(setting) || ACTIVITY_SETTINGS.contains(setting)) {
            return true;
        }
        for (String prefix : ACTIVITY_SETTING_PREFIXES) {
            if (setting.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Settings that change how later SQL is tokenized, so Governed's reading of it would no
     * longer match the database's: these are denied as unanalysable, never allowed.
     */
    static final Set<String> LEXER_SETTINGS = Set.of(
            "standard_conforming_strings", "backslash_quote", "client_encoding", "names",
            "mode", "non_keywords");

    private PrivilegedNames() {}

    /** Whether a call of exactly this name (unquoted, any case) makes a statement privileged. */
    static boolean isPrivilegedFunctionExactly(String name) {
        return FUNCTIONS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Whether calling this function (last name part, any case) makes a statement privileged. */
    static boolean isPrivilegedFunction(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (FUNCTIONS.contains(lower)) {
            return true;
        }
        for (String prefix : FUNCTION_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
