/**
 * {@link CronSchedule}: the fire times of a cron expression in a time zone. Pure date maths: no
 * timers, and no reading of the clock except where a method's default argument says so.
 *
 * `cron-pattern.ts` parses the expression and searches the calendar (on wall-clock times). This
 * module maps wall-clock times to instants with one daylight-saving rule, the one Vixie cron
 * established and cronie and Cronos document:
 *
 * - A fire time that does not exist (spring-forward gap) fires once, at the first valid instant
 *   after the gap.
 * - A fire time that occurs twice (fall-back fold) fires once, in the first pass, when the
 *   seconds, minutes and hours fields hold single values or lists ("fixed-time"); it fires in
 *   both passes when one of them holds a wildcard, range or step ("interval").
 *
 * See docs/guide/schedules.md for the examples and for where this differs from croner's own
 * `Cron#nextRun`.
 */
import { compileCron, type CompiledCron } from './cron-pattern.js';
import { MAX_INSTANT, MIN_INSTANT, ZoneRules } from './zone-rules.js';

/** Options of a {@link CronSchedule}. */
export interface CronScheduleOptions {
  /** IANA time zone the expression is read in; null or undefined means the process's zone. */
  readonly timezone?: string | null;
}

/**
 * The fire times of a cron expression in a time zone.
 *
 * Syntax: 5 fields (`minute hour day-of-month month day-of-week`) or 6 with leading seconds;
 * names (`JAN`, `MON`), ranges, lists, steps; the nicknames `@yearly` `@annually` `@monthly`
 * `@weekly` `@daily` `@midnight` `@hourly`; `L`, `W` and `#`. Day-of-month and day-of-week
 * combine with OR when both are restricted (Vixie cron).
 *
 * Instances are immutable and cheap: the compiled pattern is shared by every schedule with the
 * same expression, and the time zone's transition table by every schedule in that zone.
 */
export class CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** The IANA zone as given; null for the process's zone. */
  readonly timezone: string | null;
  readonly #compiled: CompiledCron;
  readonly #zone: ZoneRules;

  /**
   * @param expression - the cron expression
   * @param options - `timezone`: IANA zone (default: the process's zone, resolved now)
   * @throws TypeError `CronSchedule: ...` when an argument has the wrong type
   * @throws RangeError `CronSchedule: ...` for an invalid expression, `@reboot`, or an unknown zone
   */
  constructor(expression: string, options?: CronScheduleOptions) {
    if (typeof expression !== 'string') throw new TypeError(`CronSchedule: the expression must be a string, got ${describe(expression)}`);
    if (options !== undefined && (typeof options !== 'object' || options === null)) {
      throw new TypeError(`CronSchedule: options must be an object, got ${describe(options)}`);
    }
    const timezone: unknown = options?.timezone ?? null;
    if (timezone !== null && typeof timezone !== 'string') {
      throw new TypeError(`CronSchedule: timezone must be an IANA zone name (string) or null, got ${describe(timezone)}`);
    }
    this.#compiled = compileCron(expression);
    this.#zone = zoneRules(timezone);
    this.expression = expression;
    this.timezone = timezone;
  }

  /**
   * The first fire time strictly after `after`, or null when there is none (before the year
   * 3000, e.g. `0 0 30 2 *`).
   * @throws TypeError when `after` is not a valid Date
   */
  next(after: Date): Date | null {
    const next = this.#next(instantOf(after, 'next(after)'));
    return next === null ? null : new Date(next);
  }

  /**
   * The next `count` fire times after `after` (default: now), oldest first; fewer when the
   * schedule ends.
   * @throws TypeError / RangeError for a bad count or date
   */
  nextRuns(count: number, after: Date = new Date()): Date[] {
    checkCount(count, 'nextRuns(count)');
    const runs: Date[] = [];
    let cursor: number | null = instantOf(after, 'nextRuns(count, after)');
    while (runs.length < count && (cursor = this.#next(cursor)) !== null) runs.push(new Date(cursor));
    return runs;
  }

  /**
   * The fire times `t` with `after < t <= upTo`, oldest first, at most `limit` of them (the
   * oldest `limit`). Empty when `upTo <= after`.
   * @throws TypeError / RangeError for a bad limit or date
   */
  ticksBetween(after: Date, upTo: Date, limit: number): Date[] {
    const from = instantOf(after, 'ticksBetween(after)');
    const to = instantOf(upTo, 'ticksBetween(after, upTo)');
    checkCount(limit, 'ticksBetween(after, upTo, limit)');
    const ticks: Date[] = [];
    let cursor: number | null = from;
    while (ticks.length < limit && (cursor = this.#next(cursor)) !== null && cursor <= to) ticks.push(new Date(cursor));
    return ticks;
  }

  /** The expression and zone, for logs. */
  toString(): string {
    return `${this.expression} (${this.timezone ?? this.#zone.zone})`;
  }

  /** First fire instant strictly after `after` (epoch ms), per the DST rule above. */
  #next(after: number): number | null {
    const zone = this.#zone;
    const compiled = this.#compiled;
    let instant = Math.max(earliestFireAfter(after), MIN_INSTANT);
    // The wall-clock search result is reused while the search start moves forward past nothing.
    let searchedFrom = Number.NaN;
    let found: number | null = null;
    const firstMatch = (wall: number): number | null => {
      if (!(wall >= searchedFrom && (found === null || wall <= found))) {
        searchedFrom = wall;
        found = compiled.nextWallAtOrAfter(wall);
      }
      return found;
    };
    while (instant <= MAX_INSTANT) {
      const segment = zone.segmentAt(instant);
      if (instant === segment.start && segment.offset > segment.previousOffset) {
        // Spring-forward gap just before `instant`: the wall times it skipped fire now, once.
        const wall = firstMatch(segment.start + segment.previousOffset);
        if (wall === null) return null;
        if (wall < segment.start + segment.offset) return segment.start;
      }
      // Fixed-time schedules do not fire again on wall times a fold (fall back) repeats.
      const from = compiled.fixedTime ? Math.max(instant + segment.offset, zone.maxWallBefore(instant)) : instant + segment.offset;
      const wall = firstMatch(from);
      if (wall === null) return null;
      if (wall < segment.end + segment.offset) return wall - segment.offset;
      instant = segment.end;
    }
    return null;
  }
}

/**
 * The earliest instant any schedule can fire strictly after `after` (epoch ms): fire times are
 * whole seconds, so it is the next whole second. {@link CronSchedule.next} never returns an
 * earlier instant, which lets a caller know that no tick is due before it without searching.
 */
export function earliestFireAfter(after: number): number {
  return Math.floor(after / 1000) * 1000 + 1000;
}

/** Resolves a zone, turning `Intl`'s error into ours. */
function zoneRules(timezone: string | null): ZoneRules {
  try {
    return ZoneRules.for(timezone);
  } catch (error) {
    if (timezone === null) throw error;
    throw new RangeError(`CronSchedule: unknown time zone ${JSON.stringify(timezone)}; expected an IANA name such as "Europe/Berlin"`, { cause: error });
  }
}

function instantOf(value: unknown, what: string): number {
  if (!(value instanceof Date)) throw new TypeError(`CronSchedule: ${what} must be a Date, got ${describe(value)}`);
  const time = value.getTime();
  if (Number.isNaN(time)) throw new TypeError(`CronSchedule: ${what} must be a valid Date, got an Invalid Date`);
  return time;
}

function checkCount(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`CronSchedule: ${what} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`CronSchedule: ${what} must be a non-negative integer, got ${value}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return `Date ${String(value)}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
