/**
 * SQL fragments of taking a lease without a run, and of interrupting the runs a batch takeover
 * leaves behind, shared by the statements that do it for one job or many (`ACQUIRE_LEASE_SQL`,
 * `ACQUIRE_LEASES_SQL`, `CLAIM_RUNS_SQL`).
 *
 * @module
 */

/**
 * The `ON CONFLICT` of an upsert of the job's state row (`st`) that takes or keeps the lease for
 * the proposed owner (`EXCLUDED`): only when it is free, expired or that owner's; the live
 * holder keeps its fence, anyone else gets fence + 1.
 */
export const LEASE_TAKE_ON_CONFLICT = `  ON CONFLICT (job) DO UPDATE SET
         lease_owner      = EXCLUDED.lease_owner,
         lease_expires_at = EXCLUDED.lease_expires_at,
         lease_fence      = st.lease_fence
                            + CASE WHEN st.lease_owner = EXCLUDED.lease_owner AND st.lease_expires_at > clock_timestamp()
                                     THEN 0 ELSE 1 END
   WHERE st.lease_owner IS NULL
      OR st.lease_owner = EXCLUDED.lease_owner
      OR st.lease_expires_at <= clock_timestamp()`;

/**
 * Two CTEs, `stale` and `interrupted`, that mark `interrupted` the `running` runs of the jobs
 * in the CTE `taken` (columns `job`, `lease_owner`) owned by anyone but the new lease owner,
 * locking them in id order.
 *
 * @param taken - name of the CTE listing the jobs whose lease was taken or kept
 * @param endedAt - the parameter giving the interrupted runs' end (e.g. `$6`)
 * @param error - the parameter giving their error text (e.g. `$7`)
 */
export function interruptTakenOverRuns(taken: string, endedAt: string, error: string): string {
  return `stale AS (
  SELECT r.id
    FROM __SCHEMA__.runs AS r
    JOIN ${taken} ON r.job = ${taken}.job
   WHERE r.status = 'running' AND r.owner IS DISTINCT FROM ${taken}.lease_owner
   ORDER BY r.id
     FOR UPDATE OF r
),
interrupted AS (
  UPDATE __SCHEMA__.runs AS r
     SET status = 'interrupted', ended_at = ${endedAt}::bigint, error = ${error}::text
    FROM stale
   WHERE r.id = stale.id
  RETURNING r.id
)`;
}
