/**
 * The SQL of the PostgreSQL store's batch lease upkeep, retention and unexecuted ticks
 * (`acquireLeases`, `renewLeases`, `pruneJobs`, `skipTicksOfJobs`): one statement per call,
 * whatever the number of jobs. Like every statement that locks several rows, each locks job
 * states in job order (`COLLATE "C"`) and runs in id order, so concurrent batches of several
 * replicas never deadlock.
 * `__SCHEMA__` stands for the quoted schema (see `bindSchema`).
 *
 * @module
 */
import { interruptTakenOverRuns, LEASE_TAKE_ON_CONFLICT } from './takeover-sql.js';

/**
 * `ACQUIRE_LEASE_SQL` for several distinct jobs: take or keep each lease (fence + 1 unless the
 * owner holds it live), and on a takeover interrupt the job's `running` runs of other owners.
 * -- Params: $1 jobs (text[]), $2 owners (text[]), $3 lease_ms (double precision[]),
 * --         $4 ended_at and $5 error for the interrupted runs
 * Returns one row per job whose lease the owner now holds: job, fence.
 */
export const ACQUIRE_LEASES_SQL = `
WITH acquired AS (
  INSERT INTO __SCHEMA__.job_state AS st (job, lease_owner, lease_expires_at, lease_fence)
  SELECT x.job, x.owner, clock_timestamp() + x.lease_ms * interval '1 millisecond', 1
    FROM unnest($1::text[], $2::text[], $3::double precision[]) AS x(job, owner, lease_ms)
   ORDER BY x.job COLLATE "C"
${LEASE_TAKE_ON_CONFLICT}
  RETURNING st.job, st.lease_owner, st.lease_fence
),
${interruptTakenOverRuns('acquired', '$4', '$5')}
SELECT job, lease_fence::text AS fence FROM acquired`;

/**
 * `RENEW_LEASE_SQL` for several distinct jobs: extend each lease still held live by that owner
 * with that fence (on the database clock).
 * -- Params: $1 jobs (text[]), $2 owners (text[]), $3 fences (bigint[]), $4 lease_ms (double precision[])
 * Returns the jobs whose lease was extended.
 */
export const RENEW_LEASES_SQL = `
WITH held AS (
  SELECT st.job, x.lease_ms
    FROM __SCHEMA__.job_state AS st
    JOIN unnest($1::text[], $2::text[], $3::bigint[], $4::double precision[]) AS x(job, owner, fence, lease_ms)
      ON st.job = x.job AND st.lease_owner = x.owner AND st.lease_fence = x.fence
   WHERE st.lease_expires_at > clock_timestamp()
   ORDER BY st.job COLLATE "C"
     FOR UPDATE OF st
)
UPDATE __SCHEMA__.job_state AS st
   SET lease_expires_at = clock_timestamp() + held.lease_ms * interval '1 millisecond'
  FROM held
 WHERE st.job = held.job AND st.lease_expires_at > clock_timestamp()
RETURNING st.job`;

/**
 * `PRUNE_SQL` for several distinct jobs: delete all but the newest `keep` finished runs of
 * each (walking the `(job, id)` index from the newest). Rows another statement has locked (a
 * concurrent prune of another replica) are skipped: that statement deletes or keeps them.
 * -- Params: $1 jobs (text[]), $2 keep
 */
export const PRUNE_JOBS_SQL = `
WITH doomed AS (
  SELECT r.id
    FROM __SCHEMA__.runs AS r
   WHERE r.id IN (SELECT old.id
                    FROM unnest($1::text[]) AS j(job)
                   CROSS JOIN LATERAL (SELECT id FROM __SCHEMA__.runs
                                        WHERE job = j.job AND status <> 'running'
                                        ORDER BY id DESC
                                       OFFSET $2::integer) AS old)
   ORDER BY r.id
     FOR UPDATE SKIP LOCKED
)
DELETE FROM __SCHEMA__.runs AS r
 USING doomed
 WHERE r.id = doomed.id`;

/**
 * `SKIP_TICKS_SQL` for several distinct jobs: for each request whose newest tick is after the
 * job's mark, advance the mark to it and record the request's ticks that are after the mark as
 * it was before (runs inserted in request order, then tick order). The ticks of every request
 * come flattened as two parallel arrays: the request's 1-based index and the tick.
 * -- Params: $1 jobs (text[]), $2 owners (text[]), $3 statuses (text[]), $4 newest ticks (bigint[]),
 * --         $5 request index of each tick (integer[]), $6 ticks (bigint[])
 * Returns the jobs whose ticks were recorded.
 */
export const SKIP_TICKS_OF_JOBS_SQL = `
WITH request AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS x(job, owner, status, newest, i)
),
advanced AS (
  INSERT INTO __SCHEMA__.job_state AS st (job, last_tick_at, previous_tick_at)
  SELECT request.job, request.newest, NULL
    FROM request
   ORDER BY request.job COLLATE "C"
  ON CONFLICT (job) DO UPDATE SET
         previous_tick_at = st.last_tick_at,
         last_tick_at     = EXCLUDED.last_tick_at
   WHERE st.last_tick_at IS NULL OR st.last_tick_at < EXCLUDED.last_tick_at
  RETURNING st.job, st.previous_tick_at
),
recorded AS (
  INSERT INTO __SCHEMA__.runs (job, tick_at, status, owner)
  SELECT request.job, ticks.tick, request.status, request.owner
    FROM advanced
    JOIN request ON request.job = advanced.job
    JOIN unnest($5::integer[], $6::bigint[]) AS ticks(i, tick) ON ticks.i = request.i
   WHERE advanced.previous_tick_at IS NULL OR ticks.tick > advanced.previous_tick_at
   ORDER BY request.i, ticks.tick
)
SELECT job FROM advanced`;
