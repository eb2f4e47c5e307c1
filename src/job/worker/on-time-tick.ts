/**
 * The commonest wake-up, handled without the general loop: a cron job with no host and no
 * timeout woke on time for the tick it slept for, and no later tick is due. It executes at once,
 * from the timer callback, and what follows (recording the outcome, computing the next tick,
 * sleeping again) waits for {@link settleUnsettled}, which runs when the timer callback has
 * returned: every job due on the same second starts before any of them does its bookkeeping.
 *
 * @module
 */
import { toError } from '../../errors/to-error.js';
import { earliestFireAfter } from '../../schedule/cron-schedule.js';
import type { RunContext } from '../run-context.js';
import { sleepForTick, tickAfter } from './cron-trigger.js';
import { beginRun, callExecute, endRun } from './execution.js';
import type { JobWorker } from './job-worker.js';

/**
 * Workers whose on-time execution returned during the current timer callback, and their runs
 * (two parallel arrays, emptied by every settle: no allocation per execution).
 */
const unsettledWorkers: JobWorker[] = [];
const unsettledRuns: RunContext[] = [];

/**
 * Executes the tick the worker woke for when it is the commonest case (see the module
 * documentation). Returns false, having changed nothing, when the general path must decide.
 */
export function executeOnTimeTick(worker: JobWorker): boolean {
  const waitedFor = worker.waitedFor;
  if (Number.isNaN(waitedFor) || worker.phase !== 'sleeping' || worker.host !== null || worker.stopRequested || worker.manualPending || worker.paused || worker.job.timeout !== null) {
    return false;
  }
  const jitterMs = worker.pendingJitterMs;
  const judgedAt = worker.clock.now() - jitterMs;
  // The same test as the cron strategy's fast path, without computing the next tick: it cannot
  // be due before the next whole second.
  if (judgedAt < waitedFor || judgedAt >= earliestFireAfter(waitedFor)) return false;
  worker.waitedFor = Number.NaN;
  worker.lastTick = waitedFor;
  worker.followingTick = Number.NaN;
  worker.triggerCount++;
  const run = beginRun(worker, 'schedule', waitedFor + jitterMs);
  const pending = callExecute(worker, run);
  if (pending !== null) {
    void continueAfterRun(worker, pending);
    return true;
  }
  worker.recordActivity().lastRunEnd = worker.clock.now();
  if (unsettledWorkers.push(worker) === 1) queueMicrotask(settleUnsettled);
  unsettledRuns.push(run);
  return true;
}

/** Settles every on-time execution that returned during the timer callback that just ended. */
function settleUnsettled(): void {
  for (let index = 0; index < unsettledWorkers.length; index++) {
    const worker = unsettledWorkers[index] as JobWorker;
    try {
      settleOnTimeRun(worker, unsettledRuns[index] as RunContext);
    } catch (error) {
      void worker.fail(toError(error), 'execute');
    }
  }
  unsettledWorkers.length = 0;
  unsettledRuns.length = 0;
}

/** After an on-time execution that returned without a promise: record it, then sleep for the next tick. */
function settleOnTimeRun(worker: JobWorker, run: RunContext): void {
  endRun(worker, run, undefined, null, null, worker.recordActivity().lastRunEnd);
  worker.followingTick = tickAfter(worker, worker.lastTick);
  if (worker.stopRequested || worker.manualPending || worker.paused || !(worker.followingTick > worker.clock.now())) {
    void worker.advance();
    return;
  }
  const following = worker.followingTick;
  worker.followingTick = Number.NaN;
  sleepForTick(worker, following);
}

/** After an on-time execution that threw or returned a promise: the loop's next step. */
async function continueAfterRun(worker: JobWorker, pending: Promise<Error | null>): Promise<void> {
  try {
    const failed = await pending;
    if (failed !== null) return await worker.fail(failed, 'execute');
    worker.followingTick = tickAfter(worker, worker.lastTick);
  } catch (error) {
    return await worker.fail(toError(error), 'execute');
  }
  await worker.advance();
}
