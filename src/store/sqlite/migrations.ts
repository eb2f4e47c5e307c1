/**
 * The SQLite schema of eleanor-jobs, as numbered migrations. A migration is never edited once
 * released; a schema change is a new entry with the next version. Every table is prefixed
 * `eleanor_` so the store can share a database file with an application.
 *
 * @module
 */

/** One schema step, applied once, in version order, inside the opening transaction. */
export interface SqliteMigration {
  /** Consecutive from 1. */
  readonly version: number;
  /** Short description, recorded with the version. */
  readonly name: string;
  /** The statements to run (several, separated by semicolons). */
  readonly sql: string;
}

/** Every migration this code knows, oldest first. */
export const sqliteMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'job states and runs',
    sql: `
      CREATE TABLE eleanor_job_states (
        job              TEXT PRIMARY KEY NOT NULL,
        trigger_count    INTEGER NOT NULL DEFAULT 0,
        last_tick_at     INTEGER,
        lease_owner      TEXT,
        lease_expires_at INTEGER,
        lease_fence      INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE eleanor_runs (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        job        TEXT NOT NULL REFERENCES eleanor_job_states (job),
        tick_at    INTEGER,
        started_at INTEGER,
        ended_at   INTEGER,
        status     TEXT NOT NULL
          CHECK (status IN ('running', 'ok', 'failed', 'timeout', 'skipped', 'missed', 'interrupted')),
        error      TEXT,
        trigger    INTEGER,
        owner      TEXT
      ) STRICT;

      CREATE INDEX eleanor_runs_by_job ON eleanor_runs (job, id);
      CREATE INDEX eleanor_runs_running ON eleanor_runs (job) WHERE status = 'running';
      CREATE UNIQUE INDEX eleanor_runs_one_per_tick ON eleanor_runs (job, tick_at) WHERE tick_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'cluster pauses and queued triggers',
    sql: `
      -- One row per job paused cluster-wide (deleted on resume).
      CREATE TABLE eleanor_job_pauses (
        job       TEXT PRIMARY KEY NOT NULL,
        paused_by TEXT NOT NULL,
        paused_at INTEGER NOT NULL,
        reason    TEXT
      ) STRICT;

      -- Manual triggers queued and not yet taken by a replica: at most one per job.
      CREATE TABLE eleanor_queued_triggers (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        job          TEXT NOT NULL UNIQUE,
        requested_by TEXT NOT NULL,
        requested_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'replicas',
    sql: `
      -- One row per runner process (replica), upserted at each heartbeat; times are the store's clock.
      CREATE TABLE eleanor_replicas (
        owner        TEXT PRIMARY KEY NOT NULL,
        host         TEXT NOT NULL,
        pid          INTEGER NOT NULL,
        version      TEXT NOT NULL,
        started_at   INTEGER NOT NULL,
        heartbeat_ms INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        stopped_at   INTEGER
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'run progress and run logs',
    sql: `
      ALTER TABLE eleanor_runs ADD COLUMN progress_fraction REAL;
      ALTER TABLE eleanor_runs ADD COLUMN progress_message TEXT;
      ALTER TABLE eleanor_runs ADD COLUMN progress_at INTEGER;

      -- A run's log: its kept lines (each followed by a newline), deleted with the run.
      CREATE TABLE eleanor_run_logs (
        run_id INTEGER PRIMARY KEY NOT NULL REFERENCES eleanor_runs (id) ON DELETE CASCADE,
        text   TEXT NOT NULL,
        lines  INTEGER NOT NULL,
        bytes  INTEGER NOT NULL,
        cut    INTEGER NOT NULL
      ) STRICT;
    `,
  },
];
