/**
 * The replicas table of {@link PostgresStore} (`replicas`, migration 4). Times are epoch ms
 * read from the database server's clock, as lease expiry is, so that staleness is judged the
 * same way whichever replica asks.
 *
 * @module
 */
import type { QueryResult } from 'pg';
import type { ReplicaBeat, ReplicaRecord, ReplicaRegistry } from '../job-store.js';
import { checkNotSeenForMs, checkReplicaBeat, toReplicaRecord, type ReplicaRow } from '../replica-rows.js';
import { checkName } from '../store-arguments.js';

/** The database clock now, in epoch ms. */
const NOW_MS = `floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

/** Upsert a heartbeat. -- Params: $1 owner, $2 host, $3 pid, $4 version, $5 started_at, $6 heartbeat_ms */
const HEARTBEAT_SQL = `
INSERT INTO __SCHEMA__.replicas AS r (owner, host, pid, version, started_at, heartbeat_ms, last_seen_at, stopped_at)
VALUES ($1::text, $2::text, $3::integer, $4::text, $5::bigint, $6::bigint, ${NOW_MS}, NULL)
ON CONFLICT (owner) DO UPDATE SET
  host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, started_at = EXCLUDED.started_at,
  heartbeat_ms = EXCLUDED.heartbeat_ms, last_seen_at = EXCLUDED.last_seen_at, stopped_at = NULL`;

/** Mark a replica stopped. -- Params: $1 owner */
const MARK_STOPPED_SQL = `
UPDATE __SCHEMA__.replicas SET last_seen_at = ${NOW_MS}, stopped_at = ${NOW_MS} WHERE owner = $1::text`;

/** Every replica, with the database clock read once (`now_ms`). */
const LIST_SQL = `
WITH now AS (SELECT ${NOW_MS} AS now_ms)
SELECT r.owner, r.host, r.pid, r.version, r.started_at::text, r.heartbeat_ms, r.last_seen_at::text,
       r.stopped_at::text, now.now_ms::text
  FROM __SCHEMA__.replicas AS r CROSS JOIN now
 ORDER BY r.owner COLLATE "C"`;

/** Delete replicas not seen for a while. -- Params: $1 not-seen-for ms */
const PRUNE_SQL = `DELETE FROM __SCHEMA__.replicas WHERE last_seen_at < ${NOW_MS} - $1::bigint`;

/**
 * Runs one statement (`__SCHEMA__` still in it) on the store's pool, as the store runs its
 * own: failures become `StoreError`s, and every statement here may be re-sent.
 */
export type PostgresQuery = (operation: string, sql: string, params: readonly unknown[]) => Promise<QueryResult>;

/** {@link ReplicaRegistry} in the PostgreSQL schema. */
export class PostgresReplicas implements ReplicaRegistry {
  readonly #query: PostgresQuery;

  /** @param query - runs a statement on the store's pool */
  constructor(query: PostgresQuery) {
    this.#query = query;
  }

  /** {@inheritDoc ReplicaRegistry.heartbeat} */
  async heartbeat(beat: ReplicaBeat): Promise<void> {
    checkReplicaBeat(beat);
    await this.#query('replicas.heartbeat', HEARTBEAT_SQL, [beat.owner, beat.host, beat.pid, beat.version, beat.startedAt, beat.heartbeatMs]);
  }

  /** {@inheritDoc ReplicaRegistry.markStopped} */
  async markStopped(owner: string): Promise<void> {
    checkName('owner', owner);
    await this.#query('replicas.markStopped', MARK_STOPPED_SQL, [owner]);
  }

  /** {@inheritDoc ReplicaRegistry.list} */
  async list(): Promise<ReplicaRecord[]> {
    const result = await this.#query('replicas.list', LIST_SQL, []);
    return (result.rows as Array<ReplicaRow & { now_ms: string }>).map((row) => toReplicaRecord(row, Number(row.now_ms)));
  }

  /** {@inheritDoc ReplicaRegistry.prune} */
  async prune(notSeenForMs: number): Promise<number> {
    checkNotSeenForMs(notSeenForMs);
    const result = await this.#query('replicas.prune', PRUNE_SQL, [notSeenForMs]);
    return result.rowCount ?? 0;
  }
}
