/**
 * {@link DayRules}: which days of a month the day-of-month and day-of-week fields select, by
 * the rule of docs/guide/schedules.md: when both fields are restricted a day matches if either
 * does (Vixie cron's OR); when one is `*` only the other counts.
 *
 * @module
 */
import type { ParsedDayOfMonth, ParsedDayOfWeek } from './cron-fields.js';

/** Marks a mask not computed yet (bit 31 is never set in a real mask). */
const UNKNOWN_MASK = -0x80000000;
const SATURDAY = 6;
const SUNDAY = 0;

/** The day-of-month and day-of-week fields of an expression, shared by every expression with the same two fields. */
export class DayRules {
  readonly #dom: ParsedDayOfMonth;
  readonly #dow: ParsedDayOfWeek;
  /**
   * Masks by (weekday of the 1st) × 4 + (month length − 28): which days match depends on
   * nothing else, so there are at most 28, each computed once.
   */
  readonly #masks = new Int32Array(28).fill(UNKNOWN_MASK);

  /**
   * @param dom - the parsed day-of-month field
   * @param dow - the parsed day-of-week field
   */
  constructor(dom: ParsedDayOfMonth, dow: ParsedDayOfWeek) {
    this.#dom = dom;
    this.#dow = dow;
  }

  /** Bit `d - 1` is set when day `d` matches, in a month of `length` days whose 1st is on weekday `firstWeekday` (0 = Sunday). */
  mask(firstWeekday: number, length: number): number {
    const key = firstWeekday * 4 + length - 28;
    const known = this.#masks[key] as number;
    if (known !== UNKNOWN_MASK) return known;
    let mask = 0;
    for (let day = 1; day <= length; day++) {
      if (this.#matches(day, (firstWeekday + day - 1) % 7, firstWeekday, length)) mask |= 1 << (day - 1);
    }
    this.#masks[key] = mask;
    return mask;
  }

  #matches(day: number, weekday: number, firstWeekday: number, length: number): boolean {
    const dom = this.#dom;
    const dow = this.#dow;
    if (dom.restricted && dow.restricted) return domMatches(dom, day, firstWeekday, length) || dowMatches(dow, day, weekday, length);
    if (dom.restricted) return domMatches(dom, day, firstWeekday, length);
    if (dow.restricted) return dowMatches(dow, day, weekday, length);
    return true;
  }
}

function domMatches(dom: ParsedDayOfMonth, day: number, firstWeekday: number, length: number): boolean {
  if (dom.values[day] === 1) return true;
  if (dom.last && day === length) return true;
  if (dom.lastWeekday && day === nearestWeekday(length, firstWeekday, length)) return true;
  return dom.nearestWeekday.some((target) => day === nearestWeekday(target, firstWeekday, length));
}

function dowMatches(dow: ParsedDayOfWeek, day: number, weekday: number, length: number): boolean {
  if (dow.values[weekday] === 1) return true;
  if (dow.nth.some(([nthWeekday, occurrence]) => nthWeekday === weekday && Math.ceil(day / 7) === occurrence)) return true;
  return dow.lastOf.some((lastWeekday) => lastWeekday === weekday && day + 7 > length);
}

/**
 * The weekday (Monday to Friday) nearest day `target`, within the month: a Saturday moves to
 * Friday (Monday the 3rd for the 1st), a Sunday to Monday (Friday for the last day); -1 when
 * the month has no day `target`.
 */
function nearestWeekday(target: number, firstWeekday: number, length: number): number {
  if (target > length) return -1;
  const weekday = (firstWeekday + target - 1) % 7;
  if (weekday === SATURDAY) return target === 1 ? 3 : target - 1;
  if (weekday === SUNDAY) return target === length ? target - 2 : target + 1;
  return target;
}
