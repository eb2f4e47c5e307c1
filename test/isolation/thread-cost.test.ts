/**
 * What a thread costs: start time (spawn to setup done) and resident memory per worker,
 * over 10 threads. The figures are printed for docs/guide/isolation.md; the bounds are
 * generous (under vitest each worker also loads tsx to compile TypeScript).
 */
import { describe, expect, it } from 'vitest';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { IdleJob } from './fixtures/thread-jobs.js';
import { delay, quantile, until } from './helpers.js';

const THREADS = 10;
const MB = 1024 * 1024;

describe('the cost of a thread', () => {
  it(`start time and memory over ${THREADS} threads`, async () => {
    const capture = new CaptureLogger();
    const jobs = Array.from({ length: THREADS }, (_, i) => new IdleJob({ name: `idle-${i}`, interval: 3600, isolation: 'thread', logger: capture }));
    await delay(200);
    const rssBefore = process.memoryUsage().rss;
    const startMs: number[] = [];
    for (const job of jobs) {
      const wallStart = performance.now();
      job.start();
      await until(() => job.state === 'sleeping', 15_000, `${job.name} to be set up`);
      const ready = capture.events('thread-ready').find((entry) => entry.bindings.job === job.name);
      startMs.push((ready?.bindings.startMs as number | undefined) ?? performance.now() - wallStart);
    }
    await delay(500);
    const rssAfter = process.memoryUsage().rss;
    const perThreadMb = (rssAfter - rssBefore) / MB / THREADS;

    for (const job of jobs) job.requestStop();
    await Promise.all(jobs.map((job) => job.waitUntilDone(10)));
    expect(capture.events('thread-exit')).toHaveLength(THREADS);

    const [first, ...warm] = startMs;
    console.log(
      `thread start (spawn -> setup done), ${THREADS} threads: first ${first} ms, then median ${quantile(warm, 0.5)} ms, max ${Math.max(...warm)} ms; ` +
        `RSS +${perThreadMb.toFixed(1)} MB per thread (${((rssAfter - rssBefore) / MB).toFixed(0)} MB for ${THREADS})`,
    );
    expect(quantile(warm, 0.5)).toBeLessThan(5_000);
    expect(perThreadMb).toBeGreaterThan(0);
    expect(perThreadMb).toBeLessThan(150);
  }, 60_000);
});
