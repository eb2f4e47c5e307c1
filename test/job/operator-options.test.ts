import { describe, expect, it, vi } from 'vitest';
import { retryDelaySeconds } from '../../src/host.js';
import { JobException, JobTimeoutError } from '../../src/index.js';
import { REFERENCE, stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';

failOnLeakedJobs();
useFakeTime();

describe('timeout', () => {
  it('aborts the signal, fails the run with JobTimeoutError and retries after retryWait', async () => {
    const job = new RecordingJob({ name: 'slowpoke', interval: 1, timeout: 2, retryWait: 5 }, { executeMs: 60_000 });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000 + 1_999);
    expect(job.signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(job.signals[0]?.aborted).toBe(true);
    expect(job.signals[0]?.reason).toBeInstanceOf(JobTimeoutError);
    expect(job.lastRun?.error).toBeInstanceOf(JobTimeoutError);
    expect(job.lastRun?.error?.message).toContain('timed out after 2 s');
    expect(job.state).toBe('retrying');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(job.times('setup', REFERENCE)).toEqual([0, 8_000]);
    await stopAndWait(job);
  });

  it('does not fire for executions that finish in time', async () => {
    const job = new RecordingJob({ name: 'in-time', interval: 1, timeout: 2 }, { executeMs: 1_500 });
    job.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(job.signals.every((signal) => !signal.aborted)).toBe(true);
    expect(job.lastRun?.error ?? null).toBeNull();
    await stopAndWait(job);
  });
});

describe('retryBackoff', () => {
  it('multiplies the wait per consecutive failure, capped, and resets after a success', async () => {
    const job = new RecordingJob(
      { name: 'backoff', interval: 1, retryWait: 1, retryBackoff: { factor: 2, max: 5 } },
      { failExecute: new Set([1, 2, 3, 4, 6]) },
    );
    job.start();
    await vi.advanceTimersByTimeAsync(60_000);
    const waits = job.capture.events('retry-wait').map((entry) => entry.bindings.retryIn);
    expect(waits.slice(0, 5)).toEqual([1, 2, 4, 5, 1]);
    await stopAndWait(job);
  });

  it('keeps the seed\'s fixed wait without backoff', () => {
    expect([1, 2, 3].map((failures) => retryDelaySeconds(failures, 10, null))).toEqual([10, 10, 10]);
  });

  it('applies jitter downwards', () => {
    const backoff = { factor: 3, max: 100, jitter: 0.5 };
    expect(retryDelaySeconds(3, 2, backoff, () => 0)).toBe(18);
    expect(retryDelaySeconds(3, 2, backoff, () => 0.5)).toBe(13.5);
  });
});

describe('jitter', () => {
  it('delays each interval trigger by a random amount below jitter', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const job = new RecordingJob({ name: 'jittery', interval: 10, jitter: 4 });
    job.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(job.times('execute', REFERENCE)).toEqual([12_000, 24_000]);
    await stopAndWait(job);
  });

  it('delays cron ticks and reports lateness against the jittered time', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    const job = new RecordingJob({ name: 'jittery-cron', cron: '0 * * * *', timezone: 'UTC', jitter: 60, misfire: 'skip' });
    job.start();
    await vi.advanceTimersByTimeAsync(2 * 3_600_000 + 20_000);
    expect(job.times('execute', REFERENCE)).toEqual([3_600_000 + 15_000, 7_200_000 + 15_000]);
    expect(job.calls.find((call) => call.hook === 'execute')?.run?.lateness).toBe(0);
    expect(job.skippedTicks).toBe(0);
    await stopAndWait(job);
  });
});

describe('pause, resume and triggerNow', () => {
  it('pause stops triggering without ending the worker; resume continues', async () => {
    const job = new RecordingJob({ name: 'pausable', interval: 1 });
    job.start();
    await vi.advanceTimersByTimeAsync(1_000);
    job.pause();
    expect(job.state).toBe('paused');
    expect(job.isRunning).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(job.count('execute')).toBe(1);
    job.resume();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(job.times('execute', REFERENCE)).toEqual([1_000, 12_000]);
    await stopAndWait(job);
  });

  it('pause during an execution lets it finish, then idles', async () => {
    const job = new RecordingJob({ name: 'pause-running', interval: 1 }, { executeMs: 500 });
    job.start();
    await vi.advanceTimersByTimeAsync(1_200);
    job.pause();
    expect(job.state).toBe('running');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(job.state).toBe('paused');
    expect(job.count('execute')).toBe(1);
    await stopAndWait(job);
  });

  it('triggerNow runs one counted trigger at once when sleeping, even when paused', async () => {
    const job = new RecordingJob({ name: 'manual', cron: '0 0 * * *', timezone: 'UTC' });
    job.start();
    await vi.advanceTimersByTimeAsync(0);
    job.triggerNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.times('execute', REFERENCE)).toEqual([0]);
    expect(job.calls[1]?.run?.reason).toBe('manual');
    expect(job.triggerCount).toBe(1);
    job.pause();
    job.triggerNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(job.count('execute')).toBe(2);
    expect(job.state).toBe('paused');
    await stopAndWait(job);
  });

  it('triggerNow during an execution runs right after it', async () => {
    const job = new RecordingJob({ name: 'queued-manual', interval: 60 }, { executeMs: 1_000 });
    job.start();
    await vi.advanceTimersByTimeAsync(60_500);
    job.triggerNow();
    await vi.advanceTimersByTimeAsync(500);
    expect(job.times('execute', REFERENCE)).toEqual([60_000, 61_000]);
    await stopAndWait(job);
  });

  it('refuse to act on a job that is not running', () => {
    const job = new RecordingJob({ name: 'not-running', interval: 1 });
    expect(() => job.pause()).toThrow(JobException);
    expect(() => job.resume()).toThrow(JobException);
    expect(() => job.triggerNow()).toThrow(/not running/);
  });
});
