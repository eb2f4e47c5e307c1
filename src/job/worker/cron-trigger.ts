/**
 * Cron triggering: run or pass over the due ticks under the misfire policy, claim a tick ahead
 * of time under a host that asks for it and hold it until it is due, or sleep until the next
 * tick (plus jitter).
 *
 * @module
 */
import type { CronSchedule } from '../../schedule/cron-schedule.js';
import { ON_TIME_TOLERANCE_MS, planDueTicks, type TickPlan } from '../../schedule/misfire-plan.js';
import type { UnexecutedTicks } from '../job-host.js';
import { claim, recordUnexecuted, type HeldClaim } from './claim-protocol.js';
import { executeGranted, runGranted } from './execution.js';
import type { JobWorker, StepResult, TriggerStrategy } from './job-worker.js';
import { executeOnTimeTick } from './on-time-tick.js';

const SECOND = 1000;

/** Triggers on the ticks of the job's cron schedule. */
export const cronTrigger: TriggerStrategy = {
  advance: advanceCron,
  wakeFast: executeOnTimeTick,
};

/** The job's schedule (a cron worker always has one). */
function scheduleOf(worker: JobWorker): CronSchedule {
  const schedule = worker.schedule;
  if (schedule === null) throw new TypeError(`job "${worker.job.name}" has no cron schedule`);
  return schedule;
}

/** The first tick of `worker`'s schedule after `instant` (epoch ms), or NaN when there is none. */
export function tickAfter(worker: JobWorker, instant: number): number {
  const next = scheduleOf(worker).next(new Date(instant));
  return next === null ? Number.NaN : next.getTime();
}

/** Runs or passes over the due ticks under the misfire policy, else sleeps. */
async function advanceCron(worker: JobWorker): Promise<StepResult> {
  if (worker.heldClaim !== null) return runHeldClaim(worker, worker.heldClaim);
  // A tick slept for with jitter is judged as of the un-jittered instant.
  const jitterMs = Number.isNaN(worker.waitedFor) ? 0 : worker.pendingJitterMs;
  const now = worker.clock.now();
  const judgedAt = now - jitterMs;
  const waitedFor = worker.waitedFor;
  const following = worker.followingTick;
  worker.followingTick = Number.NaN;
  const markBefore = worker.lastTick;
  // Woke ahead of the tick slept for, to claim it before it is due (see JobHost.claimAheadMs).
  if (worker.host !== null && waitedFor > judgedAt && waitedFor - judgedAt <= worker.host.claimAheadMs) return claimAhead(worker, waitedFor, jitterMs);
  // Fast paths for the common case (say 1,000 jobs due on one second), which skip the planner's
  // allocations: woke on time for the tick slept for with the next one not due yet; or that
  // run just ended and the tick after it is still ahead.
  if (!Number.isNaN(waitedFor) && judgedAt >= waitedFor && judgedAt - waitedFor <= ON_TIME_TOLERANCE_MS) {
    const next = tickAfter(worker, waitedFor);
    if (!(next <= judgedAt)) {
      worker.waitedFor = Number.NaN;
      worker.lastTick = waitedFor;
      worker.followingTick = next;
      return (await executeGranted(worker, 'schedule', waitedFor, waitedFor + jitterMs, null, markBefore)) ?? 'again';
    }
  }
  if (Number.isNaN(waitedFor) && following > now) return sleepForTick(worker, following);
  const job = worker.job;
  const plan = planDueTicks(
    scheduleOf(worker),
    { lastTick: new Date(worker.lastTick), now: new Date(judgedAt), waitedFor: Number.isNaN(waitedFor) ? null : new Date(waitedFor) },
    { policy: job.misfire, maxCatchUp: job.maxCatchUp, graceMs: job.misfireGrace === null ? null : job.misfireGrace * SECOND },
  );
  worker.waitedFor = Number.NaN;
  if (plan.newestDue === null) {
    const next = tickAfter(worker, worker.lastTick);
    return Number.isNaN(next) ? endOfSchedule(worker) : sleepForTick(worker, next);
  }
  const unexecuted = planUnexecuted(worker, plan);
  worker.lastTick = plan.newestDue.getTime();
  if (plan.run.length === 0) {
    if (unexecuted !== null && !(await recordUnexecuted(worker, unexecuted))) {
      // Not recorded (the host failed, or a stop): judge these ticks again after a poll.
      worker.lastTick = markBefore;
      return worker.sleepUntil(worker.clock.now() + (worker.host?.pollMs ?? 0));
    }
    return 'again';
  }
  const firstTick = plan.run[0]?.getTime();
  const onTime = plan.run.length === 1 && unexecuted === null && firstTick === waitedFor && judgedAt - waitedFor <= ON_TIME_TOLERANCE_MS;
  let passedOver = unexecuted;
  let rewindTo = markBefore;
  for (const tick of plan.run) {
    if (worker.stopRequested) break;
    const tickAt = tick.getTime();
    const outcome = await executeGranted(worker, onTime ? 'schedule' : 'catch-up', tickAt, tickAt + jitterMs, passedOver, rewindTo);
    passedOver = null;
    rewindTo = tickAt;
    if (outcome !== null) return outcome;
  }
  return 'again';
}

/**
 * Sleeps until `tick` (epoch ms) plus a fresh jitter; under a host that claims ahead, until that
 * much before it.
 */
export function sleepForTick(worker: JobWorker, tick: number): 'sleep' {
  worker.pendingJitterMs = worker.drawJitterMs();
  worker.waitedFor = tick;
  return worker.sleepUntil(tick + worker.pendingJitterMs - (worker.host?.claimAheadMs ?? 0));
}

/** Claims the tick slept for before it is due; the worker then holds the grant until it is. */
async function claimAhead(worker: JobWorker, tickAt: number, jitterMs: number): Promise<StepResult> {
  worker.waitedFor = Number.NaN;
  const markBefore = worker.lastTick;
  worker.lastTick = tickAt;
  const scheduledAt = tickAt + jitterMs;
  const grant = await claim(worker, 'schedule', tickAt, scheduledAt, null, markBefore);
  if (grant === 'sleep') return 'sleep';
  if (grant !== null) worker.heldClaim = { grant, tickAt, scheduledAt };
  return 'again';
}

/** A tick claimed ahead: holds it (a wait a stop or pause ends) until it is due, then executes it. */
async function runHeldClaim(worker: JobWorker, held: HeldClaim): Promise<StepResult> {
  if (held.scheduledAt > worker.clock.now()) return worker.sleepUntil(held.scheduledAt, 'holding');
  worker.heldClaim = null;
  const outcome = await runGranted(worker, 'schedule', held.scheduledAt, held.grant);
  worker.followingTick = tickAfter(worker, held.tickAt);
  return outcome ?? 'again';
}

/** The ticks a plan passes over, to record (with the claim that follows them, if any). */
function planUnexecuted(worker: JobWorker, plan: TickPlan): UnexecutedTicks | null {
  if (plan.missedCount === 0 && plan.skippedCount === 0) return null;
  if (plan.overCap > 0) {
    const maxCatchUp = worker.job.maxCatchUp;
    worker.log('warn', { event: 'catch-up-capped', dropped: plan.overCap, maxCatchUp }, `more missed ticks than maxCatchUp; ${plan.overCap} dropped`);
  }
  const status = plan.skippedCount > 0 ? 'skipped' : 'missed';
  const listed = status === 'skipped' ? plan.skipped : plan.missed;
  const count = status === 'skipped' ? plan.skippedCount : plan.missedCount;
  return { ticks: listed.map((date) => date.getTime()), count, status };
}

/** A cron expression with no future fire time (e.g. a past year): the job idles until stopped. */
function endOfSchedule(worker: JobWorker): 'sleep' {
  worker.log('warn', { event: 'schedule-exhausted' }, 'the cron expression has no future fire time');
  return worker.sleepForever();
}
