/**
 * A brute-force oracle for cron fire times, written independently of src/: random cron
 * expressions built from a structured spec (so the oracle knows each field's values without
 * parsing text), field matching on wall-clock times, and a minute-by-minute walk through real
 * time with `Intl.DateTimeFormat` that applies the DST rule of docs/guide/schedules.md:
 *
 * - fire times skipped by a spring-forward gap fire once, at the first instant after the gap;
 * - in a fall-back fold, fixed-time expressions (no `*`, range or step in seconds, minutes,
 *   hours) fire only in the first pass; others fire in both.
 */

/** A seeded PRNG (mulberry32): numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Day-of-month extras. */
interface DomExtras {
  last: boolean; // L
  lastWeekday: boolean; // LW
  nearest: number[]; // nW
}
/** Day-of-week extras. */
interface DowExtras {
  nth: [number, number][]; // [weekday 0-6, occurrence 1-5] from n#k
  last: number[]; // weekdays from nL
}

/** A cron expression with the value sets the oracle uses. */
export interface CronSpec {
  readonly expression: string;
  readonly seconds: number[]; // sorted
  readonly minutes: Set<number>;
  readonly hours: Set<number>;
  readonly days: Set<number>;
  readonly months: Set<number>; // 1-12
  readonly weekdays: Set<number>; // 0-6
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
  readonly domExtras: DomExtras;
  readonly dowExtras: DowExtras;
  /** No wildcard, range or step in the seconds, minutes and hours fields. */
  readonly fixed: boolean;
}

type Rand = () => number;
const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface Field {
  text: string;
  values: Set<number>;
  interval: boolean; // has *, range or step
}

/** One field of numbers lo..hi: `*`, values, lists, ranges, steps. `hot` values are favoured. */
function numericField(rand: Rand, lo: number, hi: number, hot: readonly number[], names?: readonly string[], starWeight = 0.3): Field {
  if (rand() < starWeight) return { text: '*', values: range(lo, hi, 1), interval: true };
  const items: string[] = [];
  const values = new Set<number>();
  let interval = false;
  const name = (v: number): string => (names !== undefined && rand() < 0.4 ? (names[v - lo] ?? String(v)) : String(v));
  const value = (): number => (rand() < 0.6 && hot.length > 0 ? pick(rand, hot) : int(rand, lo, hi));
  const count = rand() < 0.7 ? 1 : int(rand, 2, 3);
  for (let i = 0; i < count; i++) {
    const kind = rand();
    if (kind < 0.5) {
      const v = value();
      items.push(name(v));
      values.add(v);
    } else if (kind < 0.7) {
      const a = value();
      const b = Math.min(hi, a + int(rand, 0, Math.max(1, Math.floor((hi - lo) / 3))));
      items.push(`${name(a)}-${name(b)}`);
      for (const v of range(a, b, 1)) values.add(v);
      interval = true;
    } else if (kind < 0.85) {
      const step = int(rand, 2, Math.max(2, Math.floor((hi - lo + 1) / 2)));
      items.push(`*/${step}`);
      for (const v of range(lo, hi, step)) values.add(v);
      interval = true;
    } else {
      const a = value();
      const b = Math.min(hi, a + int(rand, 1, hi - lo));
      const step = int(rand, 2, 5);
      items.push(`${a}-${b}/${step}`);
      for (const v of range(a, b, step)) values.add(v);
      interval = true;
    }
  }
  return { text: items.join(','), values, interval };
}

function range(lo: number, hi: number, step: number): Set<number> {
  const out = new Set<number>();
  for (let v = lo; v <= hi; v += step) out.add(v);
  return out;
}

/** A random cron expression (5 or 6 fields) with its value sets, biased to fire often and near DST hours. */
export function randomSpec(rand: Rand): CronSpec {
  const withSeconds = rand() < 0.3;
  const seconds = withSeconds ? numericField(rand, 0, 59, [0, 30, 59], undefined, 0.2) : { text: '0', values: new Set([0]), interval: false };
  const minutes = numericField(rand, 0, 59, [0, 15, 30, 45, 59], undefined, 0.25);
  const hours = numericField(rand, 0, 23, [0, 1, 2, 3, 23], undefined, 0.35);
  // Day of month.
  const domExtras: DomExtras = { last: false, lastWeekday: false, nearest: [] };
  let dom: Field;
  const domKind = rand();
  if (domKind < 0.55) dom = { text: rand() < 0.1 ? '?' : '*', values: range(1, 31, 1), interval: false };
  else if (domKind < 0.65) {
    domExtras.last = true;
    const extra = rand() < 0.5 ? int(rand, 1, 28) : null;
    dom = { text: extra === null ? 'L' : `L,${extra}`, values: new Set(extra === null ? [] : [extra]), interval: false };
  } else if (domKind < 0.7) {
    domExtras.lastWeekday = true;
    dom = { text: 'LW', values: new Set(), interval: false };
  } else if (domKind < 0.8) {
    const n = pick(rand, [1, 15, 30, 31, int(rand, 1, 31)]);
    domExtras.nearest.push(n);
    dom = { text: `${n}W`, values: new Set(), interval: false };
  } else dom = numericField(rand, 1, 31, [1, 15, 28, 29, 30, 31], undefined, 0);
  const month = numericField(rand, 1, 12, [1, 3, 10, 11, 12], MONTH_NAMES, 0.85);
  // Day of week.
  const dowExtras: DowExtras = { nth: [], last: [] };
  let dow: Field;
  const dowKind = rand();
  if (dowKind < 0.55) dow = { text: rand() < 0.1 ? '?' : '*', values: range(0, 6, 1), interval: false };
  else if (dowKind < 0.65) {
    const d = int(rand, 0, 7);
    const k = int(rand, 1, 5);
    dowExtras.nth.push([d % 7, k]);
    dow = { text: `${rand() < 0.5 ? (DAY_NAMES[d % 7] ?? d) : d}#${k}`, values: new Set(), interval: false };
  } else if (dowKind < 0.72) {
    const d = int(rand, 0, 6);
    dowExtras.last.push(d);
    dow = { text: `${d}L`, values: new Set(), interval: false };
  } else {
    // Names stand for 0-6 (SUN is 0); 7 (also Sunday) is written as a number.
    const f = numericField(rand, 0, 7, [0, 1, 5, 6, 7], DAY_NAMES, 0);
    dow = { ...f, values: new Set([...f.values].map((v) => v % 7)) };
  }
  const fields = [minutes.text, hours.text, dom.text, month.text, dow.text];
  if (withSeconds) fields.unshift(seconds.text);
  return {
    expression: fields.join(' '),
    seconds: [...seconds.values].sort((a, b) => a - b),
    minutes: minutes.values,
    hours: hours.values,
    days: dom.values,
    months: month.values,
    weekdays: dow.values,
    domRestricted: dom.text !== '*' && dom.text !== '?',
    dowRestricted: dow.text !== '*' && dow.text !== '?',
    domExtras,
    dowExtras,
    fixed: !seconds.interval && !minutes.interval && !hours.interval,
  };
}

const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m: 1-12
const weekday = (y: number, m: number, d: number): number => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

/** Does a calendar day (month 1-12) match the day fields (with the Vixie OR rule)? */
export function dayMatches(spec: CronSpec, y: number, m: number, d: number): boolean {
  if (!spec.months.has(m)) return false;
  const last = daysIn(y, m);
  const wd = weekday(y, m, d);
  let dom = spec.days.has(d);
  if (spec.domExtras.last && d === last) dom = true;
  if (spec.domExtras.lastWeekday) {
    const lw = weekday(y, m, last);
    if (d === (lw === 6 ? last - 1 : lw === 0 ? last - 2 : last)) dom = true;
  }
  for (const n of spec.domExtras.nearest) {
    if (n > last) continue;
    const nwd = weekday(y, m, n);
    const target = nwd === 6 ? (n === 1 ? 3 : n - 1) : nwd === 0 ? (n === last ? n - 2 : n + 1) : n;
    if (d === target) dom = true;
  }
  let dow = spec.weekdays.has(wd);
  for (const [w, k] of spec.dowExtras.nth) if (w === wd && Math.floor((d - 1) / 7) + 1 === k) dow = true;
  for (const w of spec.dowExtras.last) if (w === wd && d + 7 > last) dow = true;
  if (spec.domRestricted && spec.dowRestricted) return dom || dow;
  if (spec.domRestricted) return dom;
  if (spec.dowRestricted) return dow;
  return true;
}

/** Does the wall-clock minute (fake-UTC ms) match day, hour and minute fields? */
export function minuteMatches(spec: CronSpec, wall: number): boolean {
  const d = new Date(wall);
  return spec.minutes.has(d.getUTCMinutes()) && spec.hours.has(d.getUTCHours()) && dayMatches(spec, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Does a wall-clock time (fake-UTC ms, whole second) match every field? */
export function wallMatches(spec: CronSpec, wall: number): boolean {
  const second = new Date(wall).getUTCSeconds();
  return spec.seconds.includes(second) && minuteMatches(spec, wall - second * 1000);
}

/**
 * The first wall-clock time (fake-UTC ms, whole second) at or after `wall` that matches, or
 * null when there is none within `horizonDays` days: a walk over wall-clock minutes, each
 * checked against the day, hour and minute fields, then the seconds in order. A day whose
 * date does not match is passed over whole (none of its minutes could match).
 */
export function oracleNextWall(spec: CronSpec, wall: number, horizonDays: number): number | null {
  const from = Math.ceil(wall / 1000) * 1000;
  const end = from + horizonDays * 86_400_000;
  for (let minute = Math.floor(from / 60_000) * 60_000; minute <= end; minute += 60_000) {
    const date = new Date(minute);
    if (!dayMatches(spec, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())) {
      minute = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1) - 60_000;
      continue;
    }
    if (!minuteMatches(spec, minute)) continue;
    for (const second of spec.seconds) {
      const fire = minute + second * 1000;
      if (fire >= from) return fire <= end ? fire : null;
    }
  }
  return null;
}

/**
 * The seed of a randomised test: `$CRON_SEED` when set (to replay a failure), else a fresh
 * random one. Tests print it in their failure message.
 */
export function testSeed(): number {
  const fromEnv = process.env.CRON_SEED;
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 32);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of an instant in a zone, as fake-UTC milliseconds (via Intl). */
export function wallOf(zone: string, instant: number): number {
  const ms = ((instant % 1000) + 1000) % 1000;
  return formatWall(zone, instant - ms) + ms;
}

function formatWall(zone: string, instant: number): number {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formats.set(zone, format);
  }
  const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/.exec(format.format(instant));
  if (m === null) throw new Error(`oracle: cannot parse ${format.format(instant)}`);
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** How far before `after` the walk starts, to know which wall times a fold repeats. */
const LOOKBACK_MS = 3 * 3_600_000;

/**
 * The first fire time strictly after `after` and at most `after + horizonMs`, or null when
 * there is none in that window. Walks real time minute by minute (offsets change on whole
 * minutes in the zones and years tested; the walk checks it).
 */
export function oracleNext(spec: CronSpec, zone: string, after: number, horizonMs: number): number | null {
  const end = after + horizonMs;
  let previousWall: number | null = null;
  let shownUntil = -Infinity; // every wall time before this has been shown
  // Fixed-time expressions need to know which wall times were shown before `after`.
  const lookback = spec.fixed ? LOOKBACK_MS : 60_000;
  // Intl is asked once an hour; within an hour whose two ends have the same offset, the offset
  // is the same throughout (offset changes are days apart), else it is asked minute by minute.
  let hour = Number.NaN;
  let hourOffset: number | null = null;
  for (let t = Math.floor((after - lookback) / 60_000) * 60_000; t <= end; t += 60_000) {
    const hourStart = Math.floor(t / 3_600_000) * 3_600_000;
    if (hourStart !== hour) {
      hour = hourStart;
      const startOffset = wallOf(zone, hourStart) - hourStart;
      hourOffset = wallOf(zone, hourStart + 3_600_000) - (hourStart + 3_600_000) === startOffset ? startOffset : null;
    }
    const wall = hourOffset === null ? wallOf(zone, t) : t + hourOffset;
    if (wall % 60_000 !== 0) throw new Error(`oracle: ${zone} has a non-minute offset at ${new Date(t).toISOString()}`);
    if (previousWall !== null && wall > previousWall + 60_000) {
      // Spring-forward gap: the skipped wall minutes that match fire once, now.
      for (let w = previousWall + 60_000; w < wall; w += 60_000) {
        if (minuteMatches(spec, w)) {
          if (t > after) return t <= end ? t : null;
          break;
        }
      }
    }
    if (minuteMatches(spec, wall)) {
      for (const s of spec.seconds) {
        const fire = t + s * 1000;
        if (spec.fixed && wall + s * 1000 < shownUntil) continue; // fold, second pass
        if (fire > after) return fire <= end ? fire : null;
      }
    }
    shownUntil = Math.max(shownUntil, wall + 60_000);
    previousWall = wall;
  }
  return null;
}

/** Offset changes of a zone between two instants (daily samples, then bisection to the minute). */
export function transitionsOf(zone: string, from: number, to: number): number[] {
  const offset = (t: number): number => wallOf(zone, t) - t;
  const out: number[] = [];
  let previous = offset(from);
  for (let t = from + 86_400_000; t <= to; t += 86_400_000) {
    const o = offset(t);
    if (o !== previous) {
      let lo = t - 86_400_000;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offset(mid) === previous) lo = mid;
        else hi = mid;
      }
      out.push(hi);
      previous = o;
    }
  }
  return out;
}
