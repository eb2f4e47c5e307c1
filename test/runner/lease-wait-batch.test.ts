import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostedJob } from '../../src/job/job-host.js';
import type { RunnerEventMap } from '../../src/runner/runner-events.js';
import { StoreHost } from '../../src/runner/store-host.js';
import { TypedEmitter } from '../../src/runner/typed-emitter.js';
import { sharedTimerQueue } from '../../src/time/timer-queue.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { ScriptedStore } from './fixtures/scripted-store.js';

const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);
const LEASE_MS = 3_000;
const JOBS = 50;

const jobs: HostedJob[] = Array.from({ length: JOBS }, (_, i) => ({ name: `job-${i}`, cron: '* * * * * *', interval: null }));

let store: ScriptedStore;
let logger: CaptureLogger;
let host: StoreHost;

beforeEach(async () => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  store = new ScriptedStore();
  await store.open();
  logger = new CaptureLogger();
  host = new StoreHost({ store, owner: 'host-a', leaseMs: LEASE_MS, pollMs: 500, retention: 1000, events: new TypedEmitter<RunnerEventMap>(), logger });
});

afterEach(async () => {
  host.close();
  await store.close();
  expect(sharedTimerQueue.size, 'timer entries left queued').toBe(0);
  vi.useRealTimers();
});

describe('StoreHost lease-wait notices', () => {
  it("reads the holders of many jobs refused 'busy' at the same moment in one loadStates batch, not one loadState per job", async () => {
    // Another replica holds every job's lease with the previous tick (an overrun, or claimed ahead).
    for (const job of jobs) await store.claimRun({ job: job.name, owner: 'host-b', tickAt: REFERENCE - 1_000, startedAt: REFERENCE, leaseMs: LEASE_MS });
    const loadState = vi.spyOn(store, 'loadState');
    const loadStates = vi.spyOn(store, 'loadStates');
    // Every job is due on the same tick: their claims go out, and are refused, together.
    const answers = await Promise.all(
      jobs.map((job) => host.claim(job, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() })),
    );
    expect(answers.every((answer) => answer === 'busy')).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(loadState).not.toHaveBeenCalled();
    expect(loadStates).toHaveBeenCalledTimes(1);
    expect(loadStates.mock.calls[0]?.[0]).toEqual(jobs.map((job) => job.name));
    // One line says who holds the leases of them all (not one line per job).
    const waits = logger.events('lease-wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]?.bindings).toMatchObject({ count: jobs.length, jobs: jobs.slice(0, 10).map((job) => job.name), holders: ['host-b'] });
  });

  it('says the holder could not be read for every job of a batch read that fails', async () => {
    for (const job of jobs.slice(0, 3)) await store.claimRun({ job: job.name, owner: 'host-b', tickAt: REFERENCE - 1_000, startedAt: REFERENCE, leaseMs: LEASE_MS });
    store.loadStates = () => Promise.reject(new Error('connection refused'));
    await Promise.all(
      jobs.slice(0, 3).map((job) => host.claim(job, { reason: 'schedule', tickAt: REFERENCE, startedAt: REFERENCE, unexecuted: null, controller: new AbortController() })),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(logger.events('lease-wait')).toMatchObject([
      { bindings: { count: 3, jobs: jobs.slice(0, 3).map((job) => job.name), holders: [], expiresAt: null }, message: '3 jobs are waiting for the leases of other owners (the holder of 3 could not be read)' },
    ]);
  });
});
