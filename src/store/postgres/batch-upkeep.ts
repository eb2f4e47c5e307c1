/**
 * `PostgresBatchUpkeep`: the PostgreSQL store's batch lease upkeep, retention and unexecuted
 * ticks, each call one statement (see `batch-statements.ts`) whatever the number of jobs, so
 * that a replica's statements per second do not grow with the jobs it holds.
 *
 * @module
 */
import type { QueryResult, QueryResultRow } from 'pg';
import type { Clock } from '../../time/clock.js';
import type { LeaseAcquire, LeaseRenewal, SkipRequest } from '../job-store.js';
import { checkLeaseAcquires, checkLeaseRenewals, checkPruneJobs, checkSkipRequests } from '../store-arguments.js';
import * as batchStatements from './batch-statements.js';
import { bindSchema } from './migrations.js';

/**
 * Runs one statement on the store's pool (the store's own query method): `resend` gives the
 * parameters to re-send it with after a stale connection broke (only for harmless re-sends).
 */
export type StatementRunner = <R extends QueryResultRow = QueryResultRow>(
  operation: string,
  sql: string,
  params: readonly unknown[],
  resend?: () => readonly unknown[],
) => Promise<QueryResult<R>>;

/** The batch operations of `PostgresStore`; every re-send of them is harmless (records nothing twice). */
export class PostgresBatchUpkeep {
  readonly #sql: { readonly [K in keyof typeof batchStatements]: string };
  readonly #clock: Clock;
  readonly #run: StatementRunner;
  readonly #interruptedError: string;

  /**
   * @param quotedSchema - the store's schema, quoted
   * @param clock - the store's clock (the end time of runs a takeover interrupts)
   * @param run - the store's statement runner
   * @param interruptedError - the error text of runs a takeover interrupts
   */
  constructor(quotedSchema: string, clock: Clock, run: StatementRunner, interruptedError: string) {
    this.#sql = {
      ACQUIRE_LEASES_SQL: bindSchema(batchStatements.ACQUIRE_LEASES_SQL, quotedSchema),
      RENEW_LEASES_SQL: bindSchema(batchStatements.RENEW_LEASES_SQL, quotedSchema),
      PRUNE_JOBS_SQL: bindSchema(batchStatements.PRUNE_JOBS_SQL, quotedSchema),
      SKIP_TICKS_OF_JOBS_SQL: bindSchema(batchStatements.SKIP_TICKS_OF_JOBS_SQL, quotedSchema),
    };
    this.#clock = clock;
    this.#run = run;
    this.#interruptedError = interruptedError;
  }

  /** {@inheritDoc JobStore.acquireLeases} */
  async acquireLeases(acquires: readonly LeaseAcquire[]): Promise<Array<number | null>> {
    checkLeaseAcquires(acquires);
    if (acquires.length === 0) return [];
    const params = [
      acquires.map((acquire) => acquire.job),
      acquires.map((acquire) => acquire.owner),
      acquires.map((acquire) => acquire.leaseMs),
      this.#clock.now(),
      this.#interruptedError,
    ];
    const result = await this.#run<{ job: string; fence: string }>('acquireLeases', this.#sql.ACQUIRE_LEASES_SQL, params, () => params);
    const fences = new Map(result.rows.map((row) => [row.job, Number(row.fence)]));
    return acquires.map((acquire) => fences.get(acquire.job) ?? null);
  }

  /** {@inheritDoc JobStore.renewLeases} */
  async renewLeases(renewals: readonly LeaseRenewal[]): Promise<boolean[]> {
    checkLeaseRenewals(renewals);
    if (renewals.length === 0) return [];
    const params = [
      renewals.map((renewal) => renewal.job),
      renewals.map((renewal) => renewal.owner),
      renewals.map((renewal) => renewal.fence),
      renewals.map((renewal) => renewal.leaseMs),
    ];
    const result = await this.#run<{ job: string }>('renewLeases', this.#sql.RENEW_LEASES_SQL, params, () => params);
    const renewed = new Set(result.rows.map((row) => row.job));
    return renewals.map((renewal) => renewed.has(renewal.job));
  }

  /** {@inheritDoc JobStore.pruneJobs} */
  async pruneJobs(jobs: readonly string[], keep: number): Promise<number> {
    checkPruneJobs(jobs, keep);
    if (jobs.length === 0) return 0;
    const params = [jobs, keep];
    const result = await this.#run('pruneJobs', this.#sql.PRUNE_JOBS_SQL, params, () => params);
    return result.rowCount ?? 0;
  }

  /** {@inheritDoc JobStore.skipTicksOfJobs} */
  async skipTicksOfJobs(requests: readonly SkipRequest[]): Promise<boolean[]> {
    checkSkipRequests(requests);
    if (requests.length === 0) return [];
    const tickRequests: number[] = [];
    const ticks: number[] = [];
    for (const [index, request] of requests.entries()) {
      for (const tick of request.ticks) {
        tickRequests.push(index + 1);
        ticks.push(tick);
      }
    }
    const params = [
      requests.map((request) => request.job),
      requests.map((request) => request.owner),
      requests.map((request) => request.status),
      requests.map((request) => request.ticks[request.ticks.length - 1] as number),
      tickRequests,
      ticks,
    ];
    // Not re-sent by itself, as for skipTicks: a re-sent request that had committed answers `false`.
    const result = await this.#run<{ job: string }>('skipTicksOfJobs', this.#sql.SKIP_TICKS_OF_JOBS_SQL, params);
    const recorded = new Set(result.rows.map((row) => row.job));
    return requests.map((request) => recorded.has(request.job));
  }
}
