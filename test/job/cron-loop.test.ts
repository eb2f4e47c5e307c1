import { describe, expect, it, vi } from 'vitest';
import { BaseJob, type RunContext } from '../../src/index.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { REFERENCE, SECOND, MINUTE, HOUR, stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';

failOnLeakedJobs();
useFakeTime();

describe('a cron job', () => {
  it('triggers on each tick of its schedule, in its time zone', async () => {
    const job = new RecordingJob({ name: 'hourly-berlin', cron: '30 * * * *', timezone: 'Europe/Berlin' });
    job.start();
    await vi.advanceTimersByTimeAsync(3 * HOUR);
    expect(job.times('execute', REFERENCE)).toEqual([30 * MINUTE, 90 * MINUTE, 150 * MINUTE]);
    const run = job.calls.find((call) => call.hook === 'execute')?.run;
    expect(run?.reason).toBe('schedule');
    expect(run?.scheduledAt?.toISOString()).toBe('2026-01-05T12:30:00.000Z');
    expect(job.nextRunAt?.toISOString()).toBe('2026-01-05T15:30:00.000Z');
    await stopAndWait(job);
  });

  it('fires a yearly cron at its instant despite the timer limit', async () => {
    const job = new RecordingJob({ name: 'yearly', cron: '0 0 1 3 *', timezone: 'UTC' });
    job.start();
    const march = Date.UTC(2026, 2, 1);
    await vi.advanceTimersByTimeAsync(march - REFERENCE - 1);
    expect(job.count('execute')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(job.times('execute', 0)).toEqual([march]);
    await stopAndWait(job);
  });

  it('never fires before its time when the wall clock steps backwards, nor repeats a tick', async () => {
    const job = new RecordingJob({ name: 'rewind', cron: '0 * * * *', timezone: 'UTC' });
    job.start();
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(job.times('execute', REFERENCE)).toEqual([HOUR]);
    vi.setSystemTime(REFERENCE + 30 * MINUTE); // the clock steps back 30 minutes
    await vi.advanceTimersByTimeAsync(HOUR);
    // Wall clock is now REFERENCE + 90 min: the 13:00 tick must not run again.
    expect(job.times('execute', REFERENCE)).toEqual([HOUR]);
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(job.times('execute', REFERENCE)).toEqual([HOUR, 2 * HOUR]);
    await stopAndWait(job);
  });

  it('treats a forward clock jump as missed ticks under the misfire policy', async () => {
    const job = new RecordingJob({ name: 'jump', cron: '0 * * * *', timezone: 'UTC', misfire: 'once' });
    job.start();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    vi.setSystemTime(REFERENCE + 5 * HOUR + 10 * MINUTE); // suspend or step: 5 ticks passed
    await vi.advanceTimersByTimeAsync(MINUTE);
    const runs = job.calls.filter((call) => call.hook === 'execute').map((call) => call.run);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.reason).toBe('catch-up');
    expect(runs[0]?.scheduledAt?.getTime()).toBe(REFERENCE + 5 * HOUR);
    expect(runs[0]?.lateness).toBeGreaterThanOrEqual(10 * 60);
    expect(job.missedTicks).toBe(4);
    expect(job.capture.events('missed')[0]?.bindings).toMatchObject({ job: 'jump', count: 4 });
    await stopAndWait(job);
  });

  it('skips every missed tick with misfire skip after a suspend', async () => {
    const job = new RecordingJob({ name: 'skipper', cron: '0 0 * * *', timezone: 'UTC', misfire: 'skip' });
    job.start();
    vi.setSystemTime(REFERENCE + 30 * HOUR); // slept past midnight
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(job.count('execute')).toBe(0);
    expect(job.skippedTicks).toBe(1);
    await vi.advanceTimersByTimeAsync(12 * HOUR);
    expect(job.count('execute')).toBe(1);
    await stopAndWait(job);
  });

  it('drops missed ticks older than misfireGrace', async () => {
    const job = new RecordingJob({ name: 'grace', cron: '0 * * * *', timezone: 'UTC', misfire: 'all', misfireGrace: 90 * 60 });
    job.start();
    vi.setSystemTime(REFERENCE + 4 * HOUR + 30 * MINUTE);
    await vi.advanceTimersByTimeAsync(MINUTE);
    const ticks = job.calls.filter((call) => call.hook === 'execute').map((call) => call.run?.scheduledAt?.getTime());
    expect(ticks).toEqual([REFERENCE + 3 * HOUR, REFERENCE + 4 * HOUR]);
    expect(job.missedTicks).toBe(2);
    await stopAndWait(job);
  });

  describe('with a one-second cron and executions of 2.5 s', () => {
    async function starts(misfire: 'once' | 'all' | 'skip', maxCatchUp = 100): Promise<number[]> {
      const job = new RecordingJob({ name: `overlap-${misfire}`, cron: '* * * * * *', misfire, maxCatchUp, triggerOnStart: true }, { executeMs: 2_500 });
      job.start();
      await vi.advanceTimersByTimeAsync(11_000);
      const times = job.times('execute', REFERENCE);
      await stopAndWait(job);
      return times;
    }

    it("starts at 0, 3, 6, 9 with 'skip', never two at once", async () => {
      expect((await starts('skip')).slice(0, 4)).toEqual([0, 3_000, 6_000, 9_000]);
    });

    it("runs the newest missed tick late with 'once'", async () => {
      expect((await starts('once')).slice(0, 4)).toEqual([0, 2_500, 5_000, 7_500]);
    });

    it("runs every missed tick in order with 'all', back to back", async () => {
      expect((await starts('all')).slice(0, 4)).toEqual([0, 2_500, 5_000, 7_500]);
    });
  });

  it("runs each missed tick, oldest first, with 'all' after a stall, capped by maxCatchUp", async () => {
    const job = new RecordingJob({ name: 'catch-up', cron: '*/10 * * * *', timezone: 'UTC', misfire: 'all', maxCatchUp: 3 });
    job.start();
    vi.setSystemTime(REFERENCE + HOUR + MINUTE); // 6 ticks missed
    await vi.advanceTimersByTimeAsync(MINUTE);
    const ticks = job.calls.filter((call) => call.hook === 'execute').map((call) => call.run?.scheduledAt?.getTime());
    expect(ticks).toEqual([REFERENCE + 40 * MINUTE, REFERENCE + 50 * MINUTE, REFERENCE + 60 * MINUTE]);
    expect(job.missedTicks).toBe(3);
    expect(job.capture.events('catch-up-capped')).toHaveLength(1);
    await stopAndWait(job);
  });
});

/** A cron job whose `execute` returns without a promise, running `onExecute`. */
class SyncJob extends BaseJob {
  readonly runs: RunContext[] = [];
  readonly capture: CaptureLogger;
  onExecute: () => void = () => {};

  constructor(name: string) {
    const capture = new CaptureLogger();
    super({ name, cron: '* * * * * *', logger: capture });
    this.capture = capture;
  }

  execute(_signal: AbortSignal, run: RunContext): void {
    this.runs.push(run);
    this.onExecute();
  }
}

async function stopAll(jobs: readonly BaseJob[]): Promise<void> {
  for (const job of jobs) job.requestStop();
  const done = Promise.all(jobs.map((job) => job.waitUntilDone()));
  await vi.runOnlyPendingTimersAsync();
  await done;
}

describe('cron jobs due on the same tick', () => {
  it('all start before any of them sleeps again, then each sleeps for its next tick', async () => {
    const jobs = ['a', 'b', 'c'].map((name) => new SyncJob(`same-tick-${name}`));
    const seen: string[][] = [];
    for (const job of jobs) job.onExecute = () => seen.push(jobs.map((each) => each.state));
    for (const job of jobs) job.start();
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(seen).toEqual([
      ['running', 'sleeping', 'sleeping'],
      ['running', 'running', 'sleeping'],
      ['running', 'running', 'running'],
    ]);
    expect(jobs.map((job) => job.state)).toEqual(['sleeping', 'sleeping', 'sleeping']);
    expect(jobs.map((job) => job.nextRunAt?.getTime())).toEqual([1, 2, 3].map(() => REFERENCE + 2 * SECOND));
    expect(jobs.map((job) => job.lastRun)).toEqual([1, 2, 3].map(() => ({ start: new Date(REFERENCE + SECOND), end: new Date(REFERENCE + SECOND), error: null })));
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    for (const job of jobs) {
      expect(job.runs.map((run) => [run.trigger, run.reason, run.scheduledAt?.getTime(), run.lateness])).toEqual([
        [1, 'schedule', REFERENCE + SECOND, 0],
        [2, 'schedule', REFERENCE + 2 * SECOND, 0],
        [3, 'schedule', REFERENCE + 3 * SECOND, 0],
      ]);
    }
    await stopAll(jobs);
  });

  it('honour a stop or a trigger that another job requests while they run', async () => {
    const [stopped, triggered, actor] = ['stopped', 'triggered', 'actor'].map((name) => new SyncJob(`in-wake-${name}`)) as [SyncJob, SyncJob, SyncJob];
    const shutdowns: string[] = [];
    stopped.shutdown = () => void shutdowns.push(stopped.name);
    actor.onExecute = () => {
      if (actor.runs.length !== 1) return;
      stopped.requestStop(); // both already ran on this tick
      triggered.triggerNow();
    };
    for (const job of [stopped, triggered, actor]) job.start();
    await vi.advanceTimersByTimeAsync(SECOND);
    const done = stopped.waitUntilDone(0);
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(stopped.state).toBe('stopped');
    expect(shutdowns).toEqual([stopped.name]);
    expect(triggered.runs.map((run) => [run.reason, run.startedAt.getTime()])).toEqual([
      ['schedule', REFERENCE + SECOND],
      ['manual', REFERENCE + SECOND],
    ]);
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(stopped.runs).toHaveLength(1);
    expect(triggered.runs.map((run) => run.reason)).toEqual(['schedule', 'manual', 'schedule']);
    expect(actor.runs).toHaveLength(2);
    await stopAll([triggered, actor]);
  });

  it('take the retry path when a synchronous execute throws', async () => {
    const job = new SyncJob('throws-in-wake');
    job.onExecute = () => {
      throw new Error('boom');
    };
    job.start();
    await vi.advanceTimersByTimeAsync(SECOND);
    expect(job.state).toBe('retrying');
    expect(job.lastRun?.error?.message).toBe('boom');
    expect(job.capture.events('error')[0]?.bindings).toMatchObject({ job: 'throws-in-wake', phase: 'execute', retryIn: 10 });
    await stopAll([job]);
  });
});
