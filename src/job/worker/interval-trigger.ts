/**
 * Interval triggering: a fixed delay (`interval` seconds, plus jitter) after the previous
 * execution ended. `interval: 0` without a host runs back to back.
 *
 * @module
 */
import { executeGranted, executeLocal } from './execution.js';
import type { JobWorker, StepResult, TriggerStrategy } from './job-worker.js';

const SECOND = 1000;
/** Back-to-back executions (`interval: 0`) yield to the event loop at least this often (ms). */
const YIELD_EVERY_MS = 1;
/** ... checking the time once per this many executions. */
const YIELD_CHECK_EVERY = 64;

/** Triggers after a fixed delay since the previous execution ended. */
export const intervalTrigger: TriggerStrategy = {
  async advance(worker: JobWorker): Promise<StepResult> {
    const interval = worker.job.interval ?? 0;
    const dueAt = worker.lastEnd + interval * SECOND + worker.drawJitterMs();
    if (dueAt > worker.clock.now()) return worker.sleepUntil(dueAt);
    if (interval === 0 && worker.job.jitter === 0 && worker.host === null) return runBackToBack(worker);
    return (await executeGranted(worker, 'schedule', null, dueAt, null)) ?? 'again';
  },
  wakeFast: () => false,
};

/**
 * `interval: 0` without a host: executes back to back, awaiting only what `execute` returns,
 * and yields to the event loop at least every {@link YIELD_EVERY_MS} so timers and I/O are
 * never starved.
 */
async function runBackToBack(worker: JobWorker): Promise<StepResult> {
  let sliceStart = performance.now();
  let sinceCheck = 0;
  while (!worker.stopRequested && !worker.paused && !worker.manualPending) {
    const pending = executeLocal(worker, 'schedule', worker.clock.now());
    const failed = pending === null ? null : await pending;
    if (failed !== null) return failed;
    if (++sinceCheck === YIELD_CHECK_EVERY) {
      sinceCheck = 0;
      if (performance.now() - sliceStart >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
  }
  return 'again';
}

/**
 * Lets timers and I/O run. A macrotask turn, not a timed wait, so not the timer queue's
 * business: a queue entry due "now" would cost a Node timer per turn.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
