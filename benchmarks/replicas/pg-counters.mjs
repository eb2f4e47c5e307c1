// What PostgreSQL counts for a benchmark window: transactions (each store call is one
// autocommit statement), tuples written to a schema's tables, and the runs table's size.
// No extension needed: pg_stat_database and pg_stat_user_tables.

/** The server's postmaster pid (the parent of this connection's backend). */
export async function postmasterPid(client, parentPid) {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  return parentPid(rows[0].pid);
}

/**
 * One reading: committed + rolled back transactions of the database (minus this reading's own),
 * rows inserted, updated and deleted in `schema`, and the runs table's live and dead rows and
 * total size in bytes.
 */
export async function readCounters(client, schema) {
  const { rows } = await client.query(
    `SELECT (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database())::bigint AS xacts,
            COALESCE(sum(n_tup_ins), 0)::bigint AS inserted,
            COALESCE(sum(n_tup_upd), 0)::bigint AS updated,
            COALESCE(sum(n_tup_del), 0)::bigint AS deleted,
            COALESCE(sum(n_live_tup) FILTER (WHERE relname = 'runs'), 0)::bigint AS run_rows,
            COALESCE(sum(n_dead_tup) FILTER (WHERE relname = 'runs'), 0)::bigint AS dead_run_rows,
            COALESCE(pg_total_relation_size(to_regclass(quote_ident($1) || '.runs')), 0)::bigint AS runs_bytes
       FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  const row = rows[0];
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
}
