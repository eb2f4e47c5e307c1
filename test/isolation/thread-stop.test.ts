/**
 * Stopping a thread-isolated job while it executes: the abort reaches the worker's signal;
 * a worker that ignores it is terminated after `stopGrace` and the execution is recorded as
 * interrupted. `timeout` aborts the worker's signal as for inline jobs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BaseJob } from '../../src/index.js';
import { JobThreadError } from '../../src/isolation/job-thread-error.js';
import { sharedTimerQueue } from '../../src/time/timer-queue.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { StuckJob } from './fixtures/thread-jobs.js';
import { until } from './helpers.js';

let jobs: BaseJob[] = [];

afterEach(async () => {
  for (const job of jobs) job.requestStop();
  await Promise.all(jobs.map((job) => job.waitUntilDone(10)));
  jobs = [];
  expect(sharedTimerQueue.size, 'timer entries left queued').toBe(0);
});

function stuck(mode: 'honour' | 'ignore-async' | 'ignore-busy', extra: { stopGrace?: number; timeout?: number; hangShutdown?: boolean } = {}): { job: StuckJob; capture: CaptureLogger } {
  const capture = new CaptureLogger();
  const job = new StuckJob({ name: `stuck-${mode}`, mode, interval: 60, triggerOnStart: true, retryWait: 0.2, isolation: 'thread', logger: capture, ...extra });
  jobs.push(job);
  return { job, capture };
}

/** Starts the job, waits until its execution runs in the worker, stops it; returns the stop time in ms. */
async function stopWhileBusy(job: StuckJob, capture: CaptureLogger): Promise<number> {
  job.start();
  await until(() => capture.events('fixture-execute').length > 0 && job.state === 'running', 15_000, 'the execution to begin');
  const stopAt = performance.now();
  job.requestStop();
  await job.waitUntilDone(10);
  return performance.now() - stopAt;
}

describe('stopping a thread-isolated job while it executes', () => {
  it('a job that honours its signal is aborted cooperatively and shuts down in its worker', async () => {
    const { job, capture } = stuck('honour');
    const stopMs = await stopWhileBusy(job, capture);
    console.log(`cooperative stop of a busy thread job: ${stopMs.toFixed(0)} ms`);
    expect(stopMs).toBeLessThan(1_000);
    // The worker's own signal aborted with the main reason's message.
    const [abort] = capture.events('fixture-abort');
    expect(abort?.bindings).toMatchObject({ job: 'stuck-honour', reason: 'Job "stuck-honour": stop requested', reasonName: 'JobException' });
    // The execution rejected in the worker (timers/promises: an AbortError caused by the
    // reason); the error and its cause crossed back and the run is recorded as interrupted.
    const [interrupted] = capture.events('interrupted');
    const error = interrupted?.bindings.err as Error;
    expect(error).toBe(job.lastRun?.error);
    expect(error.name).toBe('AbortError');
    expect((error.cause as Error).message).toBe('Job "stuck-honour": stop requested');
    expect(capture.events('fixture-shutdown')).toHaveLength(1);
    expect(capture.events('thread-exit')).toHaveLength(1);
    expect(capture.events('error')).toHaveLength(0);
  });

  it.each(['ignore-async', 'ignore-busy'] as const)('a job that ignores its signal (%s) is terminated after stopGrace', async (mode) => {
    const { job, capture } = stuck(mode, { stopGrace: 0.5 });
    const stopMs = await stopWhileBusy(job, capture);
    console.log(`stop of a thread job that ignores its signal (${mode}, stopGrace 0.5 s): ${stopMs.toFixed(0)} ms`);
    expect(stopMs).toBeGreaterThanOrEqual(450);
    expect(stopMs).toBeLessThan(3_000);
    const error = job.lastRun?.error;
    expect(error).toBeInstanceOf(JobThreadError);
    expect(error?.message).toBe(
      `Job "stuck-${mode}": worker thread terminated: execute did not return within stopGrace (0.5 s) after its signal aborted (Job "stuck-${mode}": stop requested)`,
    );
    expect((error as JobThreadError).failure).toBe('terminated');
    // Recorded as interrupted (a stop was requested), not as a failure; the worker is gone.
    expect(capture.events('interrupted')).toHaveLength(1);
    expect(capture.events('error')).toHaveLength(0);
    expect(capture.events('thread-exit')).toHaveLength(1);
    expect(capture.events('fixture-shutdown')).toHaveLength(0);
    if (mode === 'ignore-async') expect(capture.events('fixture-abort')).toHaveLength(1);
  });

  it('a shutdown that does not return after a stop request is terminated after stopGrace', async () => {
    const { job, capture } = stuck('honour', { stopGrace: 0.5, hangShutdown: true });
    const stopMs = await stopWhileBusy(job, capture);
    expect(stopMs).toBeGreaterThanOrEqual(450);
    expect(stopMs).toBeLessThan(3_000);
    const [error] = capture.events('error');
    expect(error?.bindings.phase).toBe('shutdown');
    expect((error?.bindings.err as Error).message).toBe(
      'Job "stuck-honour": worker thread terminated: shutdown did not return within stopGrace (0.5 s) after the stop request',
    );
    expect(capture.events('thread-exit')).toHaveLength(1);
  });

  it('a timeout aborts the worker signal; a worker ignoring it is terminated after stopGrace and the job retries', async () => {
    const { job, capture } = stuck('ignore-async', { timeout: 0.3, stopGrace: 0.3 });
    job.start();
    await until(() => capture.events('fixture-setup').length >= 2, 15_000, 'a restart');
    const [error] = capture.events('error');
    expect(error?.bindings.phase).toBe('execute');
    // The run's outcome is the timeout, as for inline jobs.
    expect((error?.bindings.err as Error).message).toBe('Job "stuck-ignore-async": execution timed out after 0.3 s');
    const [abort] = capture.events('fixture-abort');
    expect(abort?.bindings).toMatchObject({ reason: 'Job "stuck-ignore-async": execution timed out after 0.3 s', reasonName: 'JobTimeoutError' });
    expect(capture.events('thread-exit').length).toBeGreaterThanOrEqual(1);
  });

  it('a timeout with a job that honours its signal fails the execution without terminating the worker', async () => {
    const { job, capture } = stuck('honour', { timeout: 0.3 });
    job.start();
    await until(() => capture.events('error').length > 0, 15_000, 'the timeout');
    expect((capture.events('error')[0]?.bindings.err as Error).message).toBe('Job "stuck-honour": execution timed out after 0.3 s');
    await until(() => capture.events('thread-exit').length > 0, 5_000, 'the worker to exit');
    // shutdown ran in the worker before it was retired: it was not terminated mid-execution.
    expect(capture.events('fixture-shutdown')).toHaveLength(1);
  });
});
