/**
 * The SQL of the PostgreSQL store's cluster controls (`postgres-controls.ts`), one statement
 * per operation. Times are epoch milliseconds read from the database clock. `__SCHEMA__`
 * stands for the quoted schema (see `bindSchema`).
 *
 * @module
 */

/** Now on the database clock, in epoch ms. */
const DATABASE_NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

/** Columns of a pause, as `rows.ts`-style names. */
const PAUSE_COLUMNS = `job, paused_by, paused_at::text AS paused_at, reason`;
/** Columns of a queued trigger. */
const TRIGGER_COLUMNS = `id::text AS id, job, requested_by, requested_at::text AS requested_at`;

/**
 * Pause a job unless it is paused; return the pause in force (new or existing).
 * -- Params: $1 job, $2 by, $3 reason
 */
export const PAUSE_JOB_SQL = `
WITH inserted AS (
  INSERT INTO __SCHEMA__.job_pauses (job, paused_by, paused_at, reason)
  VALUES ($1, $2, ${DATABASE_NOW_MS}, $3)
  ON CONFLICT (job) DO NOTHING
  RETURNING ${PAUSE_COLUMNS}
)
SELECT * FROM inserted
UNION ALL
SELECT ${PAUSE_COLUMNS} FROM __SCHEMA__.job_pauses WHERE job = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`;

/**
 * End a job's pause, returning it.
 * -- Params: $1 job
 */
export const RESUME_JOB_SQL = `DELETE FROM __SCHEMA__.job_pauses WHERE job = $1 RETURNING ${PAUSE_COLUMNS}`;

/**
 * Every pause and queued trigger, ordered by kind then job (binary order).
 * -- Params: none
 */
export const LIST_CONTROLS_SQL = `
SELECT * FROM (
  SELECT 'pause' AS kind, job, paused_by AS by, paused_at::text AS at, reason, NULL::text AS id FROM __SCHEMA__.job_pauses
  UNION ALL
  SELECT 'trigger', job, requested_by, requested_at::text, NULL, id::text FROM __SCHEMA__.queued_triggers
) AS controls
ORDER BY kind, job COLLATE "C"`;

/**
 * Queue a manual trigger unless the job is paused or has one queued; `status` says which.
 * -- Params: $1 job, $2 by
 */
export const REQUEST_TRIGGER_SQL = `
WITH paused AS (SELECT 1 FROM __SCHEMA__.job_pauses WHERE job = $1),
inserted AS (
  INSERT INTO __SCHEMA__.queued_triggers (job, requested_by, requested_at)
  SELECT $1, $2, ${DATABASE_NOW_MS} WHERE NOT EXISTS (SELECT 1 FROM paused)
  ON CONFLICT (job) DO NOTHING
  RETURNING ${TRIGGER_COLUMNS}
)
SELECT 'queued' AS status, inserted.* FROM inserted
UNION ALL
SELECT CASE WHEN EXISTS (SELECT 1 FROM paused) THEN 'paused' ELSE 'already-queued' END, NULL, $1, NULL, NULL
WHERE NOT EXISTS (SELECT 1 FROM inserted)`;

/**
 * Take (delete and return) a job's queued trigger for an owner, unless the job is paused or
 * another owner holds its live lease.
 * -- Params: $1 job, $2 owner
 */
export const TAKE_TRIGGER_SQL = `
DELETE FROM __SCHEMA__.queued_triggers
WHERE job = $1
  AND NOT EXISTS (SELECT 1 FROM __SCHEMA__.job_pauses WHERE job = $1)
  AND NOT EXISTS (
    SELECT 1 FROM __SCHEMA__.job_state
    WHERE job = $1 AND lease_owner IS NOT NULL AND lease_owner <> $2 AND lease_expires_at > clock_timestamp())
RETURNING ${TRIGGER_COLUMNS}`;
