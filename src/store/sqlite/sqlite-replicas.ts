/**
 * The replicas table of {@link SqliteStore} (`eleanor_replicas`, migration 4); times from the
 * store's clock.
 *
 * @module
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../../time/clock.js';
import type { ReplicaBeat, ReplicaRecord, ReplicaRegistry } from '../job-store.js';
import { checkNotSeenForMs, checkReplicaBeat, toReplicaRecord, type ReplicaRow } from '../replica-rows.js';
import { checkName } from '../store-arguments.js';

const HEARTBEAT_SQL = `
  INSERT INTO eleanor_replicas (owner, host, pid, version, started_at, heartbeat_ms, last_seen_at, stopped_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
  ON CONFLICT (owner) DO UPDATE SET
    host = excluded.host, pid = excluded.pid, version = excluded.version, started_at = excluded.started_at,
    heartbeat_ms = excluded.heartbeat_ms, last_seen_at = excluded.last_seen_at, stopped_at = NULL`;
const MARK_STOPPED_SQL = 'UPDATE eleanor_replicas SET last_seen_at = ?, stopped_at = ? WHERE owner = ?';
const LIST_SQL = 'SELECT * FROM eleanor_replicas ORDER BY owner';
const PRUNE_SQL = 'DELETE FROM eleanor_replicas WHERE last_seen_at < ?';

/** Runs `work` on the store's open connection (failures become `StoreError`s). */
export type SqliteConnectionUser = <T>(work: (db: Database.Database) => T) => T;

/** {@link ReplicaRegistry} in the SQLite file. */
export class SqliteReplicas implements ReplicaRegistry {
  readonly #use: SqliteConnectionUser;
  readonly #clock: Clock;

  /**
   * @param use - runs work on the store's connection
   * @param clock - the store's clock
   */
  constructor(use: SqliteConnectionUser, clock: Clock) {
    this.#use = use;
    this.#clock = clock;
  }

  /** {@inheritDoc ReplicaRegistry.heartbeat} */
  async heartbeat(beat: ReplicaBeat): Promise<void> {
    checkReplicaBeat(beat);
    const { owner, host, pid, version, startedAt, heartbeatMs } = beat;
    this.#use((db) => db.prepare(HEARTBEAT_SQL).run(owner, host, pid, version, startedAt, heartbeatMs, this.#clock.now()));
  }

  /** {@inheritDoc ReplicaRegistry.markStopped} */
  async markStopped(owner: string): Promise<void> {
    checkName('owner', owner);
    const now = this.#clock.now();
    this.#use((db) => db.prepare(MARK_STOPPED_SQL).run(now, now, owner));
  }

  /** {@inheritDoc ReplicaRegistry.list} */
  async list(): Promise<ReplicaRecord[]> {
    return this.#use((db) => {
      const now = this.#clock.now();
      return db.prepare<[], ReplicaRow>(LIST_SQL).all().map((row) => toReplicaRecord(row, now));
    });
  }

  /** {@inheritDoc ReplicaRegistry.prune} */
  async prune(notSeenForMs: number): Promise<number> {
    checkNotSeenForMs(notSeenForMs);
    return this.#use((db) => db.prepare(PRUNE_SQL).run(this.#clock.now() - notSeenForMs).changes);
  }
}
