/**
 * Cron expressions compiled with croner, interned so that every schedule with the same
 * expression shares one compiled object, and built from shared parts so that a distinct
 * expression costs little memory and little time.
 *
 * croner parses every field (`CronPattern`) and decides which days match (`CronDate#match`:
 * `L`, `W`, `#`, the day-of-month OR day-of-week rule). Two things are ours:
 *
 * - Parsing happens field by field, each field on its own in a neutral pattern (croner parses
 *   fields independently, so the arrays are the same), and each field's result is shared by
 *   every expression with that field. A `CronPattern` allocates a 10,000-entry year array
 *   (about 80 KB, and about 80 µs to build); parsing per field makes that cost once per
 *   distinct field text instead of once per expression, and keeps nothing of it.
 * - The search for the next matching wall-clock time runs over croner's parsed field arrays:
 *   croner's own `CronDate#increment` takes 3 to 20 µs a call.
 *
 * Wall-clock times are fake-UTC milliseconds (the local date and time written as if in UTC):
 * this module knows nothing of time zones; {@link CronSchedule} maps wall times to instants.
 */
import { CronDate, CronPattern, type CronOptions } from 'croner';

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

/** croner options for matching: day-of-month OR day-of-week, as in Vixie cron. */
const MATCH_OPTIONS: CronOptions = { domAndDow: false };
/** Last year searched (croner's own limit is the year 3000). */
const MAX_YEAR = 2999;
/** Mask with every day of a month set. */
const ALL_DAYS = 0x7fffffff;
/** Marks a mask not computed yet (bit 31 is never set in a real mask). */
const UNKNOWN_MASK = -0x80000000;

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

/** Which days of a month match, for every expression with the same day-of-month and day-of-week fields. */
class DayRules {
  /** croner's pattern `0 0 0 <day-of-month> * <day-of-week>`, for `CronDate#match`. */
  readonly #pattern: CronPattern;
  /**
   * Masks by (weekday of the 1st) × 4 + (month length − 28): which days match depends on
   * nothing else, so there are at most 28, each computed once (croner: about 3 µs a day).
   */
  readonly #masks = new Int32Array(28).fill(UNKNOWN_MASK);

  constructor(pattern: CronPattern) {
    this.#pattern = pattern;
  }

  /** Bit `d - 1` is set when day `d` of the month (0-11) matches. */
  mask(year: number, month: number): number {
    const days = daysInMonth(year, month);
    const key = weekdayOfFirst(year, month) * 4 + days - 28;
    const known = this.#masks[key] ?? UNKNOWN_MASK;
    if (known !== UNKNOWN_MASK) return known;
    const probe = new CronDate(new Date(Date.UTC(year, month, 1)), 0);
    let mask = 0;
    for (let day = 1; day <= days; day++) {
      probe.day = day;
      if (probe.match(this.#pattern, MATCH_OPTIONS)) mask |= 1 << (day - 1);
    }
    this.#masks[key] = mask;
    return mask;
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
        const mask = this.#days === null ? ALL_DAYS : this.#days.mask(year, month);
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
 * @throws RangeError starting `CronSchedule:` for an invalid expression or `@reboot`
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
  const invalid = (reason: string, cause?: unknown): RangeError =>
    new RangeError(`CronSchedule: invalid cron expression ${JSON.stringify(expression)}: ${reason}`, cause === undefined ? undefined : { cause });
  if (source === '') throw invalid('it is empty');
  if (source.toLowerCase() === '@reboot') {
    throw new RangeError(
      `CronSchedule: ${JSON.stringify(expression)} is not supported: @reboot means "once when the system starts", ` +
        'which is not a schedule of wall-clock times; use the triggerOnStart option to run a job when it starts',
    );
  }
  const expanded = expandNickname(source);
  if (expanded.startsWith('@')) throw invalid(`unknown nickname; use one of ${Object.keys(CRON_NICKNAMES).join(' ')}`);
  const fields = expanded.split(' ');
  if (fields.length !== 5 && fields.length !== 6) {
    throw invalid(`expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got ${fields.length}`);
  }
  if (fields.length === 5) fields.unshift('0');
  const [second = '', minute = '', hour = '', dayOfMonth = '', month = '', rawDayOfWeek = ''] = fields;
  for (const field of fields) {
    if (/^,|,,|,$/.test(field)) throw invalid(`empty list item in field "${field}"`);
  }
  if (rawDayOfWeek.startsWith('+')) throw invalid('the "+" (AND) modifier is not supported: day-of-month and day-of-week combine with OR, as in Vixie cron');
  for (const item of dayOfMonth.toUpperCase().split(',')) {
    if (item.includes('L') && item !== 'L' && item !== 'LW') throw invalid(`"${item}" in the day-of-month field: L is allowed alone (last day) or as LW (last weekday)`);
  }
  // croner reads a range ending in SUN as ending in 7, so that MON-SUN is Monday to Sunday; but
  // then SUN-SUN and 0-SUN become 0-7 (every day). They mean Sunday, as in Vixie cron.
  const dayOfWeek = rawDayOfWeek
    .split(',')
    .map((item) => (/^(?:0|SUN)-SUN(?:\/\d+)?$/i.test(item) ? '0' : item))
    .join(',');

  /** Parses a pattern with croner, turning its error into ours. */
  const parse = (pattern: string): CronPattern => {
    try {
      return new CronPattern(pattern, undefined, { mode: '6-part' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw invalid(message.replace(/^CronPattern: /, ''), error);
    }
  };
  const field = (kind: 'second' | 'minute' | 'hour' | 'month', text: string, pattern: string): Uint8Array =>
    fieldArrays.get(`${kind} ${text}`, () => Uint8Array.from(parse(pattern)[kind]));
  const parsed: ParsedFields = {
    second: field('second', second, `${second} 0 0 * * *`),
    minute: field('minute', minute, `0 ${minute} 0 * * *`),
    hour: field('hour', hour, `0 0 ${hour} * * *`),
    month: field('month', month, `0 0 0 * ${month} *`),
    days: isStar(dayOfMonth) && isStar(dayOfWeek) ? null : dayRulesByFields.get(`${dayOfMonth} ${dayOfWeek}`, () => new DayRules(slim(parse(`0 0 0 ${dayOfMonth} * ${dayOfWeek}`)))),
  };
  const fixedTime = [second, minute, hour].every((text) => !/[*?/-]/.test(text));
  return new Compiled(source, fixedTime, parsed);
}

/** `*` or its alias `?`. */
function isStar(field: string): boolean {
  return field === '*' || field === '?';
}

/** Stand-in for croner's 10,000-entry year array, which it never reads when the year is `*`. */
const NO_YEARS: number[] = [];
/** The time and month arrays of `0 0 0 <day fields>` patterns, the same in all of them. */
const MIDNIGHT = new CronPattern('0 0 0 * * *', undefined, { mode: '6-part' });
MIDNIGHT.year = NO_YEARS;

/**
 * Slims a day pattern that is kept: drops its year array (about 80 KB) and shares its second,
 * minute, hour and month arrays (the same in every `0 0 0 <day fields>` pattern).
 */
function slim(pattern: CronPattern): CronPattern {
  pattern.year = NO_YEARS;
  pattern.second = MIDNIGHT.second;
  pattern.minute = MIDNIGHT.minute;
  pattern.hour = MIDNIGHT.hour;
  pattern.month = MIDNIGHT.month;
  return pattern;
}
