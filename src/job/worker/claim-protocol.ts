/**
 * The protocol between a job's worker and the runner's host: restore the persisted state, claim
 * each execution, hold a cron tick claimed ahead until it is due, hand back what will not run,
 * report how each run ended, and record ticks passed over. For a job without a host every step
 * is a no-op (restore succeeds at once, nothing is claimed, handed back or recorded).
 *
 * Every wait on the host is a phase of the worker (`restoring`, `claiming`, `recording`) that a
 * stop settles at once ({@link untilStopped}), whether the host answers, fails or hangs; a pause
 * settles a claim's wait the same way (unless the claim is for a manual trigger).
 *
 * @module
 */
import { toError } from '../../errors/to-error.js';
import type { ExecutionGrant, ExecutionOutcome, UnexecutedTicks } from '../job-host.js';
import type { RunContext, TriggerReason } from '../run-context.js';
import type { JobWorker } from './job-worker.js';

/** Why a grant is handed back unexecuted when the job stops before it runs. */
export const STOPPED_BEFORE_START = 'stopped before the execution started';
/** Why a grant is handed back when the job is paused before it runs. */
export const PAUSED_BEFORE_START = 'paused before the execution started';
/** Why a grant is handed back when its lease is not live any more when it is due to execute. */
export const LEASE_EXPIRED_BEFORE_START = 'the lease expired before the execution started';

/** What a wait on the host settles with when a stop ends it. */
const CANCELLED: unique symbol = Symbol('cancelled');

/** Cron, under a host that claims ahead: a tick granted before it is due, executed when it is. */
export interface HeldClaim {
  readonly grant: ExecutionGrant;
  readonly tickAt: number;
  /** The tick plus its jitter: when the execution starts (epoch ms). */
  readonly scheduledAt: number;
}

/**
 * Settles as `call` does, or with {@link CANCELLED} as soon as a stop is requested, or a pause
 * ends a claim's wait (the call is left to settle on its own).
 */
function untilStopped<T>(worker: JobWorker, call: Promise<T>): Promise<T | typeof CANCELLED> {
  if (worker.stopRequested) {
    call.catch(() => undefined);
    return Promise.resolve(CANCELLED);
  }
  return new Promise<T | typeof CANCELLED>((resolve, reject) => {
    worker.cancelHostWait = () => resolve(CANCELLED);
    call.then(
      (value) => {
        worker.cancelHostWait = null;
        resolve(value);
      },
      (error: unknown) => {
        worker.cancelHostWait = null;
        reject(toError(error));
      },
    );
  });
}

/**
 * Loads persisted state from the host, if any: the trigger count, and the last tick, from which
 * ticks missed while the process was down are judged. Returns false when the loop must not go
 * on: the host failed (the worker waits a poll and restarts) or a stop ended the wait.
 */
export async function restoreFromHost(worker: JobWorker): Promise<boolean> {
  const host = worker.host;
  if (worker.restored || host === null) return (worker.restored = true);
  let restored;
  try {
    restored = await untilStopped(worker, host.restore(worker.job));
  } catch (error) {
    // The store is unreachable: not the job's error. Ask again after a poll, from the start.
    worker.reportHostError(error);
    worker.restartIn(host.pollMs);
    return false;
  }
  if (restored === CANCELLED) {
    worker.end();
    return false;
  }
  worker.restored = true;
  if (restored !== null) {
    worker.triggerCount = restored.triggerCount;
    if (restored.lastTickAt !== null) worker.lastTick = restored.lastTickAt;
  }
  return true;
}

/**
 * Asks the host for one execution. Returns the grant; `null` when there is nothing to run (the
 * tick is taken, or a stop ended the wait); or `'sleep'` when the worker went to sleep to ask
 * again after a poll (the host failed, or another replica holds the job). A refused or failed
 * claim of a tick moves the job's mark back to `rewindTo` (the mark before the ticks the claim
 * would have passed over), so that every one of them is judged again.
 */
export async function claim(
  worker: JobWorker,
  reason: TriggerReason,
  tickAt: number | null,
  startedAt: number,
  unexecuted: UnexecutedTicks | null,
  rewindTo: number,
): Promise<ExecutionGrant | 'sleep' | null> {
  const host = worker.host;
  if (host === null) return null;
  worker.enter('claiming');
  worker.claimingManual = reason === 'manual';
  let pending: Promise<ExecutionGrant | 'busy' | null>;
  let grant: ExecutionGrant | 'busy' | null | typeof CANCELLED;
  try {
    const controller = (worker.runController ??= new AbortController());
    pending = host.claim(worker.job, { reason, tickAt, startedAt, unexecuted, controller });
    grant = await untilStopped(worker, pending);
  } catch (error) {
    // The store is unreachable: run nothing unclaimed. Cron ticks stay unclaimed (the mark
    // did not move) and are judged by the misfire policy once the store answers again.
    worker.reportHostError(error);
    if (tickAt !== null) worker.lastTick = Math.min(worker.lastTick, rewindTo);
    worker.followingTick = Number.NaN;
    if (reason === 'manual') worker.manualPending = true;
    return worker.stopRequested ? null : worker.sleepUntil(worker.clock.now() + host.pollMs);
  }
  worker.enter('deciding');
  if (grant === CANCELLED) {
    // Stopped or paused while the claim was in flight: a grant that still comes is handed back.
    const why = worker.stopRequested ? STOPPED_BEFORE_START : PAUSED_BEFORE_START;
    pending.then(
      (late) => {
        if (late !== null && late !== 'busy') handBack(worker, late, new Error(why));
      },
      () => undefined,
    );
    return null;
  }
  if (grant === 'busy') {
    // Another replica holds the job (overrunning, or dead until its lease lapses): keep the
    // ticks unclaimed and ask again after a poll; they are then judged by the misfire policy.
    // A manual trigger is kept too, and runs once the lease is free.
    if (reason === 'manual') {
      worker.manualPending = true;
      worker.log('info', { event: 'manual-wait', retryIn: host.pollMs / 1000 }, `manual trigger waits: another replica holds the job's lease; asking again in ${host.pollMs} ms`);
    }
    if (tickAt !== null) worker.lastTick = Math.min(worker.lastTick, rewindTo);
    worker.followingTick = Number.NaN;
    return worker.stopRequested ? null : worker.sleepUntil(worker.clock.now() + host.pollMs);
  }
  if (grant === null && worker.schedule === null && reason === 'schedule') {
    // Another replica ran the interval: ask again after a poll rather than a whole interval.
    worker.lastEnd = worker.clock.now() - (worker.job.interval ?? 0) * 1000 + host.pollMs;
  }
  return grant;
}

/**
 * Whether a grant may execute now. It may not, and is handed back, when the job was stopped
 * (while the claim was in flight, or while it held a tick claimed ahead), paused (unless the
 * trigger is manual), or when its lease is not live on the local clock now: lost, or past its
 * deadline (a process frozen, or a loop blocked, while it held the grant).
 */
export function admitGrant(worker: JobWorker, reason: TriggerReason, grant: ExecutionGrant): boolean {
  if (worker.stopRequested) {
    handBack(worker, grant, new Error(STOPPED_BEFORE_START));
    return false;
  }
  if (worker.paused && reason !== 'manual') {
    handBack(worker, grant, new Error(PAUSED_BEFORE_START));
    return false;
  }
  const lost =
    grant.signal?.aborted === true
      ? toError(grant.signal.reason)
      : grant.liveUntil !== undefined && !(grant.liveUntil() > worker.clock.now())
        ? new Error(LEASE_EXPIRED_BEFORE_START)
        : null;
  if (lost === null) return true;
  worker.log('warn', { event: 'interrupted', err: lost }, 'the lease was lost before the execution started');
  worker.runController = null; // it may be the aborted one
  handBack(worker, grant, lost);
  return false;
}

/** Reports a grant that was not executed as `interrupted` with `error`. */
export function handBack(worker: JobWorker, grant: ExecutionGrant, error: Error, endedAt = worker.clock.now()): void {
  if (worker.host === null) return;
  const outcome: ExecutionOutcome = { status: 'interrupted', endedAt, error };
  worker.host.finish(worker.job, grant, outcome).catch((failure: unknown) => worker.reportHostError(failure));
}

/**
 * Hands back a tick claimed ahead that will not execute (stop, pause), as `interrupted`, ending
 * at its planned start: it was claimed as starting then, and never ran.
 */
export function releaseHeldClaim(worker: JobWorker, why: string): void {
  const held = worker.heldClaim;
  if (held === null) return;
  worker.heldClaim = null;
  handBack(worker, held.grant, new Error(why), Math.max(worker.clock.now(), held.scheduledAt));
}

/** Reports how an execution ended: the event, and the outcome of its grant to the host. */
export function reportRunEnd(worker: JobWorker, run: RunContext, grant: ExecutionGrant | null, outcome: ExecutionOutcome): void {
  const host = worker.host;
  if (host === null) return;
  worker.emit({ type: 'run-end', run, outcome });
  if (grant === null) return;
  host.finish(worker.job, grant, outcome).catch((error: unknown) => worker.reportHostError(error));
}

/**
 * Records passed-over ticks that no execution follows. Returns false when they were not
 * recorded (the host failed, or a stop ended the wait).
 */
export async function recordUnexecuted(worker: JobWorker, ticks: UnexecutedTicks): Promise<boolean> {
  const host = worker.host;
  if (host === null) {
    countRecorded(worker, ticks, ticks.count);
    return true;
  }
  worker.enter('recording');
  try {
    const recorded = await untilStopped(worker, host.recordUnexecuted(worker.job, ticks));
    worker.enter('deciding');
    if (recorded === CANCELLED) return false;
    countRecorded(worker, ticks, recorded);
    return true;
  } catch (error) {
    worker.enter('deciding');
    worker.reportHostError(error);
    return false;
  }
}

/**
 * Tallies the passed-over ticks this job recorded (all of them without a host; under one,
 * those its store took: another replica may have run or recorded the others) into the
 * counters, a log line and the host's event.
 */
export function countRecorded(worker: JobWorker, planned: UnexecutedTicks, recorded: number): void {
  if (recorded <= 0) return;
  const activity = worker.recordActivity();
  if (planned.status === 'skipped') activity.skippedTicks += recorded;
  else activity.missedTicks += recorded;
  const ticks: UnexecutedTicks = recorded === planned.count ? planned : { ticks: planned.ticks.slice(-recorded), count: recorded, status: planned.status };
  const newest = ticks.ticks.at(-1);
  const bindings = { event: ticks.status, count: ticks.count, listed: ticks.ticks.length, newest: newest === undefined ? null : new Date(newest).toISOString() };
  worker.log('warn', bindings, `${ticks.count} tick(s) ${ticks.status}`);
  worker.emit({ type: 'unexecuted', ticks });
}
