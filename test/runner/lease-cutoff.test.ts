/**
 * A lease deadline is a cut-off (`CutoffEntry`): when a process resumes from a freeze (SIGSTOP,
 * a machine suspend) with an execution whose lease expired meanwhile, that execution is aborted
 * in the first timer pass, before the overdue wake-ups of the other jobs, which are due earlier
 * and would otherwise run first (on a loaded replica with 200 jobs, that held the abort back by
 * up to half a second).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobRunner } from '../../src/runner/job-runner.js';
import { LeaseLostError } from '../../src/runner/lease-lost-error.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';

const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);
const JOBS = 50;

failOnLeakedJobs();

beforeEach(() => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a replica resuming from a freeze', () => {
  it('aborts the execution whose lease expired before any other job wakes', async () => {
    const logger = new CaptureLogger();
    const runner = new JobRunner({ store: new MemoryStore(), logger, leaseTtl: 3, pollInterval: 0.5, claimAhead: 0 });
    const holder = new RecordingJob({ name: 'holder', cron: '* * * * * *' }, { executeMs: 60_000 });
    const others = Array.from({ length: JOBS }, (_, index) => new RecordingJob({ name: `other-${index}`, cron: '* * * * * *' }));
    runner.add(holder, ...others);
    await runner.start();
    await vi.advanceTimersByTimeAsync(1_100); // the first tick: the holder is in its long execution, the others ran it
    const [signal] = holder.signals;
    expect(signal?.aborted).toBe(false);
    expect(others.every((job) => job.count('execute') === 1 && job.state === 'sleeping')).toBe(true);
    const awakeAtAbort: string[] = [];
    signal?.addEventListener('abort', () => awakeAtAbort.push(...others.filter((job) => job.state !== 'sleeping').map((job) => job.name)));

    // Frozen for 10 s: the wall clock moves on, no timer runs. The others' next wake-ups (the
    // ticks after 1 s) and the lease renewal are all due before the lease deadline.
    vi.setSystemTime(Date.now() + 10_000);
    await vi.advanceTimersByTimeAsync(1_000);

    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(LeaseLostError);
    expect(awakeAtAbort).toEqual([]);
    expect(logger.events('lease-expired').map((line) => line.bindings.job)).toEqual(['holder']);
    // The wake-ups ran after it: every other job went on to its overdue tick and beyond.
    expect(Math.min(...others.map((job) => job.count('execute')))).toBeGreaterThanOrEqual(2);
    await runner.stop({ timeout: 5 });
  });
});
