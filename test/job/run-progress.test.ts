import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BaseJob, type JobConfig } from '../../src/index.js';
import { RunContext, type RunSink } from '../../src/job/run-context.js';
import { runLogLine } from '../../src/job/run-logger.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import type { RunProgress } from '../../src/store/job-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { REFERENCE } from '../helpers/fake-time.js';
import { failOnLeakedJobs } from '../helpers/recording-job.js';

failOnLeakedJobs();

/** A sink that keeps what it is given. */
function recordingSink(): RunSink & { progress: RunProgress[]; lines: string[]; capture: CaptureLogger } {
  const capture = new CaptureLogger();
  const progress: RunProgress[] = [];
  const lines: string[] = [];
  return {
    logger: capture,
    clock: { now: () => REFERENCE },
    reportProgress: (_runId, value) => progress.push(value),
    reportLine: (_runId, line) => lines.push(line),
    progress,
    lines,
    capture,
  };
}

describe('run.progress()', () => {
  it('hands the progress to the sink synchronously and keeps it on the context', () => {
    const sink = recordingSink();
    const run = new RunContext(1, 'manual', null, REFERENCE, '7', 1, sink);
    expect(run.currentProgress).toBeNull();
    run.progress(0.5, 'half way');
    run.progress(1);
    expect(sink.progress).toEqual([
      { fraction: 0.5, message: 'half way', updatedAt: REFERENCE },
      { fraction: 1, message: null, updatedAt: REFERENCE },
    ]);
    expect(run.currentProgress).toEqual({ fraction: 1, message: null, updatedAt: REFERENCE });
  });

  it('refuses a fraction that is not a finite number from 0 to 1 with a RangeError naming the value', () => {
    const run = new RunContext(1, 'manual', null, REFERENCE, '7', 1, recordingSink());
    expect(() => run.progress(1.01)).toThrow(new RangeError('run.progress() fraction must be a finite number from 0 to 1, got 1.01'));
    expect(() => run.progress(-0.1)).toThrow(RangeError);
    expect(() => run.progress(Number.NaN)).toThrow('got NaN');
    expect(() => run.progress(Number.POSITIVE_INFINITY)).toThrow('got Infinity');
    expect(() => run.progress('0.5' as unknown as number)).toThrow('got "0.5"');
    expect(() => run.progress(0.5, 42 as unknown as string)).toThrow(new TypeError('run.progress() message must be a string or null, got 42'));
    expect(run.currentProgress).toBeNull();
  });

  it('keeps a message to one line of 200 characters with control characters escaped', () => {
    const run = new RunContext(1, 'manual', null, REFERENCE, null, null, recordingSink());
    run.progress(0.1, 'a\u001b[2Jb\nc');
    expect(run.currentProgress?.message).toBe('a\\e[2Jb\\nc');
    run.progress(0.2, 'x'.repeat(1_000));
    expect(run.currentProgress?.message).toBe(`${'x'.repeat(199)}…`);
  });
});

describe('run.logger', () => {
  it('writes through the job logger and hands each entry to the sink as one line', () => {
    const sink = recordingSink();
    const run = new RunContext(1, 'manual', null, REFERENCE, '7', 1, sink);
    run.logger.info('copied 3 files');
    run.logger.child({ part: 2 }).warn({ rows: 10 }, 'slow part');
    run.logger.error(new Error('boom'));
    expect(sink.capture.entries.map((entry) => [entry.level, entry.message])).toEqual([
      ['info', 'copied 3 files'],
      ['warn', 'slow part'],
      ['error', undefined],
    ]);
    expect(sink.capture.entries[1]?.bindings).toMatchObject({ part: 2, rows: 10 });
    expect(sink.lines).toEqual(['12:00:00.000 INFO copied 3 files', '12:00:00.000 WARN slow part {"rows":10}', '12:00:00.000 ERROR boom']);
  });

  it('writes no line for a level the job logger does not write', () => {
    const sink = recordingSink();
    const quiet = Object.assign(sink.capture, { isLevelEnabled: (level: string) => level !== 'debug' });
    const run = new RunContext(1, 'manual', null, REFERENCE, '7', 1, { ...sink, logger: quiet });
    run.logger.debug('hidden');
    run.logger.info('shown');
    expect(sink.lines).toEqual(['12:00:00.000 INFO shown']);
  });

  it('formats fields that cannot be JSON without throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(runLogLine(REFERENCE, 'info', [circular, 'cyclic'])).toBe('12:00:00.000 INFO cyclic {…}');
  });
});

class ProgressJob extends BaseJob {
  constructor(config: JobConfig) {
    super({ logger: new CaptureLogger(), ...config });
  }

  async execute(_signal: AbortSignal, run: RunContext): Promise<void> {
    run.logger.info('starting');
    for (let i = 1; i <= 4; i++) {
      run.progress(i / 4, `step ${i} of 4`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    run.logger.info('done');
  }
}

describe('progress and log under a runner', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores the throttled progress while running and the last progress and the log at the end', async () => {
    const store = new MemoryStore();
    const runner = new JobRunner({ store, logger: new CaptureLogger(), pollInterval: 1 });
    const seen: number[] = [];
    runner.on('run:progress', ({ progress }) => seen.push(progress.fraction));
    runner.add(new ProgressJob({ name: 'progress', interval: 3_600, triggerOnStart: true }));
    await runner.start();
    await vi.advanceTimersByTimeAsync(500);
    const [running] = await store.listRuns({ job: 'progress' });
    expect(running).toMatchObject({ status: 'running', progress: { fraction: 0.25, message: 'step 1 of 4' } });
    await vi.advanceTimersByTimeAsync(1_200);
    const [ended] = await store.listRuns({ job: 'progress' });
    expect(ended).toMatchObject({ status: 'ok', progress: { fraction: 1, message: 'step 4 of 4' } });
    // 4 reports in 1.6 s: the first at once, one a second, the last at the end.
    expect(seen).toEqual([0.25, 0.75, 1]);
    const log = await store.readRunLog(ended?.id as string);
    expect(log?.lines.map((line) => line.slice(13))).toEqual(['INFO starting', 'INFO done']);
    const stopping = runner.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
  });
});
