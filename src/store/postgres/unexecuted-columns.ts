/**
 * The unexecuted ticks of a batch of claims as the three parallel arrays `CLAIM_RUNS_SQL` takes.
 *
 * @module
 */
import type { ClaimRequest } from '../job-store.js';

/** Each request's unexecuted ticks, flattened: `[jobs, ticks, statuses]`, one entry per tick. */
export function unexecutedColumns(requests: readonly ClaimRequest[]): [string[], number[], string[]] {
  const jobs: string[] = [];
  const ticks: number[] = [];
  const statuses: string[] = [];
  for (const request of requests) {
    for (const tick of request.unexecuted?.ticks ?? []) {
      jobs.push(request.job);
      ticks.push(tick);
      statuses.push(request.unexecuted?.status ?? 'missed');
    }
  }
  return [jobs, ticks, statuses];
}
