/**
 * The numbered migrations of the PostgreSQL store, as TypeScript so the build copies no files.
 * `__SCHEMA__` in the SQL stands for the quoted schema name (see {@link bindSchema}).
 * Migrations are append-only: never edit one that has shipped, add the next number.
 *
 * @module
 */

/** One schema migration. */
export interface Migration {
  /** Sequence number, starting at 1, without gaps. */
  readonly version: number;
  /** Short description, recorded in `schema_migrations`. */
  readonly name: string;
  /** SQL to run (may hold several statements); `__SCHEMA__` is the quoted schema. */
  readonly sql: string;
}

/** The placeholder for the quoted schema name in every SQL text of this store. */
export const SCHEMA_PLACEHOLDER = '__SCHEMA__';

/**
 * Replace {@link SCHEMA_PLACEHOLDER} with an already quoted schema name.
 *
 * @param sql - SQL text holding the placeholder
 * @param quotedSchema - output of `quoteSchemaName`
 */
export function bindSchema(sql: string, quotedSchema: string): string {
  return sql.split(SCHEMA_PLACEHOLDER).join(quotedSchema);
}

/**
 * Bookkeeping table, created before any migration. Not itself a migration so that the
 * version check can run on a schema made by any version of eleanor-jobs.
 */
export const MIGRATIONS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS __SCHEMA__.schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'job state and runs',
    sql: `
-- One row per job: trigger count, high-water mark and lease.
CREATE TABLE __SCHEMA__.job_state (
  job              text        PRIMARY KEY,
  trigger_count    bigint      NOT NULL DEFAULT 0,
  -- High-water mark: the newest tick ever claimed or skipped (epoch ms).
  last_tick_at     bigint,
  -- The mark before the last change; returned by the claim so it records only newer unexecuted ticks.
  previous_tick_at bigint,
  -- Lease: holder, expiry on the DATABASE clock, fencing number (+1 at each change of holder).
  lease_owner      text,
  lease_expires_at timestamptz,
  lease_fence      bigint      NOT NULL DEFAULT 0
);

-- Run rows, and ticks that were missed or skipped. Times are epoch ms as given by the caller.
CREATE TABLE __SCHEMA__.runs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job            text   NOT NULL,
  tick_at        bigint,
  started_at     bigint,
  ended_at       bigint,
  status         text   NOT NULL
                 CHECK (status IN ('running', 'ok', 'failed', 'timeout', 'skipped', 'missed', 'interrupted')),
  error          text,
  trigger_number bigint,
  owner          text,
  fence          bigint
);

CREATE INDEX runs_job_id_idx ON __SCHEMA__.runs (job, id);
CREATE INDEX runs_running_idx ON __SCHEMA__.runs (job) WHERE status = 'running';
-- A tick is recorded at most once per job: the mark already guarantees it, this enforces it.
CREATE UNIQUE INDEX runs_job_tick_idx ON __SCHEMA__.runs (job, tick_at) WHERE tick_at IS NOT NULL;
`,
  },
  {
    version: 2,
    name: 'claim keys',
    sql: `
-- The key of the claim that inserted a run: a re-sent claim without a tick finds its run by it.
ALTER TABLE __SCHEMA__.runs ADD COLUMN claim_key text;
CREATE UNIQUE INDEX runs_job_claim_key_idx ON __SCHEMA__.runs (job, claim_key) WHERE claim_key IS NOT NULL;
`,
  },
  {
    version: 3,
    name: 'cluster pauses and queued triggers',
    sql: `
-- One row per job paused cluster-wide (deleted on resume). Times: epoch ms on the DATABASE clock.
CREATE TABLE __SCHEMA__.job_pauses (
  job       text   PRIMARY KEY,
  paused_by text   NOT NULL,
  paused_at bigint NOT NULL,
  reason    text
);

-- Manual triggers queued and not yet taken by a replica: at most one per job.
CREATE TABLE __SCHEMA__.queued_triggers (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job          text   NOT NULL UNIQUE,
  requested_by text   NOT NULL,
  requested_at bigint NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'replicas',
    sql: `
-- One row per runner process (replica), upserted at each heartbeat. Times are epoch ms on the
-- DATABASE clock (last_seen_at, stopped_at) or the replica's (started_at).
CREATE TABLE __SCHEMA__.replicas (
  owner        text    PRIMARY KEY,
  host         text    NOT NULL,
  pid          integer NOT NULL,
  version      text    NOT NULL,
  started_at   bigint  NOT NULL,
  heartbeat_ms bigint  NOT NULL,
  last_seen_at bigint  NOT NULL,
  stopped_at   bigint
);
`,
  },
  {
    version: 5,
    name: 'run progress and run logs',
    sql: `
-- What a running run last reported (JobStore.reportRun).
ALTER TABLE __SCHEMA__.runs ADD COLUMN progress_fraction double precision,
                            ADD COLUMN progress_message  text,
                            ADD COLUMN progress_at       bigint;

-- A run's log: its kept lines (each followed by a newline), deleted with the run.
CREATE TABLE __SCHEMA__.run_logs (
  run_id bigint  PRIMARY KEY REFERENCES __SCHEMA__.runs (id) ON DELETE CASCADE,
  text   text    NOT NULL,
  lines  integer NOT NULL,
  bytes  integer NOT NULL,
  cut    integer NOT NULL
);
`,
  },
];

/** The newest migration this code knows. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
