import { describe, expect, it, vi } from 'vitest';
import { BaseJob } from '../../src/index.js';
import { FailureLog } from '../../src/job/failure-log.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { stopAndWait, useFakeTime } from '../helpers/fake-time.js';
import { failOnLeakedJobs } from '../helpers/recording-job.js';

/** A clock the test moves by hand. */
function manualClock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

const entries = (logger: CaptureLogger, event: string) => logger.events(event);

describe('FailureLog', () => {
  it('writes the first occurrences of one error in full, then one count per interval', () => {
    const clock = manualClock();
    const log = new FailureLog({ clock, fullRepeats: 3, intervalMs: 60_000 });
    const logger = new CaptureLogger();
    const written: boolean[] = [];
    // 1,000 failures, one every 100 ms: 100 s.
    for (let i = 0; i < 1_000; i++) {
      written.push(log.record(logger, 'execute', new Error('db is down'), 0));
      clock.advance(100);
    }
    expect(written.filter(Boolean)).toHaveLength(3);
    expect(written.slice(0, 3)).toEqual([true, true, true]);
    const full = entries(logger, 'error');
    expect(full).toHaveLength(3);
    expect(full[2]?.message).toContain('further repeats are counted');
    // The third full entry was at 200 ms: the first summary comes at the first failure 60 s later.
    const summaries = entries(logger, 'error-repeated');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.bindings).toMatchObject({ phase: 'execute', count: 600, since: 200, err: { type: 'Error', message: 'db is down' } });
    expect(summaries[0]?.level).toBe('error');
    log.flush(logger);
    const counts = entries(logger, 'error-repeated').map((entry) => entry.bindings.count as number);
    expect(3 + counts.reduce((a, b) => a + b, 0)).toBe(1_000);
    log.flush(logger);
    expect(entries(logger, 'error-repeated')).toHaveLength(2);
  });

  it('counts distinct errors and phases apart', () => {
    const log = new FailureLog({ clock: manualClock(), fullRepeats: 1 });
    const logger = new CaptureLogger();
    for (let i = 0; i < 5; i++) {
      log.record(logger, 'execute', new Error('a'), 0);
      log.record(logger, 'execute', new TypeError('a'), 0);
      log.record(logger, 'setup', new Error('a'), 0);
      log.record(logger, 'execute', new Error('b'), 0);
    }
    expect(entries(logger, 'error')).toHaveLength(4);
    log.flush(logger);
    expect(entries(logger, 'error-repeated').map((entry) => entry.bindings.count)).toEqual([4, 4, 4, 4]);
  });

  it('starts over in full after an interval without the error, writing the pending count first', () => {
    const clock = manualClock();
    const log = new FailureLog({ clock, fullRepeats: 1, intervalMs: 10_000 });
    const logger = new CaptureLogger();
    log.record(logger, 'execute', new Error('flaky'), 1);
    log.record(logger, 'execute', new Error('flaky'), 1);
    clock.advance(10_000);
    expect(log.record(logger, 'execute', new Error('flaky'), 1)).toBe(true);
    expect(logger.entries.map((entry) => [entry.bindings.event, entry.bindings.count])).toEqual([
      ['error', undefined],
      ['error-repeated', 1],
      ['error', undefined],
    ]);
  });

  it('caps the message and the stack, keeping the class and its own properties', () => {
    class ThreadFailure extends Error {
      readonly exitCode = 4;
    }
    const huge = new ThreadFailure(`boom ${'x'.repeat(10_000)}`, { cause: new Error('root') });
    huge.name = 'ThreadFailure';
    huge.stack = `ThreadFailure: ${huge.message}\n${Array.from({ length: 100 }, (_, i) => `    at frame${i} (/app/file.js:${i}:1)`).join('\n')}`;
    const log = new FailureLog({ maxMessageChars: 100, maxStackLines: 5 });
    const bounded = log.bound(huge);
    expect(bounded).toBeInstanceOf(ThreadFailure);
    expect(bounded).not.toBe(huge);
    expect((bounded as ThreadFailure).exitCode).toBe(4);
    expect((bounded.cause as Error).message).toBe('root');
    expect(bounded.message).toBe(`boom ${'x'.repeat(95)}… (9905 more characters)`);
    const lines = (bounded.stack as string).split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(`ThreadFailure: ${bounded.message}`);
    expect(lines[5]).toBe('    at frame4 (/app/file.js:4:1)');
    expect(lines[6]).toBe('    ... 95 more frame(s)');
    expect(huge.message).toHaveLength(10_005);
  });

  it('passes an error within the caps as it is, and shows control characters of the message line as escapes', () => {
    const log = new FailureLog();
    const error = new Error('bad\u001b[2J\rname\nsecond line');
    expect(log.bound(error)).toBe(error);
    const logger = new CaptureLogger();
    log.record(logger, 'setup', error, 5);
    const [entry] = entries(logger, 'error');
    expect(entry?.bindings.err).toBe(error);
    expect(entry?.message).toBe('job setup failed: bad\\u001b[2J\\u000dname\\nsecond line');
  });
});

describe('a job that throws at once, over and over', () => {
  failOnLeakedJobs();
  useFakeTime();

  class AlwaysFails extends BaseJob {
    execute(): void {
      throw new Error(`upstream refused: ${'detail '.repeat(1_500)}`);
    }
  }

  it('writes a bounded log: three failures in full, then a count per minute', async () => {
    const logger = new CaptureLogger();
    const job = new AlwaysFails({ name: 'always-fails', interval: 0, retryWait: 0.05, logger });
    job.start();
    await vi.advanceTimersByTimeAsync(150_000);
    await stopAndWait(job);
    const failures = job.triggerCount;
    expect(failures).toBeGreaterThan(2_000);
    const full = logger.events('error');
    expect(full).toHaveLength(3);
    expect((full[0]?.bindings.err as Error).message.length).toBeLessThan(2_100);
    expect(logger.events('retry-wait')).toHaveLength(3);
    const summaries = logger.events('error-repeated');
    expect(summaries.length).toBe(3); // at 60 s, at 120 s, and at the stop
    expect(3 + summaries.reduce((sum, entry) => sum + (entry.bindings.count as number), 0)).toBe(failures);
  });
});
