import { describe, expect, it, vi } from 'vitest';
import { JobException } from '../../src/index.js';
import { sharedTimerQueue } from '../../src/time/timer-queue.js';
import { REFERENCE, SECOND, stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';

failOnLeakedJobs();
useFakeTime();

describe('an interval job', () => {
  it('runs setup, then triggers interval seconds after each execution ended', async () => {
    const job = new RecordingJob({ name: 'fixed-delay', interval: 1 }, { executeMs: 500 });
    job.start();
    await vi.advanceTimersByTimeAsync(4_100);
    expect(job.times('setup', REFERENCE)).toEqual([0]);
    expect(job.times('execute', REFERENCE)).toEqual([1000, 2500, 4000]);
    expect(job.triggerCount).toBe(3);
    await stopAndWait(job);
    expect(job.sequence().at(-1)).toBe('shutdown');
  });

  it('increments triggerCount before execute sees the trigger', async () => {
    const job = new RecordingJob({ name: 'counting', interval: 1, triggerCount: 41 });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(job.calls.find((call) => call.hook === 'execute')?.run?.trigger).toBe(42);
    await stopAndWait(job);
  });

  it('triggers at once on start with triggerOnStart', async () => {
    const job = new RecordingJob({ name: 'eager', interval: 10, triggerOnStart: true });
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.times('execute', REFERENCE)).toEqual([0]);
    expect(job.calls[1]?.run?.reason).toBe('start');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(job.times('execute', REFERENCE)).toEqual([0, 10_000]);
    await stopAndWait(job);
  });

  it('reports how late each execution started against the previous end plus the interval', async () => {
    const job = new RecordingJob({ name: 'lateness', interval: 2 });
    job.start();
    await vi.advanceTimersByTimeAsync(2_000);
    const run = job.calls.find((call) => call.hook === 'execute')?.run;
    expect(run?.scheduledAt?.getTime()).toBe(REFERENCE + 2_000);
    expect(run?.lateness).toBe(0);
    await stopAndWait(job);
  });

  it('fires a 30-day interval at the right time despite the timer limit', async () => {
    const job = new RecordingJob({ name: 'monthly', interval: 30 * 86_400 });
    job.start();
    await vi.advanceTimersByTimeAsync(30 * 86_400 * SECOND - 1);
    expect(job.count('execute')).toBe(0);
    expect(job.nextRunAt?.getTime()).toBe(REFERENCE + 30 * 86_400 * SECOND);
    await vi.advanceTimersByTimeAsync(1);
    expect(job.times('execute', REFERENCE)).toEqual([30 * 86_400 * SECOND]);
    await stopAndWait(job);
  });
});

describe('errors', () => {
  it('log, shut down, wait retryWait, then restart from setup (with triggerOnStart)', async () => {
    const job = new RecordingJob({ name: 'flaky', interval: 1, retryWait: 5, triggerOnStart: true }, { failExecute: new Set([1]) });
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.sequence()).toEqual(['setup', 'execute', 'shutdown']);
    expect(job.state).toBe('retrying');
    const errors = job.capture.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.bindings).toMatchObject({ job: 'flaky', phase: 'execute' });
    expect((errors[0]?.bindings.err as Error).stack).toContain('execute 1 failed');
    expect(job.capture.events('retry-wait')[0]?.bindings).toMatchObject({ job: 'flaky', retryIn: 5 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(job.count('setup')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(job.times('setup', REFERENCE)).toEqual([0, 5_000]);
    expect(job.times('execute', REFERENCE)).toEqual([0, 5_000]);
    expect(job.lastRun?.error).toBeNull();
    await stopAndWait(job);
  });

  it('do not run shutdown when setup failed', async () => {
    const job = new RecordingJob({ name: 'bad-setup', interval: 1, retryWait: 2 }, { failSetup: new Set([1]) });
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.sequence()).toEqual(['setup']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(job.sequence()).toEqual(['setup', 'setup']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(job.count('execute')).toBe(1);
    await stopAndWait(job);
  });

  it('keep lastRun.error of the failed execution', async () => {
    const job = new RecordingJob({ name: 'last-run', interval: 1, retryWait: 60 }, { failExecute: true, executeMs: 250 });
    job.start();
    await vi.advanceTimersByTimeAsync(1_250);
    expect(job.lastRun?.start.getTime()).toBe(REFERENCE + 1_000);
    expect(job.lastRun?.end?.getTime()).toBe(REFERENCE + 1_250);
    expect(job.lastRun?.error?.message).toBe('execute 1 failed');
    await stopAndWait(job);
  });

  it('from shutdown during a stop are logged and the worker still ends', async () => {
    const job = new RecordingJob({ name: 'bad-shutdown', interval: 1 }, { failShutdown: true });
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    await stopAndWait(job);
    expect(job.isRunning).toBe(false);
    expect(job.capture.entries.some((entry) => entry.level === 'error' && entry.bindings.phase === 'shutdown')).toBe(true);
  });

  it('of any kind never escape as unhandled rejections', async () => {
    class Thrower extends RecordingJob {
      override execute(): Promise<void> {
        return Promise.reject('a string, not an Error');
      }
    }
    const job = new Thrower({ name: 'thrower', interval: 0.5, retryWait: 0.5 });
    job.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(job.lastRun?.error).toBeInstanceOf(Error);
    expect(job.lastRun?.error?.message).toContain('a string, not an Error');
    await stopAndWait(job);
  });
});

describe('controls', () => {
  it('start throws JobException while the worker runs, and works again after it ended', async () => {
    const job = new RecordingJob({ name: 'twice', interval: 1 });
    job.start();
    expect(() => job.start()).toThrow(JobException);
    await vi.advanceTimersByTimeAsync(1_000);
    await stopAndWait(job);
    job.start();
    expect(job.isRunning).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(job.count('setup')).toBe(2);
    await stopAndWait(job);
  });

  it('start throws while the worker is stopping', async () => {
    const job = new RecordingJob({ name: 'stopping', interval: 1 }, { executeMs: 5_000, ignoreSignal: true });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000);
    job.requestStop();
    expect(job.state).toBe('stopping');
    expect(() => job.start()).toThrow(/stopping/);
    await vi.advanceTimersByTimeAsync(5_000);
    await job.waitUntilDone(0);
  });

  it('requestStop wakes a sleeping job at once', async () => {
    const job = new RecordingJob({ name: 'sleeper', interval: 3_600 });
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.state).toBe('sleeping');
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.isRunning).toBe(false);
    expect(Date.now()).toBe(REFERENCE);
    expect(job.sequence()).toEqual(['setup', 'shutdown']);
    expect(sharedTimerQueue.size).toBe(0);
  });

  it('requestStop wakes a job waiting retryWait', async () => {
    const job = new RecordingJob({ name: 'retrying', interval: 1, retryWait: 3_600 }, { failExecute: true });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(job.state).toBe('retrying');
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.isRunning).toBe(false);
    expect(job.count('shutdown')).toBe(1);
  });

  it('requestStop aborts the signal of the running execution', async () => {
    const job = new RecordingJob({ name: 'aborting', interval: 1 }, { executeMs: 60_000 });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(job.state).toBe('running');
    job.requestStop();
    expect(job.signals[0]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(job.isRunning).toBe(false);
    expect(job.sequence()).toEqual(['setup', 'execute', 'shutdown']);
    expect(job.capture.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('requestStop on a sleeping job leaves the signal of its ended execution alone, and the next start gets a live one', async () => {
    const job = new RecordingJob({ name: 'ran-once', interval: 10 }, { executeMs: 100 });
    job.start();
    await vi.advanceTimersByTimeAsync(10_200);
    expect(job.state).toBe('sleeping');
    job.requestStop();
    expect(job.signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(job.isRunning).toBe(false);
    job.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(job.signals).toHaveLength(2);
    job.requestStop();
    expect(job.signals[1]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(job.isRunning).toBe(false);
  });

  it('requestStop is idempotent and a no-op on a job that is not running', async () => {
    const job = new RecordingJob({ name: 'idle', interval: 1 });
    job.requestStop();
    expect(job.isRunning).toBe(false);
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    job.requestStop();
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.count('shutdown')).toBe(1);
  });

  it('waitUntilDone rejects with JobException after the timeout and leaves no timer', async () => {
    const job = new RecordingJob({ name: 'slow', interval: 1 }, { executeMs: 10_000, ignoreSignal: true });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000);
    job.requestStop();
    const waiting = job.waitUntilDone(2);
    const assertion = expect(waiting).rejects.toThrow(JobException);
    await vi.advanceTimersByTimeAsync(2_000);
    await assertion;
    await vi.advanceTimersByTimeAsync(8_000);
    await job.waitUntilDone(1);
    expect(sharedTimerQueue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waitUntilDone resolves at once when the job is not running, and validates its timeout', async () => {
    const job = new RecordingJob({ name: 'never-started', interval: 1 });
    await expect(job.waitUntilDone()).resolves.toBeUndefined();
    await expect(job.waitUntilDone(0)).resolves.toBeUndefined();
    expect(() => job.waitUntilDone(-1)).toThrow(TypeError);
    expect(() => job.waitUntilDone(Number.NaN)).toThrow(/timeout/);
  });

  it('waitUntilDone clears its timer when the job ends first', async () => {
    const job = new RecordingJob({ name: 'quick', interval: 1 });
    job.start();
    const waiting = job.waitUntilDone(3_600);
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
    await waiting;
    expect(sharedTimerQueue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('supports await using', async () => {
    let captured: RecordingJob | undefined;
    {
      await using job = new RecordingJob({ name: 'disposable', interval: 1 });
      captured = job;
      job.start();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(captured.isRunning).toBe(false);
  });
});

describe('logging', () => {
  it('tags start, triggers, stop with the job name', async () => {
    const job = new RecordingJob({ name: 'talkative', interval: 1 });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopAndWait(job);
    const events = job.capture.entries.map((entry) => [entry.level, entry.bindings.event, entry.bindings.job]);
    expect(events).toEqual([
      ['info', 'start', 'talkative'],
      ['debug', 'trigger', 'talkative'],
      ['info', 'stop', 'talkative'],
    ]);
  });
});
