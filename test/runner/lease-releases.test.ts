import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionGrant, ExecutionOutcome, HostedJob } from '../../src/job/job-host.js';
import type { RunnerEventMap } from '../../src/runner/runner-events.js';
import { StoreHost } from '../../src/runner/store-host.js';
import { TypedEmitter } from '../../src/runner/typed-emitter.js';
import type { LeaseRelease } from '../../src/store/job-store.js';
import { sharedTimerQueue } from '../../src/time/timer-queue.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { ScriptedStore } from './fixtures/scripted-store.js';
import { sleepingIntervalJobs as sleepingJobsOf } from './fixtures/sleeping-interval-jobs.js';

const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);
const LEASE_MS = 3_000;
const POLL_MS = 500;
const OWNER = 'host-a';

let store: ScriptedStore;
let logger: CaptureLogger;
let host: StoreHost;

const ok = (): ExecutionOutcome => ({ status: 'ok', endedAt: Date.now(), error: null });

/** `count` interval jobs that each ran once and now sleep holding their lease. */
const sleepingIntervalJobs = (count: number): Promise<HostedJob[]> => sleepingJobsOf(host, count);

const leaseOwners = async (jobs: readonly HostedJob[]): Promise<(string | null | undefined)[]> =>
  Promise.all(jobs.map(async (job) => (await store.loadState(job.name))?.leaseOwner));

beforeEach(async () => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  store = new ScriptedStore();
  await store.open();
  logger = new CaptureLogger();
  host = new StoreHost({ store, owner: OWNER, leaseMs: LEASE_MS, pollMs: POLL_MS, retention: 1000, events: new TypedEmitter<RunnerEventMap>(), logger });
});

afterEach(async () => {
  host.close();
  await store.close();
  expect(sharedTimerQueue.size, 'timer entries left queued').toBe(0);
  vi.useRealTimers();
});

describe('StoreHost lease releases at detach', () => {
  it('releases the leases of jobs detached in one pass with one releaseLeases call, and no promise per job', async () => {
    const jobs = await sleepingIntervalJobs(50);
    expect(await leaseOwners(jobs)).toEqual(jobs.map(() => OWNER));
    const before = store.callsOf('releaseLeases').length;
    // An idle job's release goes into the pass's batch: detach hands back nothing to wait on.
    expect(jobs.map((job) => host.detach(job))).toEqual(jobs.map(() => undefined));
    expect(await host.drain(1_000)).toBe(true);
    expect(store.callsOf('releaseLeases')).toHaveLength(before + 1);
    expect(store.callsOf('releaseLeases').at(-1)?.[0]).toHaveLength(50);
    expect(await leaseOwners(jobs)).toEqual(jobs.map(() => null));
  });

  it('logs one bounded warning when a batch of releases fails, and the drain still ends', async () => {
    const jobs = await sleepingIntervalJobs(20);
    store.failNext.set('releaseLeases', 1);
    for (const job of jobs) void host.detach(job);
    expect(await host.drain(1_000)).toBe(true);
    const warnings = logger.events('release-failed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.bindings).toMatchObject({ count: 20, jobs: jobs.slice(0, 10).map((job) => job.name) });
    expect(warnings[0]?.message).toMatch(/releasing 20 leases failed \(a lease expires by itself\): scripted releaseLeases failure/);
  });

  it('sends the releases of more than 1,000 jobs in chunks of at most 1,000, a failing chunk failing only its own', async () => {
    const jobs = await sleepingIntervalJobs(2_500);
    const before = store.callsOf('releaseLeases').length;
    store.failNext.set('releaseLeases', 1);
    for (const job of jobs) void host.detach(job);
    expect(await host.drain(1_000)).toBe(true);
    expect(store.callsOf('releaseLeases').slice(before).map(([releases]) => (releases as LeaseRelease[]).map((release) => release.job))).toEqual([
      jobs.slice(0, 1_000).map((job) => job.name),
      jobs.slice(1_000, 2_000).map((job) => job.name),
      jobs.slice(2_000).map((job) => job.name),
    ]);
    expect(logger.events('release-failed').map((warning) => warning.bindings.count)).toEqual([1_000]);
    expect(await leaseOwners(jobs)).toEqual(jobs.map((_, index) => (index < 1_000 ? OWNER : null)));
  });

  it('releases a lease only after the finish still being written for the job', async () => {
    const [job] = await sleepingIntervalJobs(1);
    if (job === undefined) throw new Error('no job');
    const grant = (await host.claim(job, { reason: 'schedule', tickAt: null, startedAt: Date.now(), unexecuted: null, controller: new AbortController() })) as ExecutionGrant;
    store.failNext.set('finishRuns', 1);
    const finishing = host.finish(job, grant, ok());
    await vi.advanceTimersByTimeAsync(0);
    const detached = host.detach(job);
    expect(detached).toBeInstanceOf(Promise);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    await Promise.all([finishing, detached]);
    const order = store.calls.map((call) => call.method).filter((method) => method === 'finishRuns' || method === 'releaseLeases');
    expect(order.slice(-3)).toEqual(['finishRuns', 'finishRuns', 'releaseLeases']);
    expect(store.itemsOf<LeaseRelease>('releaseLeases').at(-1)).toMatchObject({ job: job.name, owner: OWNER });
    expect((await store.loadState(job.name))?.leaseOwner).toBeNull();
  });
});
