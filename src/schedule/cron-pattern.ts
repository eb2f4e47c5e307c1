/**
 * Cron expressions compiled once and interned, so that every schedule with the same expression
 * shares one compiled object, built from shared parts (each field's values are shared by every
 * expression with that field text), so that a distinct expression costs little memory and
 * little time.
 *
 * The grammar and its error messages are ours (`cron-fields.ts`), as is the day matching
 * (`day-rules.ts`) and the search for the next matching wall-clock time (here).
 *
 * Wall-clock times are fake-UTC milliseconds (the local date and time written as if in UTC):
 * this module knows nothing of time zones; {@link CronSchedule} maps wall times to instants.
 */
import { isStar, parseDayOfMonth, parseDayOfWeek, parseField } from './cron-fields.js';
import { CronSyntaxError } from './cron-syntax-error.js';
import { DayRules } from './day-rules.js';

/** Nicknames and the expression each stands for (as in Vixie cron and croner). */
export const CRON_NICKNAMES: Readonly<Record<string, string>> = Object.freeze({
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
});

/** A cron expression compiled once and shared; see {@link compileCron}. */
export interface CompiledCron {
  /** The expression with its whitespace normalised (single spaces, trimmed). */
  readonly source: string;
  /**
   * True when the seconds, minutes and hours fields hold no wildcard, range or step (single
   * values or lists): such a schedule fires once in a repeated (fall-back) hour.
   */
  readonly fixedTime: boolean;
  /**
   * The first wall-clock time at or after `wall` (fake-UTC milliseconds) that matches, or null
   * when there is none before the year 3000.
   */
  nextWallAtOrAfter(wall: number): number | null;
}

/** Last year searched (the year 3000 is the limit of `CronSchedule`). */
const MAX_YEAR = 2999;
/** Mask with every day of a month set. */
const ALL_DAYS = 0x7fffffff;
/**
 * A map whose values are held weakly: an entry lives as long as something else uses its value,
 * so sharing costs nothing once the last user is gone. Dead entries are swept when the map has
 * doubled since the last sweep (cheaper in memory than a FinalizationRegistry cell per entry).
 */
class WeakCache<V extends object> {
  readonly #map = new Map<string, WeakRef<V>>();
  #sweepAt = 1024;

  get(key: string, create: () => V): V {
    const known = this.#map.get(key)?.deref();
    if (known !== undefined) return known;
    const value = create();
    this.#map.set(key, new WeakRef(value));
    if (this.#map.size >= this.#sweepAt) {
      for (const [k, ref] of this.#map) if (ref.deref() === undefined) this.#map.delete(k);
      this.#sweepAt = Math.max(1024, this.#map.size * 2);
    }
    return value;
  }
}

class Compiled implements CompiledCron {
  readonly source: string;
  readonly fixedTime: boolean;
  readonly #second: Uint8Array;
  readonly #minute: Uint8Array;
  readonly #hour: Uint8Array;
  readonly #month: Uint8Array;
  /** Null when every day matches (day-of-month and day-of-week both `*`). */
  readonly #days: DayRules | null;

  constructor(source: string, fixedTime: boolean, fields: ParsedFields) {
    this.source = source;
    this.fixedTime = fixedTime;
    this.#second = fields.second;
    this.#minute = fields.minute;
    this.#hour = fields.hour;
    this.#month = fields.month;
    this.#days = fields.days;
  }

  nextWallAtOrAfter(wall: number): number | null {
    const start = new Date(Math.ceil(wall / 1000) * 1000);
    let year = start.getUTCFullYear();
    let month = start.getUTCMonth();
    let day = start.getUTCDate();
    let from = start.getUTCHours() * 3600 + start.getUTCMinutes() * 60 + start.getUTCSeconds();
    // The Gregorian calendar repeats every 400 years: a pattern that has not matched by then never will.
    const lastYear = Math.min(year + 400, MAX_YEAR);
    for (; year <= lastYear; month === 11 ? ((month = 0), year++) : month++) {
      if (this.#month[month]) {
        const mask = this.#days === null ? ALL_DAYS : this.#days.mask(weekdayOfFirst(year, month), daysInMonth(year, month));
        for (const days = daysInMonth(year, month); day <= days; day++, from = 0) {
          if ((mask & (1 << (day - 1))) === 0) continue;
          const time = this.#timeOfDayAtOrAfter(from);
          if (time >= 0) return Date.UTC(year, month, day) + time * 1000;
        }
      }
      day = 1;
      from = 0;
    }
    return null;
  }

  /** The first second of the day (0..86399) at or after `from` that matches, or -1. */
  #timeOfDayAtOrAfter(from: number): number {
    const fromHour = Math.floor(from / 3600);
    const fromMinute = Math.floor(from / 60) % 60;
    for (let hour = fromHour; hour < 24; hour++) {
      if (!this.#hour[hour]) continue;
      const sameHour = hour === fromHour;
      for (let minute = sameHour ? fromMinute : 0; minute < 60; minute++) {
        if (!this.#minute[minute]) continue;
        for (let second = sameHour && minute === fromMinute ? from % 60 : 0; second < 60; second++) {
          if (this.#second[second]) return hour * 3600 + minute * 60 + second;
        }
      }
    }
    return -1;
  }
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (0-11) of the Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month !== 1) return MONTH_DAYS[month] ?? 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** Weekday (0 = Sunday) of the 1st of a month (0-11); 1970-01-01 was a Thursday. */
function weekdayOfFirst(year: number, month: number): number {
  const days = Math.floor(Date.UTC(year, month, 1) / 86_400_000);
  return (((days + 4) % 7) + 7) % 7;
}

/** The parts of an expression, each shared with other expressions. */
interface ParsedFields {
  readonly second: Uint8Array;
  readonly minute: Uint8Array;
  readonly hour: Uint8Array;
  readonly month: Uint8Array;
  readonly days: DayRules | null;
}

const compiledBySource = new WeakCache<Compiled>();
const fieldArrays = new WeakCache<Uint8Array>();
const dayRulesByFields = new WeakCache<DayRules>();

/**
 * Compiles a cron expression, or returns the compiled object already shared by other
 * schedules with the same expression (whitespace-insensitive).
 * @throws CronSyntaxError (a `RangeError` starting `CronSchedule:`) for an invalid expression or `@reboot`
 */
export function compileCron(expression: string): CompiledCron {
  const source = expression.trim().split(/\s+/).join(' ');
  return compiledBySource.get(source, () => compile(expression, source));
}

/** Expands a nickname (case-insensitive); other expressions are returned unchanged. */
export function expandNickname(source: string): string {
  return source.startsWith('@') ? (CRON_NICKNAMES[source.toLowerCase()] ?? source) : source;
}

function compile(expression: string, source: string): Compiled {
  try {
    return compileFields(source);
  } catch (error) {
    if (error instanceof CronSyntaxError) throw new CronSyntaxError(error.reason, expression);
    throw error;
  }
}

function compileFields(source: string): Compiled {
  if (source === '') throw new CronSyntaxError('it is empty');
  if (source.toLowerCase() === '@reboot') {
    throw new CronSyntaxError(
      '@reboot means "once when the system starts", which is not a schedule of wall-clock times; use the triggerOnStart option to run a job when it starts',
    );
  }
  const expanded = expandNickname(source);
  if (expanded.startsWith('@')) throw new CronSyntaxError(`unknown nickname; use one of ${Object.keys(CRON_NICKNAMES).join(' ')}`);
  const fields = expanded.split(' ');
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CronSyntaxError(`expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got ${fields.length}`);
  }
  if (fields.length === 5) fields.unshift('0');
  const [second = '', minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = fields;
  if (dayOfWeek.startsWith('+')) throw new CronSyntaxError('the "+" (AND) modifier is not supported: day-of-month and day-of-week combine with OR, as in Vixie cron');
  const field = (kind: 'second' | 'minute' | 'hour' | 'month', text: string): Uint8Array =>
    fieldArrays.get(`${kind} ${text}`, () => {
      const values = parseField(kind, text).values;
      // Months are searched 0-11.
      return kind === 'month' ? values.slice(1) : values;
    });
  // Every day matches when both day fields are `*` (or `?`): the search then skips the masks.
  const everyDay = isStar(dayOfMonth) && isStar(dayOfWeek);
  return new Compiled(source, isFixedTime(second, minute, hour), {
    second: field('second', second),
    minute: field('minute', minute),
    hour: field('hour', hour),
    month: field('month', month),
    days: everyDay ? null : dayRulesByFields.get(`${dayOfMonth} ${dayOfWeek}`, () => new DayRules(parseDayOfMonth(dayOfMonth), parseDayOfWeek(dayOfWeek))),
  });
}

/** No wildcard, range or step in the seconds, minutes and hours fields. */
function isFixedTime(...fields: string[]): boolean {
  return fields.every((text) => !/[*?/-]/.test(text));
}
