/**
 * The SQL fragment that interrupts the runs a batch takeover leaves behind, shared by the
 * statements that take several leases at once (`CLAIM_RUNS_SQL`, `ACQUIRE_LEASES_SQL`).
 *
 * @module
 */

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
