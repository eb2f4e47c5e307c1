import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionGrant, ExecutionOutcome, HostedJob } from '../../src/job/job-host.js';
import { RunContext } from '../../src/job/run-context.js';
import { LeaseLostError } from '../../src/runner/lease-lost-error.js';
import type { RunnerEventMap } from '../../src/runner/runner-events.js';
import { PRUNE_PERIOD_MS } from '../../src/runner/prune-schedule.js';
import { StoreHost } from '../../src/runner/store-host.js';
import { MAX_RUN_ERROR_LENGTH } from '../../src/store/run-error-text.js';
import { TypedEmitter } from '../../src/runner/typed-emitter.js';
import type { ClaimRequest } from '../../src/store/job-store.js';
import { sharedTimerQueue } from '../../src/time/timer-queue.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { ScriptedStore } from './fixtures/scripted-store.js';
import { sleepingIntervalJobs } from './fixtures/sleeping-interval-jobs.js';

const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);
const LEASE_MS = 3_000;
const POLL_MS = 500;
const OWNER = 'host-a';

const cronJob: HostedJob = { name: 'report', cron: '* * * * *', interval: null };
const intervalJob: HostedJob = { name: 'sampler', cron: null, interval: 1 };

let store: ScriptedStore;
let events: TypedEmitter<RunnerEventMap>;
let logger: CaptureLogger;
let host: StoreHost;

function makeHost(options: { retention?: number; pruneEvery?: number } = {}): StoreHost {
  return new StoreHost({ store, owner: OWNER, leaseMs: LEASE_MS, pollMs: POLL_MS, retention: options.retention ?? 1000, events, logger, ...(options.pruneEvery === undefined ? {} : { pruneEvery: options.pruneEvery }) });
}

const ok = (): ExecutionOutcome => ({ status: 'ok', endedAt: Date.now(), error: null });

/** The grant of a claim that must have been granted. */
function asGrant(result: ExecutionGrant | 'busy' | null): ExecutionGrant {
  if (result === null || result === 'busy') throw new Error(`expected a grant, got ${String(result)}`);
  return result;
}

beforeEach(async () => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  store = new ScriptedStore();
  await store.open();
  events = new TypedEmitter();
  logger = new CaptureLogger();
  host = makeHost();
});

afterEach(async () => {
  host.close();
  await store.close();
  expect(sharedTimerQueue.size, 'timer entries left queued').toBe(0);
  vi.useRealTimers();
});

describe('StoreHost', () => {
  it('restores nothing for a new job, then the stored trigger count and mark', async () => {
    expect(await host.restore(cronJob)).toBeNull();
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    await host.finish(cronJob, grant, ok());
    expect(await host.restore(cronJob)).toEqual({ triggerCount: 1, lastTickAt: REFERENCE });
  });

  it('records a cron run from claim to finish, emits run:start and run:end, and releases the lease', async () => {
    const seen: string[] = [];
    events.on('run:start', ({ run }) => seen.push(`start ${run.status} ${run.trigger}`));
    events.on('run:end', ({ run }) => seen.push(`end ${run.status} ${run.endedAt}`));
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    expect(grant?.trigger).toBe(1);
    expect((await store.loadState('report'))?.leaseOwner).toBe(OWNER);
    host.onEvent(cronJob, { type: 'trigger', run: new RunContext(1, 'schedule', REFERENCE, REFERENCE) });
    await vi.advanceTimersByTimeAsync(200);
    await host.finish(cronJob, grant, ok());
    const [run] = await store.listRuns({ job: 'report' });
    expect(run).toMatchObject({ status: 'ok', tickAt: REFERENCE, startedAt: REFERENCE, endedAt: REFERENCE + 200, trigger: 1, owner: OWNER });
    expect(seen).toEqual(['start running 1', `end ok ${REFERENCE + 200}`]);
    expect((await store.loadState('report'))?.leaseOwner).toBeNull();
  });

  it('emits run:end with the error text the store keeps: bounded, never the whole of a huge error', async () => {
    const ended: (string | null)[] = [];
    events.on('run:end', ({ run }) => ended.push(run.error));
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    const huge = new Error(`boom\u0000${'x'.repeat(MAX_RUN_ERROR_LENGTH * 4)}`);
    await host.finish(cronJob, grant, { status: 'failed', endedAt: REFERENCE, error: huge });
    const [stored] = await store.listRuns({ job: 'report' });
    expect(ended).toHaveLength(1);
    expect(ended[0]?.length).toBeLessThan(MAX_RUN_ERROR_LENGTH + 100);
    expect(ended[0]).toMatch(/^Error: boom\\0x+\n\[cut: \d+ more characters, \d+ in all\]$/);
    expect(ended[0]).toBe(stored?.error);
  });

  it('refuses a tick at or before the mark', async () => {
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    await host.finish(cronJob, grant, ok());
    expect(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() })).toBeNull();
  });

  it("answers 'busy' when another owner's live lease blocks a new tick, and null once the tick is taken", async () => {
    await store.claimRun({ job: 'report', owner: 'host-b', tickAt: REFERENCE - 1_000, startedAt: REFERENCE, leaseMs: LEASE_MS });
    expect(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() })).toBe('busy');
    await store.claimRun({ job: 'report', owner: 'host-b', tickAt: REFERENCE, startedAt: REFERENCE, leaseMs: LEASE_MS });
    expect(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() })).toBeNull();
  });

  it('records the ticks passed over together with the claim', async () => {
    const unexecuted = { ticks: [REFERENCE - 120_000, REFERENCE - 60_000], count: 2, status: 'missed' as const };
    await host.claim(cronJob, { reason: 'catch-up', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted, controller: new AbortController() });
    const runs = await store.listRuns({ job: 'report' });
    expect(runs.map((run) => [run.status, run.tickAt])).toEqual([
      ['running', REFERENCE],
      ['missed', REFERENCE - 60_000],
      ['missed', REFERENCE - 120_000],
    ]);
  });

  it('records unexecuted ticks with skipTicksOfJobs, and nothing for an empty list', async () => {
    await host.recordUnexecuted(cronJob, { ticks: [], count: 0, status: 'skipped' });
    await host.recordUnexecuted(cronJob, { ticks: [REFERENCE], count: 1, status: 'skipped' });
    expect(store.callsOf('skipTicksOfJobs')).toHaveLength(1);
    expect(store.callsOf('skipTicks')).toHaveLength(0);
    expect((await store.listRuns({ job: 'report' })).map((run) => run.status)).toEqual(['skipped']);
  });

  it('records the unexecuted ticks of many jobs asked at once in one skipTicksOfJobs call per 1,000 jobs, answering each', async () => {
    const jobs: HostedJob[] = Array.from({ length: 2_500 }, (_, index) => ({ name: `cron-${index}`, cron: '* * * * *', interval: null }));
    await store.skipTicks({ job: 'cron-1', owner: 'host-b', ticks: [REFERENCE], status: 'missed' });
    const recorded = await Promise.all(jobs.map((job) => host.recordUnexecuted(job, { ticks: [REFERENCE - 60_000, REFERENCE], count: 2, status: 'skipped' })));
    expect(store.callsOf('skipTicksOfJobs').map(([requests]) => (requests as unknown[]).length)).toEqual([1_000, 1_000, 500]);
    expect(store.itemsOf<{ job: string }>('skipTicksOfJobs').map((request) => request.job)).toEqual(jobs.map((job) => job.name));
    expect(recorded).toEqual(jobs.map((job) => (job.name === 'cron-1' ? 0 : 2)));
    expect((await store.listRuns({ job: 'cron-2499' })).map((run) => [run.status, run.tickAt, run.owner])).toEqual([
      ['skipped', REFERENCE, OWNER],
      ['skipped', REFERENCE - 60_000, OWNER],
    ]);
  });

  it('fails only the bad request of a batch of unexecuted ticks', async () => {
    const jobs: HostedJob[] = ['a', 'b', 'c'].map((name) => ({ name, cron: '* * * * *', interval: null }));
    const results = await Promise.allSettled(
      jobs.map((job) => host.recordUnexecuted(job, { ticks: job.name === 'b' ? [REFERENCE, REFERENCE - 60_000] : [REFERENCE], count: 2, status: 'skipped' })),
    );
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([
      1,
      'requests[0].ticks must be strictly ascending, but requests[0].ticks[1] is ' + String(REFERENCE - 60_000),
      1,
    ]);
    expect(store.callsOf('skipTicksOfJobs').map(([requests]) => (requests as { job: string }[]).map((request) => request.job))).toEqual([['a', 'b', 'c'], ['a'], ['b'], ['c']]);
    expect(await store.listRuns({ job: 'b' })).toEqual([]);
  });

  it('keeps an interval job lease while it sleeps, so another owner cannot take the job, and releases it on detach', async () => {
    const grant = asGrant(await host.claim(intervalJob, { reason: 'schedule', tickAt: null, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    await host.finish(intervalJob, grant, ok());
    await vi.advanceTimersByTimeAsync(LEASE_MS * 4);
    expect((await store.loadState('sampler'))?.leaseOwner).toBe(OWNER);
    expect(store.callsOf('acquireLeases').length).toBeGreaterThanOrEqual(10);
    expect(await store.claimRun({ job: 'sampler', owner: 'host-b', tickAt: null, startedAt: Date.now(), leaseMs: LEASE_MS })).toBeNull();
    await host.detach(intervalJob);
    expect(await host.drain(1000)).toBe(true);
    expect((await store.loadState('sampler'))?.leaseOwner).toBeNull();
  });

  it('renews the lease of a long execution every third of its length', async () => {
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    await vi.advanceTimersByTimeAsync(LEASE_MS * 5);
    expect(grant?.signal?.aborted).toBe(false);
    expect(store.callsOf('renewLeases')).toHaveLength(15);
    expect((await store.loadState('report'))?.leaseOwner).toBe(OWNER);
    await host.finish(cronJob, grant, ok());
  });

  it('aborts the execution when a renewal finds the lease gone, and records it as interrupted', async () => {
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    store.renewRefused = true;
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(grant?.signal?.aborted).toBe(true);
    expect(grant?.signal?.reason).toBeInstanceOf(LeaseLostError);
    await host.finish(cronJob, grant, { status: 'interrupted', endedAt: Date.now(), error: grant.signal!.reason as Error });
    const [run] = await store.listRuns({ job: 'report' });
    expect(run?.status).toBe('interrupted');
    expect(run?.error).toContain('lost its lease');
    expect(store.callsOf('releaseLeases')).toHaveLength(0);
  });

  /** The lease counts as lost a tenth of its length (at most 500 ms) before it expires unconfirmed. */
  const LOST_AFTER = LEASE_MS - Math.min(LEASE_MS / 10, 500);

  it('aborts the execution when the store cannot confirm the lease before it expires', async () => {
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    store.failNext.set('renewLeases', 100);
    await vi.advanceTimersByTimeAsync(LOST_AFTER - 50);
    expect(grant?.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(grant?.signal?.aborted).toBe(true);
    expect(grant?.signal?.reason).toBeInstanceOf(LeaseLostError);
    expect(logger.events('renew-failed')).toHaveLength(2);
    expect(logger.events('lease-expired')).toHaveLength(1);
    store.failNext.clear();
    await host.finish(cronJob, grant, { status: 'interrupted', endedAt: Date.now(), error: new Error('lost') });
  });

  it('sends an upkeep round of more than 1,000 leases in chunks of at most 1,000 per call, a failing chunk failing only its own', async () => {
    const sleeping = await sleepingIntervalJobs(host, 2_500);
    const running = Array.from({ length: 1_500 }, (_, index): HostedJob => ({ name: `cron-${index}`, cron: '* * * * *', interval: null }));
    const grants = (await Promise.all(running.map((job) => host.claim(job, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() })))).map(asGrant);
    const [renewedBefore, acquiredBefore] = [store.callsOf('renewLeases').length, store.callsOf('acquireLeases').length];
    store.failNext.set('renewLeases', 1);
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    const jobsOf = (method: 'renewLeases' | 'acquireLeases', before: number): string[][] =>
      store.callsOf(method).slice(before).map(([items]) => (items as { job: string }[]).map((item) => item.job));
    expect(jobsOf('renewLeases', renewedBefore)).toEqual([running.slice(0, 1_000).map((job) => job.name), running.slice(1_000).map((job) => job.name)]);
    expect(jobsOf('acquireLeases', acquiredBefore).map((jobs) => jobs.length)).toEqual([1_000, 1_000, 500]);
    expect(jobsOf('acquireLeases', acquiredBefore).flat()).toEqual(sleeping.map((job) => job.name));
    expect(logger.events('renew-failed').map((warning) => warning.bindings)).toMatchObject([{ operation: 'renewLeases', jobs: 1_000 }]);
    // The next round renews every lease again; none was lost.
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(grants.filter((grant) => grant.signal?.aborted === true)).toEqual([]);
    expect(new Set((await store.loadStates(running.map((job) => job.name))).map((state) => state?.leaseOwner))).toEqual(new Set([OWNER]));
    for (const [index, job] of running.entries()) await host.finish(job, grants[index] as ExecutionGrant, ok());
  });

  it('aborts the execution when renewals never answer (a stalled connection), and keeps sending them', async () => {
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    store.renewStalled = true;
    await vi.advanceTimersByTimeAsync(LOST_AFTER - 50);
    expect(grant?.signal?.aborted).toBe(false);
    expect(store.callsOf('renewLeases')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(grant?.signal?.aborted).toBe(true);
    await host.finish(cronJob, grant, { status: 'interrupted', endedAt: Date.now(), error: new Error('lost') });
    await vi.advanceTimersByTimeAsync(LEASE_MS * 2);
    expect(store.callsOf('renewLeases')).toHaveLength(2);
  });

  it('keeps a lease whose renewals answer slowly but in time', async () => {
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    const renew = store.renewLeases.bind(store);
    store.renewLeases = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS / 2));
      return renew(...args);
    };
    await vi.advanceTimersByTimeAsync(LEASE_MS * 4);
    expect(grant?.signal?.aborted).toBe(false);
    await host.finish(cronJob, grant, ok());
    await vi.advanceTimersByTimeAsync(LEASE_MS);
  });

  it('re-sends a claim whose outcome is unknown with retry: true, once', async () => {
    store.failNext.set('claimRuns', 1);
    const request = { reason: 'schedule' as const, tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() };
    await expect(host.claim(cronJob, request)).rejects.toThrow('scripted claimRuns failure');
    const grant = asGrant(await host.claim(cronJob, request));
    await host.finish(cronJob, grant, ok());
    await host.claim(cronJob, { ...request, tickAt: REFERENCE + 60_000 });
    const claims = store.itemsOf<ClaimRequest>('claimRuns');
    expect(claims.map((claim) => claim.retry ?? false)).toEqual([false, true, false]);
    // The re-sent claim keeps its key (the store recognises it by it); a new claim has a new one.
    expect(claims[1]?.key).toBe(claims[0]?.key);
    expect(new Set(claims.map((claim) => claim.key)).size).toBe(2);
  });

  it('claims nothing for a job asked to stop while its previous finish was being written', async () => {
    const first = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    store.failNext.set('finishRuns', 1);
    void host.finish(cronJob, first, ok());
    const next = host.claim(cronJob, { reason: 'catch-up', tickAt: REFERENCE + 60_000, startedAt: Date.now(), unexecuted: null, controller: new AbortController() });
    host.onEvent(cronJob, { type: 'state', state: 'stopping' });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(await next).toBeNull();
    expect(store.callsOf('claimRuns')).toHaveLength(1);
  });

  it('gives the grant a local deadline: the lease confirmed at the claim, less the expiry margin', async () => {
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    expect(grant.fence).toBe(1);
    expect(grant.liveUntil?.()).toBe(REFERENCE + LEASE_MS - LEASE_MS / 10);
    await host.finish(cronJob, grant, ok());
    expect(grant.liveUntil?.()).toBe(Number.NEGATIVE_INFINITY);
  });

  it('retries writing how a run ended every pollMs until the store answers', async () => {
    const errors: string[] = [];
    events.on('job:error', ({ phase, error }) => errors.push(`${phase}: ${error.message}`));
    const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    store.failNext.set('finishRuns', 2);
    const finished = host.finish(cronJob, grant, ok());
    await vi.advanceTimersByTimeAsync(POLL_MS * 2);
    await finished;
    expect(store.callsOf('finishRuns')).toHaveLength(3);
    expect((await store.listRuns({ job: 'report' }))[0]?.status).toBe('ok');
    expect(errors).toEqual(['host: scripted finishRuns failure', 'host: scripted finishRuns failure']);
    expect((await store.loadState('report'))?.leaseOwner).toBeNull();
  });

  it('waits for the previous finish before the next claim of the same job', async () => {
    const first = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
    store.failNext.set('finishRuns', 1);
    void host.finish(cronJob, first, ok());
    const next = host.claim(cronJob, { reason: 'catch-up', tickAt: REFERENCE + 60_000, startedAt: Date.now(), unexecuted: null, controller: new AbortController() });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    const second = asGrant(await next);
    expect(store.calls.map((call) => call.method).filter((method) => method !== 'pruneJobs')).toEqual(['claimRuns', 'finishRuns', 'finishRuns', 'releaseLeases', 'claimRuns']);
    await host.finish(cronJob, second, ok());
  });

  it('prunes each job to the newest `retention` runs at the round after its first write and every pruneEvery writes', async () => {
    host.close();
    host = makeHost({ retention: 2, pruneEvery: 3 });
    for (let index = 0; index < 7; index++) {
      const tickAt = REFERENCE + index * 60_000;
      const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt, startedAt: tickAt, unexecuted: null, controller: new AbortController() }));
      await host.finish(cronJob, grant, ok());
      await vi.advanceTimersByTimeAsync(PRUNE_PERIOD_MS);
    }
    expect(await host.drain(1_000)).toBe(true);
    expect(store.callsOf('pruneJobs')).toEqual([
      [['report'], 2],
      [['report'], 2],
      [['report'], 2],
    ]);
    expect(await store.listRuns({ job: 'report' })).toHaveLength(2);
  });

  it('counts every missed tick a claim records toward the next prune, so retention stays bounded', async () => {
    host.close();
    host = makeHost({ retention: 10, pruneEvery: 50 });
    const missedPerClaim = 30;
    const pruneCallsAfterClaim: number[] = [];
    for (let index = 0; index < 6; index++) {
      // Each tick comes after 30 missed ones (a replica that fell behind), recorded by its claim.
      const tickAt = REFERENCE + (index + 1) * (missedPerClaim + 1) * 60_000;
      const ticks = Array.from({ length: missedPerClaim }, (_, tick) => tickAt - (missedPerClaim - tick) * 60_000);
      const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt, startedAt: tickAt, unexecuted: { ticks, count: ticks.length, status: 'missed' }, controller: new AbortController() }));
      expect(grant.unexecutedRecorded).toBe(missedPerClaim);
      await host.finish(cronJob, grant, ok());
      await vi.advanceTimersByTimeAsync(PRUNE_PERIOD_MS);
      pruneCallsAfterClaim.push(store.callsOf('pruneJobs').length);
      // Between prunes a job holds at most retention + pruneEvery + one claim's rows.
      expect((await store.listRuns({ job: 'report', limit: 1_000 })).length).toBeLessThanOrEqual(10 + 50 + missedPerClaim + 1);
    }
    // Due at its first row, then every 50 rows: every second claim (31 rows each), not every 25th.
    expect(pruneCallsAfterClaim).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('counts the ticks recordUnexecuted recorded toward the next prune, and none it did not record', async () => {
    host.close();
    host = makeHost({ retention: 10, pruneEvery: 50 });
    const ticks = (from: number): number[] => Array.from({ length: 30 }, (_, tick) => REFERENCE + (from + tick) * 60_000);
    expect(await host.recordUnexecuted(cronJob, { ticks: ticks(0), count: 30, status: 'skipped' })).toBe(30);
    expect(await host.recordUnexecuted(cronJob, { ticks: ticks(0), count: 30, status: 'skipped' })).toBe(0);
    expect(await host.recordUnexecuted(cronJob, { ticks: ticks(30), count: 30, status: 'skipped' })).toBe(30);
    await vi.advanceTimersByTimeAsync(PRUNE_PERIOD_MS);
    expect(store.callsOf('pruneJobs')).toHaveLength(1);
    expect(await host.recordUnexecuted(cronJob, { ticks: ticks(60), count: 30, status: 'skipped' })).toBe(30);
    await vi.advanceTimersByTimeAsync(PRUNE_PERIOD_MS);
    expect(store.callsOf('pruneJobs')).toEqual([
      [['report'], 10],
      [['report'], 10],
    ]);
    expect(await store.listRuns({ job: 'report', limit: 1_000 })).toHaveLength(10);
  });

  it('prunes every job due in one round with one pruneJobs call, and the jobs still due when drained', async () => {
    host.close();
    host = makeHost({ retention: 1, pruneEvery: 1 });
    const jobs: HostedJob[] = Array.from({ length: 300 }, (_, index) => ({ name: `job-${index}`, cron: '* * * * *', interval: null }));
    const runOnce = async (tickAt: number): Promise<void> => {
      const grants = await Promise.all(jobs.map((job) => host.claim(job, { reason: 'schedule', tickAt, startedAt: tickAt, unexecuted: null, controller: new AbortController() })));
      await Promise.all(jobs.map((job, index) => host.finish(job, asGrant(grants[index] ?? null), ok())));
    };
    await runOnce(REFERENCE);
    await runOnce(REFERENCE + 60_000);
    expect(store.callsOf('pruneJobs')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(PRUNE_PERIOD_MS);
    expect(store.callsOf('pruneJobs')).toEqual([[jobs.map((job) => job.name), 1]]);
    expect(await store.listRuns({ limit: 1_000 })).toHaveLength(300);
    await runOnce(REFERENCE + 120_000);
    expect(await host.drain(1_000)).toBe(true);
    expect(store.callsOf('pruneJobs')).toHaveLength(2);
    expect(await store.listRuns({ limit: 1_000 })).toHaveLength(300);
  });

  it('logs a failed prune round and prunes the jobs again once they are due again', async () => {
    host.close();
    host = makeHost({ retention: 1, pruneEvery: 1 });
    store.failNext.set('pruneJobs', 1);
    for (let index = 0; index < 2; index++) {
      const tickAt = REFERENCE + index * 60_000;
      const grant = asGrant(await host.claim(cronJob, { reason: 'schedule', tickAt, startedAt: tickAt, unexecuted: null, controller: new AbortController() }));
      await host.finish(cronJob, grant, ok());
      await vi.advanceTimersByTimeAsync(PRUNE_PERIOD_MS);
    }
    expect(logger.events('prune-failed')).toHaveLength(1);
    expect(store.callsOf('pruneJobs')).toHaveLength(2);
    expect(await store.listRuns({ job: 'report' })).toHaveLength(1);
  });

  it('renews the leases of all executions with one renewLeases call per round, whatever their number', async () => {
    const jobs: HostedJob[] = Array.from({ length: 200 }, (_, index) => ({ name: `job-${index}`, cron: '* * * * *', interval: null }));
    const grants = await Promise.all(jobs.map((job) => host.claim(job, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() })));
    await vi.advanceTimersByTimeAsync(LEASE_MS);
    expect(store.callsOf('renewLeases')).toHaveLength(3);
    expect(store.itemsOf<{ job: string }>('renewLeases').slice(0, 200).map((renewal) => renewal.job)).toEqual(jobs.map((job) => job.name));
    expect(grants.every((grant) => asGrant(grant).signal?.aborted === false)).toBe(true);
    await Promise.all(jobs.map((job, index) => host.finish(job, asGrant(grants[index] ?? null), ok())));
  });

  it("re-takes idle interval jobs' leases with one acquireLeases call per round, and drops those another owner took", async () => {
    const jobs: HostedJob[] = Array.from({ length: 100 }, (_, index) => ({ name: `every-${index}`, cron: null, interval: 1 }));
    for (const job of jobs) {
      const grant = asGrant(await host.claim(job, { reason: 'schedule', tickAt: null, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() }));
      await host.finish(job, grant, ok());
    }
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(store.callsOf('acquireLeases')).toHaveLength(1);
    expect(store.itemsOf('acquireLeases')).toHaveLength(100);
    // Another owner takes one job over once its lease lapsed (here: released behind the host's back).
    const state = await store.loadState('every-0');
    expect(state?.leaseOwner).toBe(OWNER);
    await store.releaseLeases([{ job: 'every-0', owner: OWNER, fence: 1 }]);
    expect(await store.acquireLease('every-0', 'host-b', LEASE_MS * 100)).not.toBeNull();
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(store.callsOf('acquireLeases')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(store.callsOf('acquireLeases')).toHaveLength(3);
    expect(store.callsOf('acquireLeases')[2]?.[0]).toHaveLength(99);
    for (const job of jobs) await host.detach(job);
  });

  it('gives back a claim that completes after the job was asked to stop', async () => {
    let open!: () => void;
    store.claimGate = new Promise((resolve) => (open = resolve));
    const claim = host.claim(intervalJob, { reason: 'schedule', tickAt: null, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() });
    // Asked to stop once the claim is in flight (sent to the store, not yet answered).
    await vi.advanceTimersByTimeAsync(0);
    expect(store.callsOf('claimRuns')).toHaveLength(1);
    host.onEvent(intervalJob, { type: 'state', state: 'stopping' });
    open();
    expect(await claim).toBeNull();
    await host.drain(1_000);
    const [run] = await store.listRuns({ job: 'sampler' });
    expect(run?.status).toBe('interrupted');
    expect((await store.loadState('sampler'))?.leaseOwner).toBeNull();
  });

  it('sends the claims, finishes and releases of jobs due together as one store call each', async () => {
    const jobs: HostedJob[] = ['a', 'b', 'c'].map((name) => ({ name, cron: '* * * * * *', interval: null }));
    const request = { reason: 'schedule' as const, tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() };
    const grants = (await Promise.all(jobs.map((job) => host.claim(job, request)))).map(asGrant);
    expect(store.callsOf('claimRuns')).toHaveLength(1);
    expect(store.itemsOf<ClaimRequest>('claimRuns').map((claim) => claim.job)).toEqual(['a', 'b', 'c']);
    await Promise.all(jobs.map((job, index) => host.finish(job, grants[index] as ExecutionGrant, ok())));
    expect(store.callsOf('finishRuns')).toHaveLength(1);
    expect(store.callsOf('releaseLeases')).toHaveLength(1);
    expect(store.itemsOf('releaseLeases')).toHaveLength(3);
    expect((await store.listRuns()).map((run) => [run.job, run.status])).toEqual([
      ['c', 'ok'],
      ['b', 'ok'],
      ['a', 'ok'],
    ]);
    expect((await store.listStates()).map((state) => state.leaseOwner)).toEqual([null, null, null]);
  });

  it('fails only the bad claim of a batch, not the claims sent with it', async () => {
    const good: HostedJob = { name: 'good', cron: '* * * * * *', interval: null };
    const bad: HostedJob = { name: 'bad', cron: '* * * * * *', interval: null };
    const request = { reason: 'schedule' as const, tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() };
    const notAscending = { ticks: [REFERENCE - 1_000, REFERENCE - 2_000], count: 2, status: 'missed' as const };
    const [granted, refused] = await Promise.allSettled([host.claim(good, request), host.claim(bad, { ...request, unexecuted: notAscending })]);
    expect(granted.status === 'fulfilled' && asGrant(granted.value).trigger).toBe(1);
    expect(refused.status === 'rejected' && (refused.reason as Error).message).toMatch(/unexecuted\.ticks.*ascending/);
    expect(store.callsOf('claimRuns').map(([requests]) => (requests as ClaimRequest[]).map((claim) => claim.job))).toEqual([['good', 'bad'], ['good'], ['bad']]);
    await host.finish(good, asGrant((granted as PromiseFulfilledResult<ExecutionGrant>).value), ok());
  });

  it('turns job events into runner events', () => {
    const seen: string[] = [];
    events.on('job:state', ({ job, state }) => seen.push(`${job} ${state}`));
    events.on('job:error', ({ job, phase }) => seen.push(`${job} error ${phase}`));
    events.on('tick:unexecuted', ({ job, ticks }) => seen.push(`${job} ${ticks.status} ${ticks.count}`));
    host.onEvent(cronJob, { type: 'state', state: 'sleeping' });
    host.onEvent(cronJob, { type: 'error', phase: 'execute', error: new Error('x'), retryIn: 10 });
    host.onEvent(cronJob, { type: 'unexecuted', ticks: { ticks: [REFERENCE], count: 3, status: 'missed' } });
    expect(seen).toEqual(['report sleeping', 'report error execute', 'report missed 3']);
  });
});
