/**
 * The misfire planner: given the newest tick already handled and the time now, which ticks of a
 * cron schedule run now and which are recorded as missed or skipped. Pure: no timers, no clock.
 *
 * A tick is late when it was not the tick the job was sleeping for, or when the job woke more
 * than {@link ON_TIME_TOLERANCE_MS} after it (execute ran long, the event loop was blocked, the
 * machine slept, the clock jumped forward). Late ticks go through the policy:
 *
 * - ticks older than `now - graceMs` are missed (when a grace is set);
 * - `'once'` runs the newest of the rest, late, and records the others as missed;
 * - `'all'` runs the newest `maxCatchUp` of the rest in order; older ones are missed (`overCap`);
 * - `'skip'` runs none: the rest are skipped, and the job waits for the next future tick.
 */
import type { CronSchedule } from './cron-schedule.js';

/** What happens to late ticks: run the newest once, run them all (capped), or skip them. */
export type MisfirePolicy = 'once' | 'all' | 'skip';

/** The misfire settings of a job. */
export interface MisfireSettings {
  /** What happens to late ticks. */
  readonly policy: MisfirePolicy;
  /**
   * Under `'all'`, the most late ticks run; older ones are missed. Integer >= 1 (values above
   * {@link ENUMERATION_LIMIT} act as that limit).
   */
  readonly maxCatchUp: number;
  /** Late ticks older than this (ms before now) are missed whatever the policy; null = no limit. */
  readonly graceMs: number | null;
}

/** The state the planner works from. */
export interface DueTicksInput {
  /** The high-water mark: the newest tick already run or considered. */
  readonly lastTick: Date;
  /** The time now. */
  readonly now: Date;
  /** The tick the job was sleeping for; null when it was busy executing or has just started. */
  readonly waitedFor: Date | null;
}

/** What to do with the due ticks. */
export interface TickPlan {
  /** Ticks to execute now, oldest first. */
  readonly run: readonly Date[];
  /** Ticks not run because of their age or the `'all'` cap (the newest {@link RECORD_LIMIT}, oldest first). */
  readonly missed: readonly Date[];
  /** Ticks not run under `'skip'` (the newest {@link RECORD_LIMIT}, oldest first). */
  readonly skipped: readonly Date[];
  /** Number of missed ticks (exact unless `countTruncated`, then a lower bound). */
  readonly missedCount: number;
  /** Number of skipped ticks (exact unless `countTruncated`, then a lower bound). */
  readonly skippedCount: number;
  /** More than {@link ENUMERATION_LIMIT} ticks were due: the counts are lower bounds. */
  readonly countTruncated: boolean;
  /** Late ticks dropped by the `'all'` cap (for the warning); a lower bound when `countTruncated`. */
  readonly overCap: number;
  /** The newest due tick (the new high-water mark), null when none is due. */
  readonly newestDue: Date | null;
}

/** A tick that is the one the job waited for and starts at most this late (ms) is on time. */
export const ON_TIME_TOLERANCE_MS = 1000;
/** At most this many ticks are listed in `missed` and in `skipped` (the newest). */
export const RECORD_LIMIT = 100;
/** At most this many due ticks are enumerated one by one; past it, counts are lower bounds. */
export const ENUMERATION_LIMIT = 10_000;

const EMPTY_PLAN: TickPlan = Object.freeze({
  run: Object.freeze([]),
  missed: Object.freeze([]),
  skipped: Object.freeze([]),
  missedCount: 0,
  skippedCount: 0,
  countTruncated: false,
  overCap: 0,
  newestDue: null,
});

/**
 * Plans the due ticks: those `t` with `lastTick < t <= now`. A backward clock step
 * (`now < lastTick`) leaves nothing due, so no tick at or before the last one fires again.
 * @throws RangeError for invalid settings
 */
export function planDueTicks(schedule: CronSchedule, input: DueTicksInput, settings: MisfireSettings): TickPlan {
  checkSettings(settings);
  const { lastTick, now, waitedFor } = input;
  checkDate(lastTick, 'lastTick');
  checkDate(now, 'now');
  if (waitedFor !== null) checkDate(waitedFor, 'waitedFor');
  if (now.getTime() <= lastTick.getTime()) return EMPTY_PLAN;

  const enumerated = schedule.ticksBetween(lastTick, now, ENUMERATION_LIMIT + 1);
  const newest = enumerated[enumerated.length - 1];
  if (newest === undefined) return EMPTY_PLAN;

  if (enumerated.length === 1 && waitedFor !== null && newest.getTime() === waitedFor.getTime() && now.getTime() - newest.getTime() <= ON_TIME_TOLERANCE_MS) {
    return { ...EMPTY_PLAN, run: [newest], newestDue: newest };
  }

  const runCap = settings.policy === 'all' ? Math.min(settings.maxCatchUp, ENUMERATION_LIMIT) : settings.policy === 'once' ? 1 : 0;
  const countTruncated = enumerated.length > ENUMERATION_LIMIT;
  // Past the limit, the ticks considered are the oldest ENUMERATION_LIMIT and the newest few:
  // the run list and the newest records stay exact, the counts become lower bounds.
  const due = countTruncated
    ? mergeByTime(enumerated.slice(0, ENUMERATION_LIMIT), newestTicks(schedule, lastTick, now, RECORD_LIMIT + runCap))
    : enumerated;

  const cutoff = settings.graceMs === null ? -Infinity : now.getTime() - settings.graceMs;
  const firstInGrace = firstIndexAtOrAfter(due, cutoff);
  const eligible = due.length - firstInGrace;
  const runCount = Math.min(runCap, eligible);
  const firstRun = due.length - runCount;

  let missedEnd: number;
  let skipped: readonly Date[] = [];
  let skippedCount = 0;
  if (settings.policy === 'skip') {
    missedEnd = firstInGrace;
    skippedCount = eligible;
    skipped = due.slice(Math.max(firstInGrace, due.length - RECORD_LIMIT));
  } else {
    missedEnd = firstRun;
  }
  return {
    run: due.slice(firstRun),
    missed: due.slice(Math.max(0, missedEnd - RECORD_LIMIT), missedEnd),
    skipped,
    missedCount: missedEnd,
    skippedCount,
    countTruncated,
    overCap: settings.policy === 'all' ? eligible - runCount : 0,
    newestDue: due[due.length - 1] ?? null,
  };
}

function checkSettings(settings: MisfireSettings): void {
  const { policy, maxCatchUp, graceMs } = settings;
  if (policy !== 'once' && policy !== 'all' && policy !== 'skip') throw new RangeError(`planDueTicks: policy must be 'once', 'all' or 'skip', got ${String(policy)}`);
  if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1) throw new RangeError(`planDueTicks: maxCatchUp must be an integer >= 1, got ${String(maxCatchUp)}`);
  if (graceMs !== null && !(typeof graceMs === 'number' && graceMs >= 0 && Number.isFinite(graceMs))) {
    throw new RangeError(`planDueTicks: graceMs must be null or a finite number >= 0, got ${String(graceMs)}`);
  }
}

function checkDate(value: unknown, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`planDueTicks: ${name} must be a valid Date, got ${String(value)}`);
}

/** Index of the first tick at or after `cutoff` (ticks sorted oldest first). */
function firstIndexAtOrAfter(ticks: readonly Date[], cutoff: number): number {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ticks[mid]?.getTime() ?? Infinity) < cutoff) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The newest `count` ticks in (after, upTo], oldest first, without enumerating the older ones:
 * a binary search for the latest start with `count` ticks left before `upTo`. Only called when
 * more than {@link ENUMERATION_LIMIT} (>= count) ticks are due.
 */
function newestTicks(schedule: CronSchedule, after: Date, upTo: Date, count: number): Date[] {
  let lo = after.getTime(); // at least `count` ticks in (lo, upTo]
  let hi = upTo.getTime(); // none
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (schedule.ticksBetween(new Date(mid), upTo, count).length >= count) lo = mid;
    else hi = mid;
  }
  return schedule.ticksBetween(new Date(lo), upTo, count);
}

/** Union of two sorted tick lists, without duplicates. */
function mergeByTime(a: readonly Date[], b: readonly Date[]): Date[] {
  const last = a[a.length - 1]?.getTime() ?? -Infinity;
  return [...a, ...b.filter((tick) => tick.getTime() > last)];
}
