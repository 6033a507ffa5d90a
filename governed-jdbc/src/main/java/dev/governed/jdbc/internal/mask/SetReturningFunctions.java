package dev.governed.jdbc.internal.mask;

import java.util.Set;
import net.sf.jsqlparser.expression.ArrayConstructor;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.schema.Column;

/**
 * Functions whose number of result rows depends on their arguments. A masked value in such an
 * argument is counted by the rows that come back ({@code count(*)} over
 * {@code generate_series(1, ascii(ssn))} answers the first character), so it is a use like
 * {@code WHERE}, not a derived value.
 */
public final class SetReturningFunctions {

    private SetReturningFunctions() {}

    /**
     * PostgreSQL's set-returning built-ins, which may also stand in a select list:
     * {@code SELECT string_agg(DISTINCT proname, ' ') FROM pg_proc WHERE proretset AND pronamespace =
     * 'pg_catalog'::regnamespace} on PostgreSQL 17 ({@code MaskingAttacksPostgresTest} fails when it drifts).
     * In {@code FROM} every function counts, listed here or not.
     */
    public static final Set<String> NAMES = Set.of("aclexplode", "generate_series", "generate_subscripts",
            "json_array_elements", "json_array_elements_text", "json_each", "json_each_text", "json_object_keys",
            "json_populate_recordset", "json_to_recordset", "jsonb_array_elements", "jsonb_array_elements_text",
            "jsonb_each", "jsonb_each_text", "jsonb_object_keys", "jsonb_path_query", "jsonb_path_query_tz",
            "jsonb_populate_recordset", "jsonb_to_recordset", "pg_available_extension_versions",
            "pg_available_extensions", "pg_available_wal_summaries", "pg_config", "pg_cursor",
            "pg_event_trigger_ddl_commands", "pg_event_trigger_dropped_objects", "pg_extension_update_paths",
            "pg_get_backend_memory_contexts", "pg_get_catalog_foreign_keys", "pg_get_keywords",
            "pg_get_multixact_members", "pg_get_publication_tables", "pg_get_replication_slots",
            "pg_get_shmem_allocations", "pg_get_wait_events", "pg_get_wal_resource_managers", "pg_hba_file_rules",
            "pg_ident_file_mappings", "pg_listening_channels", "pg_lock_status", "pg_logical_slot_get_binary_changes",
            "pg_logical_slot_get_changes", "pg_logical_slot_peek_binary_changes", "pg_logical_slot_peek_changes",
            "pg_ls_archive_statusdir", "pg_ls_dir", "pg_ls_logdir", "pg_ls_logicalmapdir", "pg_ls_logicalsnapdir",
            "pg_ls_replslotdir", "pg_ls_tmpdir", "pg_ls_waldir", "pg_mcv_list_items", "pg_options_to_table",
            "pg_partition_ancestors", "pg_partition_tree", "pg_prepared_statement", "pg_prepared_xact",
            "pg_show_all_file_settings", "pg_show_all_settings", "pg_show_replication_origin_status",
            "pg_snapshot_xip", "pg_stat_get_activity", "pg_stat_get_backend_idset", "pg_stat_get_io",
            "pg_stat_get_progress_info", "pg_stat_get_recovery_prefetch", "pg_stat_get_slru",
            "pg_stat_get_subscription", "pg_stat_get_wal_senders", "pg_tablespace_databases", "pg_timezone_abbrevs",
            "pg_timezone_names", "pg_wal_summary_contents", "regexp_matches", "regexp_split_to_table",
            "string_to_table", "ts_debug", "ts_parse", "ts_stat", "ts_token_type", "txid_snapshot_xip", "unnest");

    /**
     * Whether the function returns as many rows whatever its arguments' values: only {@code unnest} of
     * {@code ARRAY[…]} constructors whose elements are plain column references, one row per element.
     */
    static boolean rowCountIsFixed(String name, Function function) {
        if (!"unnest".equals(name) || function.getParameters() == null || function.getNamedParameters() != null) {
            return false;
        }
        for (Expression each : function.getParameters()) {
            if (!(each instanceof ArrayConstructor array) || array.getExpressions() == null
                    || array.getDataType() != null) {
                return false;
            }
            for (Expression element : array.getExpressions()) {
                if (!(element instanceof Column column) || column.getArrayConstructor() != null) {
                    return false;
                }
            }
        }
        return true;
    }
}
