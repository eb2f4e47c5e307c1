/**
 * PostgresStore's batches are one statement each, whatever the number of jobs: the claims of a
 * replica that fell behind (with unexecuted ticks), the lease upkeep, the retention and the
 * ticks recorded unexecuted. Counted
 * on the driver (`pg.Client#query`, which every pooled connection uses).
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { HostedJob } from '../../src/job/job-host.js';
import type { RunnerEventMap } from '../../src/runner/runner-events.js';
import { StoreHost } from '../../src/runner/store-host.js';
import { TypedEmitter } from '../../src/runner/typed-emitter.js';
import type { ClaimAnswer, RunClaim } from '../../src/store/job-store.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { dropSchema, randomSchemaName } from '../helpers/postgres-cluster.js';

const url = inject('postgresUrl');
const T0 = Date.UTC(2030, 0, 1);
const tick = (n: number): number => T0 + n * 1_000;
const JOBS = Array.from({ length: 40 }, (_, index) => `job-${index}`);
const LEASE_MS = 60_000;

let store: PostgresStore;
let schema: string;

beforeEach(async () => {
  schema = randomSchemaName();
  store = new PostgresStore({ connectionString: url, schema, poolSize: 4 });
  await store.open();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await store.close();
  await dropSchema(url, schema);
});

/** How many statements `work` sends. */
async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const query = vi.spyOn(pg.Client.prototype, 'query');
  try {
    const result = await work();
    return { result, statements: query.mock.calls.length };
  } finally {
    query.mockRestore();
  }
}

const claims = (answers: ClaimAnswer[]): RunClaim[] => answers.map((answer) => {
  if (typeof answer === 'string') throw new Error(`expected a claim, got ${answer}`);
  return answer;
});

describe('PostgresStore batches: one statement each', () => {
  it('claims of jobs that missed ticks, recording those ticks, in one statement', async () => {
    claims(await store.claimRuns(JOBS.map((job) => ({ job, owner: 'a', tickAt: tick(1), startedAt: tick(1), leaseMs: LEASE_MS }))));
    const { result, statements } = await statementsOf(() =>
      store.claimRuns(JOBS.map((job) => ({ job, owner: 'b', tickAt: tick(5), startedAt: tick(5), leaseMs: LEASE_MS, unexecuted: { ticks: [tick(1), tick(3), tick(4)], status: 'missed' as const } }))),
    );
    // The claim statement, and one read of the refused jobs' marks (busy, not taken).
    expect(statements).toBe(2);
    // A is still live: every claim is refused busy, recording nothing.
    expect(result.every((answer) => answer === 'busy')).toBe(true);
    const { result: taken, statements: again } = await statementsOf(() =>
      store.claimRuns(JOBS.map((job) => ({ job, owner: 'a', tickAt: tick(5), startedAt: tick(5), leaseMs: LEASE_MS, unexecuted: { ticks: [tick(1), tick(3), tick(4)], status: 'missed' as const } }))),
    );
    expect(again).toBe(1);
    // Tick 1 is at the mark: only 3 and 4 are recorded, before the run (ids in tick order).
    expect(claims(taken).map((claim) => claim.unexecutedRecorded)).toEqual(JOBS.map(() => 2));
    const runs = await store.listRuns({ job: 'job-7' });
    expect(runs.map((run) => [run.status, run.tickAt])).toEqual([
      ['running', tick(5)],
      ['missed', tick(4)],
      ['missed', tick(3)],
      ['running', tick(1)],
    ]);
  });

  it('renewLeases, acquireLeases and pruneJobs of many jobs in one statement each', async () => {
    const fences = (await statementsOf(() => store.acquireLeases(JOBS.map((job) => ({ job, owner: 'a', leaseMs: LEASE_MS })))));
    expect(fences.statements).toBe(1);
    const renewed = await statementsOf(() => store.renewLeases(JOBS.map((job, index) => ({ job, owner: 'a', fence: fences.result[index] as number, leaseMs: LEASE_MS }))));
    expect(renewed).toEqual({ result: JOBS.map(() => true), statements: 1 });
    for (const job of JOBS) await store.skipTicks({ job, owner: 'a', ticks: [tick(1), tick(2), tick(3)], status: 'missed' });
    expect(await statementsOf(() => store.pruneJobs(JOBS, 1))).toEqual({ result: JOBS.length * 2, statements: 1 });
  });

  it('the unexecuted ticks of many jobs recorded at once by a runner host, in one statement', async () => {
    const host = new StoreHost({ store, owner: 'a', leaseMs: LEASE_MS, pollMs: 500, retention: 1_000, events: new TypedEmitter<RunnerEventMap>(), logger: new CaptureLogger() });
    try {
      await store.skipTicks({ job: 'job-3', owner: 'b', ticks: [tick(2)], status: 'skipped' });
      const jobs = JOBS.map((name): HostedJob => ({ name, cron: '* * * * *', interval: null }));
      const { result, statements } = await statementsOf(() => Promise.all(jobs.map((job) => host.recordUnexecuted(job, { ticks: [tick(1), tick(2)], count: 2, status: 'skipped' }))));
      expect(statements).toBe(1);
      expect(result).toEqual(JOBS.map((job) => (job === 'job-3' ? 0 : 2)));
      expect((await store.listRuns({ job: 'job-7' })).map((run) => [run.status, run.tickAt, run.owner])).toEqual([
        ['skipped', tick(2), 'a'],
        ['skipped', tick(1), 'a'],
      ]);
      expect((await store.listRuns({ job: 'job-3' })).map((run) => run.owner)).toEqual(['b']);
      expect((await store.loadStates(JOBS)).map((state) => state?.lastTickAt)).toEqual(JOBS.map(() => tick(2)));
    } finally {
      host.close();
    }
  });
});
