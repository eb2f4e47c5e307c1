/**
 * Every SQL statement of the PostgreSQL store: one constant per operation, each a single
 * statement (so each operation is atomic on its own, with no client-side transaction).
 * `__SCHEMA__` stands for the quoted schema (see `bindSchema`).
 *
 * Conventions: tick, start and end times are epoch milliseconds (`bigint`) exactly as the
 * caller gave them; lease expiry is a `timestamptz` set and compared with the database's
 * `clock_timestamp()`, never a replica's clock.
 *
 * @module
 */
import { interruptTakenOverRuns, LEASE_TAKE_ON_CONFLICT } from './takeover-sql.js';

/**
 * Serializes migrations: a transaction-level advisory lock (released at commit or rollback).
 * The key is {@link MIGRATION_LOCK_KEY}.
 * -- Params: $1 the lock key (bigint)
 */
export const MIGRATION_LOCK_SQL = `SELECT pg_advisory_xact_lock($1::bigint)`;

/**
 * The advisory-lock key taken (with `pg_advisory_xact_lock`) while migrations run:
 * the ASCII bytes of "eleanor" read as a big-endian integer (0x00656c65616e6f72).
 * Shared by every schema of one database; held only for the migration transaction.
 */
export const MIGRATION_LOCK_KEY = '28548155329900402';

/**
 * The server's version, checked before anything else.
 * -- Params: none
 */
export const SERVER_VERSION_SQL = `
SELECT current_setting('server_version_num')::integer AS version_num,
       current_setting('server_version')              AS version`;

/**
 * Whether the schema and its bookkeeping table exist (no privilege needed to ask).
 * -- Params: $1 schema name (unquoted)
 */
export const SCHEMA_EXISTS_SQL = `
SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)                       AS schema_exists,
       to_regclass(quote_ident($1) || '.schema_migrations') IS NOT NULL              AS table_exists`;

/**
 * Create the schema.
 * -- Params: none
 */
export const CREATE_SCHEMA_SQL = `CREATE SCHEMA IF NOT EXISTS __SCHEMA__`;

/**
 * The newest applied migration, 0 for none.
 * -- Params: none
 */
export const SCHEMA_VERSION_SQL = `SELECT COALESCE(max(version), 0)::integer AS version FROM __SCHEMA__.schema_migrations`;

/**
 * Record an applied migration.
 * -- Params: $1 version, $2 name
 */
export const RECORD_MIGRATION_SQL = `INSERT INTO __SCHEMA__.schema_migrations (version, name) VALUES ($1, $2)`;

/**
 * Readiness probe.
 * -- Params: none
 */
export const PING_SQL = `SELECT 1 AS ok`;

/** Columns of a job state row as the contract sees it (an expired lease reads as free). */
const STATE_COLUMNS = `
       job,
       trigger_count::text AS trigger_count,
       last_tick_at::text  AS last_tick_at,
       CASE WHEN lease_expires_at > clock_timestamp() THEN lease_owner END AS lease_owner,
       CASE WHEN lease_owner IS NOT NULL AND lease_expires_at > clock_timestamp()
            THEN floor(extract(epoch FROM lease_expires_at) * 1000)::bigint::text END AS lease_expires_at`;

/**
 * One job's state.
 * -- Params: $1 job
 */
export const LOAD_STATE_SQL = `SELECT ${STATE_COLUMNS} FROM __SCHEMA__.job_state WHERE job = $1::text`;

/**
 * The states of some jobs (in no particular order; absent jobs have no row).
 * -- Params: $1 jobs (text[])
 */
export const LOAD_STATES_SQL = `SELECT ${STATE_COLUMNS} FROM __SCHEMA__.job_state WHERE job = ANY($1::text[])`;

/**
 * Every job's state, by name (byte order, as JavaScript sorts ASCII).
 * -- Params: none
 */
export const LIST_STATES_SQL = `SELECT ${STATE_COLUMNS} FROM __SCHEMA__.job_state ORDER BY job COLLATE "C"`;

/**
 * The claim's check and step on an existing state row (`st`), against the proposed row
 * (`EXCLUDED`: the claimed tick, or NULL, and the claimer's lease). Shared by `CLAIM_RUN_SQL`
 * and `CLAIM_RUNS_SQL`; see the first for what it does. `extraCondition` is ANDed to the check.
 */
const claimOnConflict = (extraCondition = ''): string => `  ON CONFLICT (job) DO UPDATE SET
         trigger_count    = st.trigger_count + 1,
         previous_tick_at = st.last_tick_at,
         last_tick_at     = GREATEST(st.last_tick_at, EXCLUDED.last_tick_at),
         lease_owner      = EXCLUDED.lease_owner,
         lease_expires_at = EXCLUDED.lease_expires_at,
         lease_fence      = st.lease_fence
                            + CASE WHEN st.lease_owner = EXCLUDED.lease_owner AND st.lease_expires_at > clock_timestamp()
                                   THEN 0 ELSE 1 END
   WHERE (EXCLUDED.last_tick_at IS NULL OR st.last_tick_at IS NULL OR st.last_tick_at < EXCLUDED.last_tick_at)
     AND (st.lease_owner IS NULL
          OR st.lease_owner = EXCLUDED.lease_owner
          OR st.lease_expires_at <= clock_timestamp())${extraCondition}`;

/**
 * THE CLAIM: one atomic statement.
 *
 * 1. `claimed` upserts the job's state row. The row lock taken by `ON CONFLICT DO UPDATE`
 *    serializes concurrent claims, and its `WHERE` is evaluated on the newest committed row:
 *    the claim passes only if the tick is after the high-water mark (or is `NULL`: interval,
 *    start and manual triggers) and the lease is free, expired (database clock) or the
 *    claimer's own. It then advances the mark, increments the trigger count, takes the lease
 *    (the live holder keeps its fence; a free, expired or released lease gets fence + 1) and
 *    remembers the previous mark.
 * 2. `interrupted` marks `interrupted` the job's `running` runs of OTHER owners, when the claim
 *    passed. Such runs exist only if the lease changed hands since they started (nobody claims
 *    under another's live lease), so this is exactly "on a takeover": a replica that froze or
 *    died past its lease can never record success after another took over.
 * 3. `unexecuted` records the given missed/skipped ticks that lie after the previous mark
 *    (and before the claimed tick), only when the claim passed.
 * 4. `run` inserts the `running` run row (after the unexecuted ones, so ids keep tick order).
 * 5. `retried`/`refreshed`: only for a retry (`$8`): when the claim did not pass because the
 *    very same claim (same owner, same tick; without a tick, the same claim key `$11`, which
 *    step 1 refuses to claim twice) already committed, its run is still `running`
 *    and the lease still this owner's, live and with that fence, that claim is returned again (its
 *    lease extended) instead of nothing.
 *
 * -- Params: $1 job, $2 owner, $3 tick_at (bigint or NULL), $4 started_at, $5 lease_ms,
 * --         $6 unexecuted ticks (bigint[], before $3), $7 unexecuted status ('missed' | 'skipped'),
 * --         $8 retry (boolean: the caller re-sends a claim whose outcome it does not know),
 * --         $9 ended_at and $10 error for the runs interrupted by a takeover,
 * --         $11 claim key (text or NULL: identifies the request when it is re-sent)
 * Returns 0 rows (not claimed) or 1 row: run_id, fence, trigger_number, retried,
 * unexecuted_recorded.
 */
export const CLAIM_RUN_SQL = `
WITH claimed AS (
  INSERT INTO __SCHEMA__.job_state AS st
         (job, trigger_count, last_tick_at, previous_tick_at, lease_owner, lease_expires_at, lease_fence)
  VALUES ($1::text, 1, $3::bigint, NULL, $2::text,
          clock_timestamp() + $5::double precision * interval '1 millisecond', 1)
${claimOnConflict(`
     AND ($11::text IS NULL
          OR NOT EXISTS (SELECT 1 FROM __SCHEMA__.runs AS k WHERE k.job = $1::text AND k.claim_key = $11::text))`)}
  RETURNING st.trigger_count, st.lease_fence, st.previous_tick_at
),
interrupted AS (
  UPDATE __SCHEMA__.runs AS r
     SET status = 'interrupted', ended_at = $9::bigint, error = $10::text
    FROM claimed
   WHERE r.job = $1::text AND r.status = 'running' AND r.owner IS DISTINCT FROM $2::text
  RETURNING r.id
),
unexecuted AS (
  INSERT INTO __SCHEMA__.runs (job, tick_at, status, owner)
  SELECT $1::text, ticks.tick, $7::text, $2::text
    FROM claimed, (SELECT DISTINCT unnest($6::bigint[]) AS tick) AS ticks
   WHERE (claimed.previous_tick_at IS NULL OR ticks.tick > claimed.previous_tick_at)
     AND ($3::bigint IS NULL OR ticks.tick < $3::bigint)
   ORDER BY ticks.tick
  RETURNING id
),
run AS (
  INSERT INTO __SCHEMA__.runs (job, tick_at, started_at, status, trigger_number, owner, fence, claim_key)
  SELECT $1::text, $3::bigint, $4::bigint, 'running', claimed.trigger_count, $2::text, claimed.lease_fence, $11::text
    FROM claimed, (SELECT count(*) FROM unexecuted) AS recorded
  RETURNING id, fence, trigger_number
),
retried AS (
  SELECT r.id, r.fence, r.trigger_number
    FROM __SCHEMA__.runs AS r
   WHERE $8::boolean
     AND NOT EXISTS (SELECT 1 FROM claimed)
     AND ($3::bigint IS NOT NULL AND r.tick_at = $3::bigint
          OR $3::bigint IS NULL AND $11::text IS NOT NULL AND r.claim_key = $11::text)
     AND r.job = $1::text
     AND r.owner = $2::text AND r.status = 'running'
),
refreshed AS (
  UPDATE __SCHEMA__.job_state AS st
     SET lease_expires_at = clock_timestamp() + $5::double precision * interval '1 millisecond'
    FROM retried
   WHERE st.job = $1::text AND ($3::bigint IS NULL OR st.last_tick_at = $3::bigint)
     AND st.lease_owner = $2::text AND st.lease_fence = retried.fence
     AND st.lease_expires_at > clock_timestamp()
  RETURNING st.lease_fence
)
SELECT id::text AS run_id, fence::text AS fence, trigger_number::text AS trigger_number, false AS retried,
       (SELECT count(*) FROM unexecuted)::integer AS unexecuted_recorded
  FROM run
UNION ALL
SELECT retried.id::text, retried.fence::text, retried.trigger_number::text, true,
       (SELECT count(*) FROM __SCHEMA__.runs AS u
         WHERE u.job = $1::text AND u.owner = $2::text AND u.status = $7::text AND u.tick_at = ANY($6::bigint[]))::integer
  FROM retried JOIN refreshed ON refreshed.lease_fence = retried.fence`;

/**
 * MANY CLAIMS in one atomic statement, for distinct jobs, none a retry: `CLAIM_RUN_SQL`'s steps
 * 1 to 4 over arrays (the unexecuted ticks of all requests flattened into three arrays), so that
 * replicas that fell behind catch up with one statement per batch, not one per job. The state rows are locked in job
 * order (`COLLATE "C"`) and the runs a takeover interrupts in id order, as every statement that
 * locks several rows does, so batches never deadlock: the later one waits for the earlier to
 * commit, then sees the marks it moved.
 * -- Params: $1 jobs (text[]), $2 owners (text[]), $3 ticks (bigint[], NULL for none),
 * --         $4 started_at (bigint[]), $5 lease_ms (double precision[]),
 * --         $6 ended_at and $7 error for the runs interrupted by a takeover,
 * --         $8 claim keys (text[], NULL for none),
 * --         $9, $10, $11 the unexecuted ticks: job (text[]), tick (bigint[]), status (text[])
 * Returns one row per claimed job: job, run_id, fence, trigger_number, unexecuted_recorded.
 */
export const CLAIM_RUNS_SQL = `
WITH requested AS (
  SELECT *
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::double precision[], $8::text[])
         AS r(job, owner, tick_at, started_at, lease_ms, claim_key)
),
claimed AS (
  INSERT INTO __SCHEMA__.job_state AS st
         (job, trigger_count, last_tick_at, previous_tick_at, lease_owner, lease_expires_at, lease_fence)
  SELECT job, 1, tick_at, NULL, owner, clock_timestamp() + lease_ms * interval '1 millisecond', 1
    FROM requested
   ORDER BY job COLLATE "C"
${claimOnConflict()}
  RETURNING st.job, st.lease_owner, st.trigger_count, st.lease_fence, st.previous_tick_at
),
${interruptTakenOverRuns('claimed', '$6', '$7')},
unexecuted AS (
  INSERT INTO __SCHEMA__.runs (job, tick_at, status, owner)
  SELECT claimed.job, gap.tick, gap.status, claimed.lease_owner
    FROM claimed
    JOIN requested ON requested.job = claimed.job
    JOIN (SELECT DISTINCT * FROM unnest($9::text[], $10::bigint[], $11::text[]) AS u(job, tick, status)) AS gap ON gap.job = claimed.job
   WHERE (claimed.previous_tick_at IS NULL OR gap.tick > claimed.previous_tick_at)
     AND (requested.tick_at IS NULL OR gap.tick < requested.tick_at)
   ORDER BY claimed.job COLLATE "C", gap.tick
  RETURNING job
),
run AS (
  INSERT INTO __SCHEMA__.runs (job, tick_at, started_at, status, trigger_number, owner, fence, claim_key)
  SELECT claimed.job, requested.tick_at, requested.started_at, 'running', claimed.trigger_count, claimed.lease_owner, claimed.lease_fence,
         requested.claim_key
    FROM claimed JOIN requested ON requested.job = claimed.job, (SELECT count(*) FROM unexecuted) AS recorded
   ORDER BY claimed.job COLLATE "C"
  RETURNING job, id, fence, trigger_number
)
SELECT run.job, run.id::text AS run_id, run.fence::text AS fence, run.trigger_number::text AS trigger_number,
       COALESCE(recorded.n, 0)::integer AS unexecuted_recorded
  FROM run LEFT JOIN (SELECT job, count(*) AS n FROM unexecuted GROUP BY job) AS recorded ON recorded.job = run.job`;

/**
 * Take or keep a job's lease without a run (interval jobs across replicas). On a takeover, the
 * job's `running` runs of other owners are marked `interrupted` in the same statement (see
 * `CLAIM_RUN_SQL`, step 2).
 * -- Params: $1 job, $2 owner, $3 lease_ms, $4 ended_at and $5 error for interrupted runs
 * Returns 0 rows (another owner holds a live lease) or 1 row: fence.
 */
export const ACQUIRE_LEASE_SQL = `
WITH acquired AS (
  INSERT INTO __SCHEMA__.job_state AS st (job, lease_owner, lease_expires_at, lease_fence)
  VALUES ($1::text, $2::text, clock_timestamp() + $3::double precision * interval '1 millisecond', 1)
${LEASE_TAKE_ON_CONFLICT}
  RETURNING st.lease_fence
),
interrupted AS (
  UPDATE __SCHEMA__.runs AS r
     SET status = 'interrupted', ended_at = $4::bigint, error = $5::text
    FROM acquired
   WHERE r.job = $1::text AND r.status = 'running' AND r.owner IS DISTINCT FROM $2::text
  RETURNING r.id
)
SELECT lease_fence::text AS fence FROM acquired`;

/**
 * Extend a lease, fenced: only while it is still this owner's with this fence and live on the
 * database clock (an expired lease is gone even if nobody took it yet).
 * -- Params: $1 job, $2 owner, $3 fence, $4 lease_ms
 */
export const RENEW_LEASE_SQL = `
UPDATE __SCHEMA__.job_state
   SET lease_expires_at = clock_timestamp() + $4::double precision * interval '1 millisecond'
 WHERE job = $1::text AND lease_owner = $2::text AND lease_fence = $3::bigint
   AND lease_expires_at > clock_timestamp()`;

/**
 * Release a lease, fenced: a stale holder cannot release another's lease. The fence is kept,
 * so the next holder (the same owner included) gets fence + 1.
 * -- Params: $1 job, $2 owner, $3 fence
 */
export const RELEASE_LEASE_SQL = `
UPDATE __SCHEMA__.job_state
   SET lease_owner = NULL, lease_expires_at = NULL
 WHERE job = $1::text AND lease_owner = $2::text AND lease_fence = $3::bigint`;

/**
 * Record how a claimed run ended: only while the run is `running` (a takeover interrupts the
 * runs of the previous holder, so a stale replica's finish finds its run no longer running).
 * Repeating the same finish (a retry after a lost reply) is recognised and succeeds again.
 * -- Params: $1 run id, $2 status, $3 ended_at, $4 error
 */
export const FINISH_RUN_SQL = `
UPDATE __SCHEMA__.runs AS r
   SET status = $2::text, ended_at = $3::bigint, error = $4::text
 WHERE r.id = $1::bigint
   AND (r.status = 'running'
        OR (r.status = $2::text AND r.ended_at = $3::bigint AND r.error IS NOT DISTINCT FROM $4::text))`;

/**
 * `RELEASE_LEASE_SQL` for several jobs, locking their state rows in job order.
 * -- Params: $1 jobs (text[]), $2 owners (text[]), $3 fences (bigint[])
 */
export const RELEASE_LEASES_SQL = `
WITH held AS (
  SELECT st.job
    FROM __SCHEMA__.job_state AS st
    JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS x(job, owner, fence)
      ON st.job = x.job AND st.lease_owner = x.owner AND st.lease_fence = x.fence
   ORDER BY st.job COLLATE "C"
     FOR UPDATE OF st
)
UPDATE __SCHEMA__.job_state AS st
   SET lease_owner = NULL, lease_expires_at = NULL
  FROM held
 WHERE st.job = held.job`;

/**
 * `FINISH_RUN_SQL` for several runs, locking them in id order.
 * -- Params: $1 run ids (bigint[]), $2 statuses (text[]), $3 ended_at (bigint[]), $4 errors (text[])
 * Returns the ids (as text) whose outcome is recorded.
 */
export const FINISH_RUNS_SQL = `
WITH finished AS (
  SELECT r.id, f.status, f.ended_at, f.error
    FROM __SCHEMA__.runs AS r
    JOIN unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[]) AS f(id, status, ended_at, error)
      ON r.id = f.id
   WHERE r.status = 'running'
      OR (r.status = f.status AND r.ended_at = f.ended_at AND r.error IS NOT DISTINCT FROM f.error)
   ORDER BY r.id
     FOR UPDATE OF r
)
UPDATE __SCHEMA__.runs AS r
   SET status = finished.status, ended_at = finished.ended_at, error = finished.error
  FROM finished
 WHERE r.id = finished.id
RETURNING r.id::text AS id`;

/**
 * Record unexecuted ticks and advance the mark to the newest, only if the mark is before it.
 * Only ticks after the previous mark are recorded.
 * -- Params: $1 job, $2 owner, $3 ticks (bigint[]), $4 status ('missed' | 'skipped'), $5 newest tick
 * Returns 0 rows (mark not before the newest tick) or 1 row.
 */
export const SKIP_TICKS_SQL = `
WITH advanced AS (
  INSERT INTO __SCHEMA__.job_state AS st (job, last_tick_at, previous_tick_at)
  VALUES ($1::text, $5::bigint, NULL)
  ON CONFLICT (job) DO UPDATE SET
         previous_tick_at = st.last_tick_at,
         last_tick_at     = EXCLUDED.last_tick_at
   WHERE st.last_tick_at IS NULL OR st.last_tick_at < EXCLUDED.last_tick_at
  RETURNING st.previous_tick_at
),
recorded AS (
  INSERT INTO __SCHEMA__.runs (job, tick_at, status, owner)
  SELECT $1::text, ticks.tick, $4::text, $2::text
    FROM advanced, (SELECT DISTINCT unnest($3::bigint[]) AS tick) AS ticks
   WHERE advanced.previous_tick_at IS NULL OR ticks.tick > advanced.previous_tick_at
   ORDER BY ticks.tick
  RETURNING id
)
SELECT (SELECT count(*) FROM recorded)::integer AS recorded FROM advanced`;

/**
 * Mark as `interrupted` every `running` run that can no longer finish: those of this owner
 * (a restarted process) and those whose owner no longer holds the job's live lease (expired on
 * the database clock, released, or taken over).
 * -- Params: $1 owner, $2 ended_at, $3 error
 */
export const INTERRUPT_STALE_RUNS_SQL = `
UPDATE __SCHEMA__.runs AS r
   SET status = 'interrupted', ended_at = $2::bigint, error = $3::text
 WHERE r.status = 'running'
   AND (r.owner = $1::text
        OR NOT EXISTS (SELECT 1 FROM __SCHEMA__.job_state AS st
                        WHERE st.job = r.job
                          AND st.lease_owner = r.owner
                          AND st.lease_expires_at > clock_timestamp()))`;

/**
 * Runs, newest (highest id) first.
 * -- Params: $1 job or NULL, $2 since or NULL, $3 before id or NULL, $4 limit
 */
export const LIST_RUNS_SQL = `
SELECT id::text AS id, job, tick_at::text AS tick_at, started_at::text AS started_at,
       ended_at::text AS ended_at, status, error, trigger_number::text AS trigger_number, owner,
       progress_fraction, progress_message, progress_at::text AS progress_at
  FROM __SCHEMA__.runs AS r
 WHERE ($1::text IS NULL OR r.job = $1::text)
   AND ($2::bigint IS NULL OR COALESCE(r.started_at, r.tick_at) >= $2::bigint)
   AND ($3::bigint IS NULL OR r.id < $3::bigint)
 ORDER BY r.id DESC -- the bigint column, not the text alias
 LIMIT $4::integer`;

/**
 * Delete all but the newest `keep` finished runs of a job.
 * -- Params: $1 job, $2 keep
 */
export const PRUNE_SQL = `
DELETE FROM __SCHEMA__.runs
 WHERE id IN (SELECT id FROM __SCHEMA__.runs
               WHERE job = $1::text AND status <> 'running'
               ORDER BY id DESC
              OFFSET $2::integer)`;
