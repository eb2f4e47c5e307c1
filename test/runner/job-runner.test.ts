import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobRunner, type RunnerState } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { failOnLeakedJobs, RecordingJob } from '../helpers/recording-job.js';

const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);

failOnLeakedJobs();

/** A MemoryStore that survives `close()`, to restart a runner on the same data. */
class DurableMemoryStore extends MemoryStore {
  override async close(): Promise<void> {}
}

let logger: CaptureLogger;

beforeEach(() => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  logger = new CaptureLogger();
});

afterEach(() => {
  vi.useRealTimers();
});

function runner(options: ConstructorParameters<typeof JobRunner>[0] = {}): JobRunner {
  return new JobRunner({ logger, pollInterval: 1, ...options });
}

async function stop(target: JobRunner, timeout?: number) {
  const report = target.stop(timeout === undefined ? {} : { timeout });
  await vi.advanceTimersByTimeAsync((timeout ?? 30) * 1000 + 1);
  return report;
}

describe('JobRunner.add', () => {
  it('refuses two jobs with one name, in one call or across calls, adding none of the call', () => {
    const target = runner();
    target.add(new RecordingJob({ name: 'a', interval: 1 }));
    expect(() => target.add(new RecordingJob({ name: 'b', interval: 1 }), new RecordingJob({ name: 'b', interval: 2 }))).toThrow(
      'JobRunner.add(): a job named "b" is already added; job names must be unique within a runner',
    );
    expect(() => target.add(new RecordingJob({ name: 'c', interval: 1 }), new RecordingJob({ name: 'a', interval: 1 }))).toThrow('a job named "a"');
    expect(target.jobs.map((job) => job.name)).toEqual(['a']);
  });

  it('refuses what is not a job, naming the argument', () => {
    const target = runner();
    expect(() => target.add({ name: 'x' } as never)).toThrow('JobRunner.add(): argument 1 is not a job (a BaseJob instance), got Object');
  });

  it('refuses a job already running on its own', async () => {
    const job = new RecordingJob({ name: 'alone', interval: 1 });
    job.start();
    expect(() => runner().add(job)).toThrow('job "alone" is already running on its own');
    job.requestStop();
    await vi.advanceTimersByTimeAsync(0);
  });

  it('finds jobs by name', () => {
    const job = new RecordingJob({ name: 'a', interval: 1 });
    const target = runner().add(job);
    expect(target.get('a')).toBe(job);
    expect(target.get('nope')).toBeUndefined();
  });
});

describe('JobRunner options', () => {
  it('names a bad option and its value', () => {
    expect(() => new JobRunner({ leaseTtl: 0 })).toThrow('JobRunner option "leaseTtl" must be a finite number of seconds > 0, got 0');
    expect(() => new JobRunner({ retention: 1.5 })).toThrow('JobRunner option "retention" must be an integer >= 1, got 1.5');
    expect(() => new JobRunner({ owner: ' ' })).toThrow('JobRunner option "owner" must be a non-empty string, got " "');
    expect(() => new JobRunner({ owner: 'host\u001b[2J' })).toThrow(/JobRunner option "owner" must not contain control characters \(U\+001B at index 4\), got "host\\u001b\[2J"/);
    expect(() => new JobRunner({ store: {} as never })).toThrow('JobRunner option "store" must implement JobStore');
    expect(() => new JobRunner({ shutdownTimeout: -1 })).toThrow('"shutdownTimeout" must be a finite number of seconds >= 0, got -1');
    expect(() => new JobRunner({ claimAhead: Number.NaN })).toThrow('JobRunner option "claimAhead" must be a finite number of seconds >= 0, got NaN');
  });

  it('claims cron ticks claimAhead seconds before they are due (0.25 by default), and starts them on time', async () => {
    for (const [claimAhead, expectedLead] of [[undefined, 250], [0.6, 600], [0, 0]] as const) {
      const store = new MemoryStore();
      const claimedAt: number[] = [];
      const claimRuns = store.claimRuns.bind(store);
      vi.spyOn(store, 'claimRuns').mockImplementation((requests) => {
        claimedAt.push(Date.now());
        return claimRuns(requests);
      });
      const target = runner({ store, ...(claimAhead === undefined ? {} : { claimAhead }) });
      const job = new RecordingJob({ name: 'ticking', cron: '*/10 * * * * *' });
      target.add(job);
      await target.start();
      const tick = Date.now() + 10_000 - (Date.now() % 10_000);
      await vi.advanceTimersByTimeAsync(tick - Date.now());
      expect(claimedAt).toEqual([tick - expectedLead]);
      const [execution] = job.calls.filter((call) => call.hook === 'execute');
      expect(execution?.at).toBe(tick);
      expect(execution?.run?.runId).toBe((await store.listRuns({ job: 'ticking' }))[0]?.id);
      await stop(target);
    }
  });
});

describe('JobRunner lifecycle', () => {
  it('starts every job, records their runs in the store, and stops them all', async () => {
    const store = new MemoryStore();
    const target = runner({ store });
    const states: RunnerState[] = [target.status().state];
    target.add(new RecordingJob({ name: 'fast', interval: 1 }), new RecordingJob({ name: 'ticking', cron: '* * * * * *' }));
    const started = target.start();
    states.push(target.status().state);
    await started;
    states.push(target.status().state);
    expect(target.status()).toMatchObject({ started: true, store: 'memory', startedAt: REFERENCE, jobs: 2 });
    await vi.advanceTimersByTimeAsync(3_500);
    const runs = await store.listRuns();
    expect(runs.filter((run) => run.job === 'fast').map((run) => run.status)).toEqual(['ok', 'ok', 'ok']);
    expect(runs.filter((run) => run.job === 'ticking').map((run) => run.tickAt)).toEqual([REFERENCE + 3000, REFERENCE + 2000, REFERENCE + 1000]);
    const report = await stop(target);
    states.push(target.status().state);
    expect(report).toEqual({ stopped: ['fast', 'ticking'], notStopped: [] });
    expect(states).toEqual(['idle', 'starting', 'running', 'stopped']);
    await expect(store.ping()).rejects.toThrow('closed');
  });

  it('emits typed events for states, runs and the runner', async () => {
    const target = runner();
    const seen: string[] = [];
    target.on('runner:start', ({ jobs }) => seen.push(`runner:start ${jobs.join(',')}`));
    target.on('job:state', ({ job, state }) => seen.push(`${job} ${state}`));
    target.on('run:start', ({ job, run, context }) => seen.push(`${job} run:start #${run.trigger} ${context.reason}`));
    target.on('run:end', ({ job, run }) => seen.push(`${job} run:end ${run.status}`));
    target.on('runner:stop', ({ stopped }) => seen.push(`runner:stop ${stopped.join(',')}`));
    target.add(new RecordingJob({ name: 'a', interval: 1 }));
    await target.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await stop(target);
    expect(seen).toEqual([
      'a starting',
      'runner:start a',
      'a sleeping',
      'a running',
      'a run:start #1 schedule',
      'a run:end ok',
      'a sleeping',
      'a stopping',
      'a stopped',
      'runner:stop a',
    ]);
  });

  it('names the jobs that did not stop within the timeout', async () => {
    const target = runner();
    target.add(
      new RecordingJob({ name: 'stubborn', interval: 1 }, { executeMs: 60_000, ignoreSignal: true }),
      new RecordingJob({ name: 'polite', interval: 1 }, { executeMs: 60_000 }),
    );
    await target.start();
    await vi.advanceTimersByTimeAsync(1_500);
    const report = await stop(target, 2);
    expect(report).toEqual({ stopped: ['polite'], notStopped: ['stubborn'] });
    expect(logger.entries.some((entry) => entry.message === 'runner stopped; still running: stubborn')).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
  });

  it('keeps the other jobs running on schedule when one job fails every time', async () => {
    const store = new MemoryStore();
    const target = runner({ store });
    const failing = new RecordingJob({ name: 'failing', interval: 1, retryWait: 1 }, { failExecute: true });
    const healthy = new RecordingJob({ name: 'healthy', interval: 1 });
    target.add(failing, healthy);
    await target.start();
    await vi.advanceTimersByTimeAsync(10_500);
    expect(healthy.count('execute')).toBe(10);
    expect(healthy.times('execute', REFERENCE)).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
    const failed = (await store.listRuns({ job: 'failing' })).map((run) => run.status);
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(new Set(failed)).toEqual(new Set(['failed']));
    expect(target.recentRuns.failures24h('failing')).toBe(failed.length);
    await stop(target);
  });

  it('isolates a listener that throws', async () => {
    const target = runner();
    target.on('run:end', () => {
      throw new Error('listener bug');
    });
    const job = new RecordingJob({ name: 'a', interval: 1 });
    target.add(job);
    await target.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(job.count('execute')).toBe(2);
    expect(logger.events('listener-error')).toHaveLength(2);
    await stop(target);
  });

  it('starts a job added after start', async () => {
    const target = runner();
    await target.start();
    const late = new RecordingJob({ name: 'late', interval: 1 });
    target.add(late);
    expect(late.isRunning).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(late.count('execute')).toBe(1);
    await stop(target);
    expect(() => target.add(new RecordingJob({ name: 'too-late', interval: 1 }))).toThrow('the runner is stopped');
  });

  it('starts once', async () => {
    const target = runner();
    await target.start();
    await expect(target.start()).rejects.toThrow('JobRunner.start(): the runner is running; a runner starts once');
    await stop(target);
    await expect(target.start()).rejects.toThrow('the runner is stopped');
  });

  it('can be started again after the store failed to open', async () => {
    const store = new MemoryStore();
    let failures = 1;
    const open = store.open.bind(store);
    store.open = async () => {
      if (failures-- > 0) throw new Error('disk on fire');
      return open();
    };
    const target = runner({ store });
    await expect(target.start()).rejects.toThrow('disk on fire');
    expect(target.status().state).toBe('idle');
    await target.start();
    expect(target.status().started).toBe(true);
    await stop(target);
  });

  it('supports await using', async () => {
    const job = new RecordingJob({ name: 'scoped', interval: 1 });
    {
      await using target = runner();
      target.add(job);
      await target.start();
      expect(job.isRunning).toBe(true);
    }
    expect(job.isRunning).toBe(false);
  });

  it('returns the same report to every stop() call', async () => {
    const target = runner().add(new RecordingJob({ name: 'a', interval: 1 }));
    await target.start();
    const first = target.stop();
    const second = target.stop();
    expect(second).toBe(first);
    await vi.advanceTimersByTimeAsync(0);
    expect(await first).toEqual({ stopped: ['a'], notStopped: [] });
  });
});

describe('JobRunner over a persistent store', () => {
  it('continues trigger counts after a restart', async () => {
    const store = new DurableMemoryStore();
    const first = runner({ store }).add(new RecordingJob({ name: 'counted', interval: 1 }));
    await first.start();
    await vi.advanceTimersByTimeAsync(3_000);
    await stop(first);
    const job = new RecordingJob({ name: 'counted', interval: 1 });
    const second = runner({ store }).add(job);
    await second.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(job.triggerCount).toBe(5);
    expect((await store.listRuns({ job: 'counted' })).map((run) => run.trigger)).toEqual([5, 4, 3, 2, 1]);
    await stop(second);
  });

  it("marks runs left running by this owner's previous process as interrupted at start", async () => {
    const store = new DurableMemoryStore();
    await store.open();
    await store.claimRun({ job: 'crashed', owner: 'me', tickAt: null, startedAt: REFERENCE - 5_000, leaseMs: 60_000 });
    const target = runner({ store, owner: 'me' });
    await target.start();
    const [run] = await store.listRuns({ job: 'crashed' });
    expect(run?.status).toBe('interrupted');
    expect(logger.events('interrupted-runs')[0]?.bindings.count).toBe(1);
    await stop(target);
  });

  it('stops a job at once while it waits for a finish the store keeps failing (the write is given up at the timeout)', async () => {
    class FailingFinishes extends MemoryStore {
      override finishRuns(): Promise<boolean[]> {
        return Promise.reject(new Error('store down'));
      }
    }
    const job = new RecordingJob({ name: 'j', interval: 0.1 });
    const target = runner({ store: new FailingFinishes() }).add(job);
    await target.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(job.count('execute')).toBe(1);
    const askedAt = Date.now();
    let stoppedAt = Number.NaN;
    void job.waitUntilDone().then(() => (stoppedAt = Date.now()));
    const report = await stop(target, 3);
    expect(report.notStopped).toEqual([]);
    expect(stoppedAt - askedAt).toBe(0);
    expect(logger.events('drain-timeout')).toHaveLength(1);
  });

  it('prunes each job to `retention` runs as it goes', async () => {
    const store = new MemoryStore();
    const target = runner({ store, retention: 5 }).add(new RecordingJob({ name: 'busy', interval: 0.1 }));
    await target.start();
    await vi.advanceTimersByTimeAsync(10_000);
    const kept = await store.listRuns({ job: 'busy', limit: 1000 });
    expect(kept.length).toBeLessThanOrEqual(5 + 50);
    expect(kept[0]?.trigger).toBeGreaterThanOrEqual(99);
    await stop(target);
  });
});
