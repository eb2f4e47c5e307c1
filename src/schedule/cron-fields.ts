/**
 * The cron field grammar of eleanor-jobs (docs/guide/schedules.md, "Cron syntax"): parses the
 * text of one field into the values it selects, or refuses it with a message that names the
 * field, quotes what was written and gives the allowed values.
 *
 * Per field, a comma-separated list of items:
 * - `*` (or `?` alone): every value; `*\/n`: every n-th value from the first;
 * - `a`, `a-b` (upwards), `a-b/n`; names (`JAN`, `MON`, any case) in the month and day-of-week
 *   fields; a step n runs from 1 to the field's span (`*\/60` in minutes is refused);
 * - day of month: `L` (last day), `LW` (last weekday, alone), `nW` (weekday nearest day n);
 * - day of week: `n#k` (k-th weekday n, k = 1-5), `nL` (last weekday n); 0 and 7 are Sunday,
 *   and a range ending in `SUN` ends on Sunday (`FRI-SUN`; `SUN-SUN` is Sunday).
 *
 * @module
 */
import { quoteText } from '../errors/quote-text.js';
import { CronSyntaxError } from './cron-syntax-error.js';

/** The six fields, seconds first. */
export type CronFieldName = 'second' | 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

interface FieldSpec {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  /** Names of the values from `min` on (month: JAN = 1; day of week: SUN = 0). */
  readonly names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const SPECS: Readonly<Record<CronFieldName, FieldSpec>> = {
  second: { name: 'second', min: 0, max: 59 },
  minute: { name: 'minute', min: 0, max: 59 },
  hour: { name: 'hour', min: 0, max: 23 },
  'day-of-month': { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  'day-of-week': { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES },
};

/** What one field selects: `values[v]` is 1 when value `v` is selected. */
export interface ParsedField {
  /** Indexed by value (day of week: 0-6, Sunday 0; month: 1-12). */
  readonly values: Uint8Array;
  /** Whether the field restricts anything (any text but `*` and `?`). */
  readonly restricted: boolean;
}

/** The day-of-month field: plain days plus `L`, `LW` and `nW`. */
export interface ParsedDayOfMonth extends ParsedField {
  /** `L`: the last day of the month. */
  readonly last: boolean;
  /** `LW`: the last weekday (Monday to Friday) of the month. */
  readonly lastWeekday: boolean;
  /** `nW`: the days n whose nearest weekday, within the month, is selected. */
  readonly nearestWeekday: readonly number[];
}

/** The day-of-week field: plain weekdays plus `n#k` and `nL`. */
export interface ParsedDayOfWeek extends ParsedField {
  /** `n#k`: weekday n (0-6) on its k-th (1-5) occurrence in the month. */
  readonly nth: ReadonlyArray<readonly [weekday: number, occurrence: number]>;
  /** `nL`: weekdays n (0-6) on their last occurrence in the month. */
  readonly lastOf: readonly number[];
}

/** The allowed values of a field, in words: `1-31`, `1-12 or JAN-DEC`. */
function allowed(spec: FieldSpec): string {
  const names = spec.names === undefined ? '' : ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}`;
  return `${spec.min}-${spec.max}${names}`;
}

/** Most characters of a field or item a message quotes. */
const MAX_SHOWN = 40;

/** Text as written, cut to {@link MAX_SHOWN} characters (digits and letters only need no quotes). */
function bounded(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
}

/** Text as written, quoted with its control characters escaped, cut to {@link MAX_SHOWN} characters. */
function written(text: string): string {
  return text.length > MAX_SHOWN ? `${quoteText(text.slice(0, MAX_SHOWN))}...` : quoteText(text);
}

function fail(spec: FieldSpec, problem: string): never {
  throw new CronSyntaxError(`${spec.name} ${problem}`);
}

/** One value as written: a number in range, or a name of the field. */
function parseValue(spec: FieldSpec, text: string, item: string): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) fail(spec, `${bounded(text)} is out of range (allowed: ${allowed(spec)})`);
    return value;
  }
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (spec.name === 'month' ? 1 : 0);
  const shown = text === item ? written(item) : `${written(text)} in ${written(item)}`;
  return fail(spec, `${shown} is not a ${spec.names === undefined ? 'number' : 'number or a name'} (allowed: ${allowed(spec)})`);
}

/** The step of `a-b/n` or `*\/n`: 1 to the field's span. */
function parseStep(spec: FieldSpec, text: string, item: string): number {
  const span = spec.max - spec.min;
  if (!/^\d+$/.test(text)) fail(spec, `step ${written(text)} in ${written(item)} is not a number (allowed steps: 1-${span})`);
  const step = Number(text);
  if (step < 1 || step > span) fail(spec, `step ${bounded(text)} in ${written(item)} is out of range (allowed steps: 1-${span})`);
  return step;
}

/** Adds the values of a plain item (`*`, `*\/n`, `a`, `a-b`, `a-b/n`) to `values`. */
function addPlainItem(spec: FieldSpec, item: string, values: Uint8Array): void {
  const slash = item.indexOf('/');
  const base = slash < 0 ? item : item.slice(0, slash);
  const step = slash < 0 ? 1 : parseStep(spec, item.slice(slash + 1), item);
  let from: number;
  let to: number;
  if (base === '*' || (base === '?' && slash < 0)) {
    from = spec.min;
    to = spec.max;
  } else if (base.includes('-')) {
    const parts = base.split('-');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') fail(spec, `${written(item)} is not a range such as 1-5 (allowed: ${allowed(spec)})`);
    from = parseValue(spec, parts[0] as string, item);
    to = parseValue(spec, parts[1] as string, item);
    // A range ending in SUN ends on Sunday: 7, or 0 when it starts on Sunday (SUN-SUN, 0-SUN).
    if (spec.name === 'day-of-week' && (parts[1] as string).toUpperCase() === 'SUN') to = from === 0 ? 0 : 7;
    if (from > to) fail(spec, `range ${written(item)} goes downwards; write the smaller value first (allowed: ${allowed(spec)})`);
  } else if (slash >= 0) {
    return fail(spec, `${written(item)} steps from ${base === '?' ? '?, which stands alone' : 'a single value'}; write */n or a-b/n`);
  } else {
    from = to = parseValue(spec, base, item);
  }
  for (let value = from; value <= to; value += step) values[value] = 1;
}

/** Splits a field into its items, refusing empty ones. */
function itemsOf(spec: FieldSpec, text: string): string[] {
  const items = text.split(',');
  if (items.some((item) => item === '')) fail(spec, `${written(text)} has an empty list item`);
  return items;
}

/** Parses a seconds, minutes, hours or month field. */
export function parseField(name: 'second' | 'minute' | 'hour' | 'month', text: string): ParsedField {
  const spec = SPECS[name];
  const values = new Uint8Array(spec.max + 1);
  for (const item of itemsOf(spec, text)) addPlainItem(spec, item, values);
  return { values, restricted: !isStar(text) };
}

/** Parses the day-of-month field. */
export function parseDayOfMonth(text: string): ParsedDayOfMonth {
  const spec = SPECS['day-of-month'];
  const values = new Uint8Array(32);
  let last = false;
  let lastWeekday = false;
  const nearestWeekday: number[] = [];
  const items = itemsOf(spec, text);
  for (const item of items) {
    const upper = item.toUpperCase();
    if (upper === 'L') last = true;
    else if (upper === 'LW') {
      if (items.length > 1) fail(spec, `"LW" stands alone; ${written(text)} lists it with other days`);
      lastWeekday = true;
    } else if (/^\d+W$/.test(upper)) {
      const day = upper.slice(0, -1);
      if (Number(day) < 1 || Number(day) > 31) fail(spec, `${bounded(item)} is out of range (allowed: 1W-31W)`);
      nearestWeekday.push(Number(day));
    } else if (/[LW]/.test(upper)) {
      fail(spec, `${written(item)} is not a form of L or W (allowed: L, LW, or nW with n from 1 to 31)`);
    } else addPlainItem(spec, item, values);
  }
  return { values, restricted: !isStar(text), last, lastWeekday, nearestWeekday };
}

/** Parses the day-of-week field (values folded to 0-6, Sunday 0). */
export function parseDayOfWeek(text: string): ParsedDayOfWeek {
  const spec = SPECS['day-of-week'];
  const values = new Uint8Array(8);
  const nth: Array<readonly [number, number]> = [];
  const lastOf: number[] = [];
  for (const item of itemsOf(spec, text)) {
    const hash = item.indexOf('#');
    if (hash >= 0) {
      const occurrence = item.slice(hash + 1);
      if (!/^[1-5]$/.test(occurrence)) fail(spec, `${written(item)}: the occurrence after # must be 1 to 5 (as in MON#1, 5#3)`);
      nth.push([weekdayOf(spec, item.slice(0, hash), item), Number(occurrence)]);
    } else if (/^.+L$/i.test(item)) {
      lastOf.push(weekdayOf(spec, item.slice(0, -1), item));
    } else if (/L/i.test(item)) {
      fail(spec, `${written(item)} is not a form of L (allowed: nL, the last weekday n of the month, as in 5L or FRIL)`);
    } else addPlainItem(spec, item, values);
  }
  values[0] ||= values[7] as number;
  return { values: values.subarray(0, 7), restricted: !isStar(text), nth, lastOf };
}

/** The weekday (0-6) written before `#` or `L`: one value or name. */
function weekdayOf(spec: FieldSpec, text: string, item: string): number {
  if (text === '' || /[^0-9A-Za-z]/.test(text)) fail(spec, `${written(item)} needs one weekday before # or L (allowed: ${allowed(spec)})`);
  return parseValue(spec, text, item) % 7;
}

/** `*` or its alias `?`: the field restricts nothing. */
export function isStar(text: string): boolean {
  return text === '*' || text === '?';
}
