/**
 * One execution of a job: with the host's grant when there is a host, under the stop signal, the
 * `timeout` and the grant's lease; recorded in the job's activity and reported to the host.
 * Executions that need neither a host nor a timeout take a synchronous fast path that allocates
 * nothing but the {@link RunContext}.
 *
 * @module
 */
import { getEventListeners } from 'node:events';
import { JobException } from '../../errors/job-exception.js';
import { JobTimeoutError } from '../../errors/job-timeout-error.js';
import { toError } from '../../errors/to-error.js';
import { CutoffEntry, sharedTimerQueue } from '../../time/timer-queue.js';
import type { ExecutionGrant, ExecutionOutcome, UnexecutedTicks } from '../job-host.js';
import { RunContext, type TriggerReason } from '../run-context.js';
import { admitGrant, claim, countRecorded, reportRunEnd } from './claim-protocol.js';
import type { JobWorker } from './job-worker.js';
import { runSinkOf } from './worker-run-sink.js';

const SECOND = 1000;

/** Whether `value` is a promise (or any thenable). */
export function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * One execution with the host's permission (when there is a host). `unexecuted` are the ticks
 * passed over on the way, recorded with the claim; `rewindTo` the mark to go back to if the
 * claim of `tickAt` is refused. Returns the error that must send the loop down the retry path,
 * `'sleep'` when the worker went to sleep (the host failed and the job waits to ask again), or
 * `null`.
 */
export async function executeGranted(
  worker: JobWorker,
  reason: TriggerReason,
  tickAt: number | null,
  scheduledAt: number | null,
  unexecuted: UnexecutedTicks | null,
  rewindTo = worker.lastTick,
): Promise<Error | 'sleep' | null> {
  if (worker.host === null) {
    if (unexecuted !== null) countRecorded(worker, unexecuted, unexecuted.count);
    return executeLocal(worker, reason, scheduledAt);
  }
  const grant = await claim(worker, reason, tickAt, worker.clock.now(), unexecuted, rewindTo);
  if (grant === null || grant === 'sleep') return grant;
  if (unexecuted !== null) countRecorded(worker, unexecuted, grant.unexecutedRecorded ?? unexecuted.count);
  return runGranted(worker, reason, scheduledAt, grant);
}

/** Executes a grant if it may still execute (see {@link admitGrant}); otherwise it was handed back. */
export function runGranted(worker: JobWorker, reason: TriggerReason, scheduledAt: number | null, grant: ExecutionGrant): Promise<Error | null> | null {
  if (!admitGrant(worker, reason, grant)) return null;
  worker.triggerCount = grant.trigger;
  return run(worker, reason, scheduledAt, grant);
}

/** One execution without a host: the synchronous fast path returns `null` when done. */
export function executeLocal(worker: JobWorker, reason: TriggerReason, scheduledAt: number | null): Promise<Error | null> | null {
  worker.triggerCount++;
  if (worker.job.timeout !== null) return run(worker, reason, scheduledAt, null);
  const context = beginRun(worker, reason, scheduledAt);
  const pending = callExecute(worker, context);
  if (pending === null) endRun(worker, context, undefined, null, null);
  return pending;
}

/**
 * Calls `execute` with the stop signal (no timeout, no grant). Returns `null` when it returned
 * without a promise and without throwing, leaving {@link endRun} to the caller; otherwise the
 * promise of `endRun`'s verdict.
 */
export function callExecute(worker: JobWorker, context: RunContext): Promise<Error | null> | null {
  const signal = (worker.runController ??= new AbortController()).signal;
  let result: void | Promise<void>;
  try {
    result = worker.hooks.execute(signal, context);
  } catch (error) {
    return Promise.resolve(endRun(worker, context, error, null, null));
  }
  if (!isPromiseLike(result)) return null;
  return Promise.resolve(result).then(
    () => endRun(worker, context, undefined, null, null),
    (error: unknown) => endRun(worker, context, error, null, null),
  );
}

/**
 * The general path: the stop signal combined with the timeout's and the grant's, unless the
 * grant's is the stop signal itself (a host that aborts the job's controller). Under a host, the
 * start is reported a microtask after `execute` was called, so that every execution due at one
 * instant (one timer callback) starts before any of them reports.
 */
async function run(worker: JobWorker, reason: TriggerReason, scheduledAt: number | null, grant: ExecutionGrant | null): Promise<Error | null> {
  const context = beginRun(worker, reason, scheduledAt, grant);
  const stopSignal = (worker.runController ??= new AbortController()).signal;
  const timeout = worker.job.timeout;
  let timeoutController: AbortController | null = null;
  let timeoutEntry: CutoffEntry | null = null;
  if (timeout !== null) {
    const controller = (timeoutController = new AbortController());
    timeoutEntry = new CutoffEntry(() => controller.abort(new JobTimeoutError(worker.job.name, timeout)));
    sharedTimerQueue.schedule(timeoutEntry, context.startedAtMs + timeout * SECOND);
  }
  const grantSignal = grant?.signal === stopSignal ? null : grant?.signal;
  const signals = [stopSignal, timeoutController?.signal, grantSignal].filter((signal): signal is AbortSignal => signal != null);
  const signal = signals.length === 1 ? stopSignal : AbortSignal.any(signals);
  let error: unknown;
  let result: void | Promise<void> = undefined;
  const wrap = worker.host?.wrapExecution;
  try {
    result = wrap === undefined ? worker.hooks.execute(signal, context) : wrap(worker.job, context, () => worker.hooks.execute(signal, context));
  } catch (thrown) {
    error = thrown ?? new Error('execute threw a nullish value');
  }
  if (worker.host !== null) {
    await Promise.resolve();
    worker.emit({ type: 'trigger', run: context });
  }
  if (error === undefined) {
    try {
      await result;
    } catch (thrown) {
      error = thrown ?? new Error('execute threw a nullish value');
    }
  }
  if (timeoutEntry !== null) sharedTimerQueue.cancel(timeoutEntry);
  return endRun(worker, context, error, timeoutController?.signal ?? null, grant);
}

/** Records the start of an execution and enters the `executing` phase. */
export function beginRun(worker: JobWorker, reason: TriggerReason, scheduledAt: number | null, grant: ExecutionGrant | null = null): RunContext {
  const context = new RunContext(worker.triggerCount, reason, scheduledAt, worker.clock.now(), grant?.runId ?? null, grant?.fence ?? null, runSinkOf(worker));
  const activity = worker.recordActivity();
  activity.lastRunStart = context.startedAtMs;
  activity.lastRunEnd = Number.NaN;
  activity.lastRunError = null;
  worker.enter('executing');
  if (worker.isLogged('debug')) worker.log('debug', { event: 'trigger', trigger: context.trigger, reason, lateness: context.lateness }, 'job triggered');
  return context;
}

/**
 * Records the end of an execution (at `endedAt`, default now) and decides its status. Returns
 * the error that sends the loop down the retry path, or `null` (success, or interrupted by stop
 * or lease loss).
 */
export function endRun(
  worker: JobWorker,
  context: RunContext,
  thrown: unknown,
  timeoutSignal: AbortSignal | null,
  grant: ExecutionGrant | null,
  endedAt = worker.clock.now(),
): Error | null {
  // The controller is kept for the next execution unless it aborted (a lost lease) or the
  // execution left a listener on its signal.
  const controller = worker.runController;
  if (controller !== null && (controller.signal.aborted || getEventListeners(controller.signal, 'abort').length > 0)) worker.runController = null;
  const activity = worker.recordActivity();
  activity.lastRunEnd = endedAt;
  worker.lastEnd = endedAt;
  if (worker.phase === 'executing') worker.enter('deciding');
  const timedOut = timeoutSignal?.aborted === true;
  // A lost grant aborts with its own reason; a stop aborts with a JobException.
  const leaseLost = grant?.signal?.aborted === true && !(grant.signal.reason instanceof JobException);
  let outcome: ExecutionOutcome;
  if (timedOut) {
    outcome = { status: 'timeout', endedAt, error: timeoutSignal.reason instanceof Error ? timeoutSignal.reason : toError(thrown) };
  } else if (leaseLost || (thrown !== undefined && worker.stopRequested)) {
    outcome = { status: 'interrupted', endedAt, error: thrown === undefined ? new Error('execution lost its lease') : toError(thrown) };
  } else if (thrown !== undefined) {
    outcome = { status: 'failed', endedAt, error: toError(thrown) };
  } else {
    activity.failures = 0;
    reportRunEnd(worker, context, grant, { status: 'ok', endedAt, error: null });
    return null;
  }
  activity.lastRunError = outcome.error;
  reportRunEnd(worker, context, grant, outcome);
  if (outcome.status === 'interrupted') {
    worker.log('warn', { event: 'interrupted', trigger: context.trigger, err: outcome.error }, 'execution interrupted');
    return null;
  }
  return outcome.error;
}
