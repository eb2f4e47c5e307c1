/**
 * A runner honours the store's cluster controls (issue 15): a pause written by any replica
 * stops the job here within one poll and survives a restart; a queued trigger runs once, on the
 * replica that may hold the lease; a manual trigger refused for another replica's lease waits
 * for it (logged) instead of being dropped. Fake time throughout.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { REFERENCE, SECOND } from '../helpers/fake-time.js';
import { RecordingJob } from '../helpers/recording-job.js';

/** A MemoryStore that survives `close()`, shared by the "replicas" of a test. */
class SharedMemoryStore extends MemoryStore {
  override async close(): Promise<void> {}
}

const POLL_S = 1;
let logger: CaptureLogger;
let runners: JobRunner[];

beforeEach(() => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  logger = new CaptureLogger();
  runners = [];
});

afterEach(async () => {
  const stopping = Promise.all(runners.map((runner) => runner.stop({ timeout: 5 })));
  await vi.advanceTimersByTimeAsync(10 * SECOND);
  await stopping;
  vi.useRealTimers();
});

function replica(store: MemoryStore, owner: string, ...jobs: RecordingJob[]): JobRunner {
  const runner = new JobRunner({ store, owner, logger, pollInterval: POLL_S, leaseTtl: 15 });
  runner.add(...jobs);
  runners.push(runner);
  return runner;
}

const executions = (job: RecordingJob): number => job.calls.filter((call) => call.hook === 'execute').length;

describe('cluster pause', () => {
  it('stops a job within one poll when another replica pauses it in the store, and resumes it the same way', async () => {
    const store = new SharedMemoryStore();
    const job = new RecordingJob({ name: 'every-second', cron: '* * * * * *' });
    await replica(store, 'a', job).start();
    await vi.advanceTimersByTimeAsync(3 * SECOND);
    const before = executions(job);
    expect(before).toBeGreaterThan(0);
    await store.controls.pause({ job: 'every-second', by: 'ops', reason: 'maintenance' });
    await vi.advanceTimersByTimeAsync(POLL_S * SECOND);
    expect(job.isPaused).toBe(true);
    const atPause = executions(job);
    expect(atPause - before).toBeLessThanOrEqual(1);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(executions(job)).toBe(atPause);
    expect(runners[0]?.pauseOf('every-second')).toMatchObject({ by: 'ops', reason: 'maintenance' });
    await store.controls.resume('every-second');
    await vi.advanceTimersByTimeAsync(POLL_S * SECOND + 2 * SECOND);
    expect(job.isPaused).toBe(false);
    expect(executions(job)).toBeGreaterThan(atPause);
    expect(runners[0]?.pauseOf('every-second')).toBeNull();
  });

  it('pauses through runner.pause on every replica sharing the store, and a restarted replica never triggers the paused job', async () => {
    const store = new SharedMemoryStore();
    const jobA = new RecordingJob({ name: 'report', interval: 2, triggerOnStart: true });
    const jobB = new RecordingJob({ name: 'report', interval: 2, triggerOnStart: true });
    const a = replica(store, 'a', jobA);
    await a.start();
    await replica(store, 'b', jobB).start();
    await vi.advanceTimersByTimeAsync(SECOND);
    const pause = await a.pause('report', { by: 'alice', reason: 'bad data upstream' });
    expect(pause).toMatchObject({ job: 'report', by: 'alice', reason: 'bad data upstream', at: REFERENCE + SECOND });
    expect(jobA.isPaused).toBe(true);
    await vi.advanceTimersByTimeAsync(POLL_S * SECOND);
    expect(jobB.isPaused).toBe(true);
    const total = executions(jobA) + executions(jobB);
    await vi.advanceTimersByTimeAsync(20 * SECOND);
    expect(executions(jobA) + executions(jobB)).toBe(total);

    // A restart (a new runner on the same store) keeps the job paused from its first moment.
    const restarted = new RecordingJob({ name: 'report', interval: 2, triggerOnStart: true });
    await replica(store, 'c', restarted).start();
    await vi.advanceTimersByTimeAsync(20 * SECOND);
    expect(executions(restarted)).toBe(0);
    expect(restarted.isPaused).toBe(true);
    expect(logger.events('cluster-pause')[0]?.bindings).toMatchObject({ job: 'report', by: 'alice', reason: 'bad data upstream' });
  });

  it('refuses pause and resume of an unknown job, and bad operator names, naming them', async () => {
    const store = new SharedMemoryStore();
    const runner = replica(store, 'a', new RecordingJob({ name: 'report', interval: 60 }));
    await expect(runner.pause('report')).rejects.toThrow('JobRunner.pause(): the runner is idle; it must be running');
    await runner.start();
    await expect(runner.pause('nope')).rejects.toThrow('no job named "nope" in this runner');
    await expect(runner.pause('report', { by: 'x\u0007' })).rejects.toThrow('by must not contain control characters, got "x\\u0007" (U+0007 at index 1)');
    expect(await runner.pause('report')).toMatchObject({ by: 'a' });
    expect(await runner.resume('report')).toMatchObject({ by: 'a' });
    expect(await runner.resume('report')).toBeNull();
  });

  it('keeps the last known pause while the store fails to answer, logging the outage once', async () => {
    const store = new SharedMemoryStore();
    const job = new RecordingJob({ name: 'every-second', cron: '* * * * * *' });
    const runner = replica(store, 'a', job);
    await runner.start();
    await runner.pause('every-second', { by: 'ops' });
    store.controls.list = () => Promise.reject(new Error('connection refused'));
    await vi.advanceTimersByTimeAsync(5 * POLL_S * SECOND);
    expect(job.isPaused).toBe(true);
    expect(executions(job)).toBe(0);
    expect(logger.events('controls-poll-failed')).toHaveLength(1);
  });
});

describe('cluster trigger', () => {
  it('runs a trigger once in the cluster: the replica asked runs it when the lease is free', async () => {
    const store = new SharedMemoryStore();
    const jobA = new RecordingJob({ name: 'hourly', cron: '0 * * * *' });
    const jobB = new RecordingJob({ name: 'hourly', cron: '0 * * * *' });
    const a = replica(store, 'a', jobA);
    await a.start();
    await replica(store, 'b', jobB).start();
    const answer = await a.trigger('hourly', { by: 'alice' });
    expect(answer).toMatchObject({ status: 'queued', job: 'hourly', trigger: { by: 'alice', id: '1' } });
    await vi.advanceTimersByTimeAsync(5 * POLL_S * SECOND);
    expect([executions(jobA), executions(jobB)]).toEqual([1, 0]);
    expect(jobA.calls.find((call) => call.hook === 'execute')?.run?.reason).toBe('manual');
  });

  it('leaves a trigger to the replica holding the lease, which runs it within one poll', async () => {
    const store = new SharedMemoryStore();
    const jobA = new RecordingJob({ name: 'sync', interval: 3_600 });
    const jobB = new RecordingJob({ name: 'sync', interval: 3_600, triggerOnStart: true });
    const b = replica(store, 'b', jobB);
    await b.start();
    await vi.advanceTimersByTimeAsync(SECOND); // b runs the start trigger and keeps the interval job's lease
    expect((await store.loadState('sync'))?.leaseOwner).toBe('b');
    const a = replica(store, 'a', jobA);
    await a.start();
    const answer = await a.trigger('sync', { by: 'alice' });
    expect(answer.status).toBe('queued');
    expect(logger.events('trigger-taken')).toEqual([]);
    await vi.advanceTimersByTimeAsync(POLL_S * SECOND + 10);
    expect([executions(jobA), executions(jobB)]).toEqual([0, 2]);
    expect(logger.events('trigger-taken').map((entry) => entry.bindings.job)).toEqual(['sync']);
    expect((await store.controls.list()).triggers).toEqual([]);
  });

  it('answers refused with the reason and logs it: unknown job, paused, already queued', async () => {
    const store = new SharedMemoryStore();
    const runner = replica(store, 'a', new RecordingJob({ name: 'sync', interval: 3_600 }));
    await runner.start();
    await store.acquireLease('sync', 'elsewhere', 600 * SECOND);
    expect(await runner.trigger('nope')).toMatchObject({ status: 'refused', reason: 'unknown-job' });
    expect((await runner.trigger('sync')).status).toBe('queued');
    expect(await runner.trigger('sync')).toMatchObject({ status: 'refused', reason: 'already-queued', message: expect.stringContaining('already queued') });
    await runner.pause('sync', { by: 'ops' });
    expect(await runner.trigger('sync')).toMatchObject({ status: 'refused', reason: 'paused' });
    await expect(runner.trigger('sync', { by: 'x'.repeat(201) })).rejects.toThrow(RangeError);
    expect(logger.events('trigger-refused').map((entry) => entry.bindings.reason)).toEqual(['unknown-job', 'already-queued', 'paused', 'invalid-request']);
  });

  it('keeps a manual trigger whose claim finds another replica holding the lease, logs it, and runs it once the lease is free', async () => {
    const store = new SharedMemoryStore();
    const job = new RecordingJob({ name: 'hourly', cron: '0 * * * *' });
    await replica(store, 'a', job).start();
    const fence = (await store.acquireLease('hourly', 'elsewhere', 600 * SECOND)) as number;
    job.triggerNow();
    await vi.advanceTimersByTimeAsync(3 * POLL_S * SECOND);
    expect(executions(job)).toBe(0);
    expect(job.capture.events('manual-wait').length).toBeGreaterThan(0);
    await store.releaseLease('hourly', 'elsewhere', fence);
    await vi.advanceTimersByTimeAsync(POLL_S * SECOND + 10);
    expect(executions(job)).toBe(1);
    await vi.advanceTimersByTimeAsync(5 * POLL_S * SECOND);
    expect(executions(job)).toBe(1);
  });
});
