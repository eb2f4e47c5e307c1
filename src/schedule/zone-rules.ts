/**
 * UTC offsets of an IANA time zone, as a cached table of transitions.
 *
 * The table is built lazily from `Intl.DateTimeFormat`, one chunk of about 400 days at a time,
 * and shared by every schedule in the zone: in steady state, looking up an offset costs a map
 * lookup and a short binary search, not an `Intl` call.
 *
 * All instants and offsets are milliseconds; offsets are `wall clock - UTC` (New York in winter:
 * -5 h). Transitions are found to the second, which is the precision of the time zone database.
 */

/** Length of one chunk of the transition table: 400 days (whole seconds, so chunk starts are too). */
const CHUNK_MS = 400 * 86_400_000;
/**
 * Distance between two samples when a chunk is built. A transition is found when the offsets of
 * two neighbouring samples differ, so two transitions closer together than this that cancel out
 * (A → B → A) would go unseen. An hourly scan of every zone `Intl` knows, 1970 to 2040, found no
 * two transitions closer than 167 hours (America/Noronha, October 2000).
 */
const SAMPLE_MS = 86_400_000;
/** How far back {@link ZoneRules.maxWallBefore} looks for a fold (a clock set back). */
const FOLD_LOOKBACK_MS = 26 * 3_600_000;

/** Earliest instant handled: 1000-01-01T00:00:00Z. */
export const MIN_INSTANT = Date.UTC(1000, 0, 1);
/** Latest instant handled: 2999-12-31T23:59:59Z (croner searches up to the year 3000). */
export const MAX_INSTANT = Date.UTC(2999, 11, 31, 23, 59, 59);

/** One chunk of the transition table. */
interface Chunk {
  /** Offset in force in the second before `times[0]`. */
  readonly before: number;
  /** `times[0]` is the chunk's start; each later entry is a transition inside the chunk. */
  readonly times: readonly number[];
  /** `offsets[i]` is in force from `times[i]` until `times[i + 1]`. */
  readonly offsets: readonly number[];
}

/** A stretch of time with one UTC offset. */
export interface ZoneSegment {
  /** First instant of the stretch (a transition, or a chunk boundary). */
  readonly start: number;
  /** First instant after the stretch. */
  readonly end: number;
  /** Offset in force during the stretch. */
  readonly offset: number;
  /** Offset in force in the second before `start` (equal to `offset` at a chunk boundary). */
  readonly previousOffset: number;
}

const FORMAT_OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
};

/** Zones whose offset never changes: UTC and its aliases, and the `Etc/GMT±N` zones. */
const FIXED_ZONE = /^(?:Etc\/)?(?:UTC|UCT|GMT|GMT0|GMT[+-]0|Universal|Zulu|Greenwich)$|^Etc\/GMT[+-]\d{1,2}$/;

/** Matches `Intl.DateTimeFormat('en-US')` output such as `3/9/2025, 03:00:00`. */
const FORMAT_PATTERN = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** Rules by canonical zone name. */
const rulesByZone = new Map<string, ZoneRules>();
/** Rules by the name the caller gave (aliases, other spellings), to skip resolving it again. */
const rulesByGivenName = new Map<string, ZoneRules>();
/** Rules of the process's zone, with the `TZ` variable they were resolved for. */
let processRules: { readonly tz: string | undefined; readonly rules: ZoneRules } | undefined;

/** Transition table of one IANA time zone. Obtain instances with {@link ZoneRules.for}. */
export class ZoneRules {
  /** Canonical zone name, as `Intl` resolves it. */
  readonly zone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #chunks = new Map<number, Chunk>();
  /** The offset of a zone that never changes it (UTC, `Etc/GMT+5`), else null. */
  readonly #fixedOffset: number | null;

  private constructor(zone: string, format: Intl.DateTimeFormat) {
    this.zone = zone;
    this.#format = format;
    this.#fixedOffset = FIXED_ZONE.test(zone) ? this.#rawOffset(0) : null;
  }

  /**
   * The shared rules of a zone. `null` means the process's zone, as `Intl` resolves it now.
   * @throws RangeError (from `Intl`) when the zone is unknown
   */
  static for(zone: string | null): ZoneRules {
    if (zone === null) {
      const tz = process.env.TZ;
      if (processRules === undefined || processRules.tz !== tz) processRules = { tz, rules: ZoneRules.#resolve(null) };
      return processRules.rules;
    }
    let rules = rulesByGivenName.get(zone);
    if (rules === undefined) {
      rules = ZoneRules.#resolve(zone);
      if (rulesByGivenName.size < 10_000) rulesByGivenName.set(zone, rules);
    }
    return rules;
  }

  static #resolve(zone: string | null): ZoneRules {
    const format = new Intl.DateTimeFormat('en-US', zone === null ? FORMAT_OPTIONS : { ...FORMAT_OPTIONS, timeZone: zone });
    const canonical = format.resolvedOptions().timeZone;
    let rules = rulesByZone.get(canonical);
    if (rules === undefined) {
      rules = new ZoneRules(canonical, format);
      rulesByZone.set(canonical, rules);
    }
    return rules;
  }

  /** Offset in force at an instant. */
  offsetAt(instant: number): number {
    const chunk = this.#chunk(Math.floor(instant / CHUNK_MS));
    return chunk.offsets[lastAtOrBefore(chunk.times, instant)] ?? 0;
  }

  /** The stretch of constant offset that contains an instant. */
  segmentAt(instant: number): ZoneSegment {
    const index = Math.floor(instant / CHUNK_MS);
    const chunk = this.#chunk(index);
    const i = lastAtOrBefore(chunk.times, instant);
    const start = chunk.times[i] ?? index * CHUNK_MS;
    const offset = chunk.offsets[i] ?? 0;
    const previousOffset = i === 0 ? chunk.before : (chunk.offsets[i - 1] ?? offset);
    const end = chunk.times[i + 1] ?? (index + 1) * CHUNK_MS;
    return { start, end, offset, previousOffset };
  }

  /**
   * The smallest wall-clock time (as fake-UTC milliseconds) not yet shown by the clock before
   * `instant`: after a fold (clocks set back), the walls up to this value are shown a second
   * time. Without a recent fold it is simply the wall time of `instant`.
   */
  maxWallBefore(instant: number): number {
    let max = instant + this.offsetAt(instant - 1000);
    const from = instant - FOLD_LOOKBACK_MS;
    for (let k = Math.floor(from / CHUNK_MS); k <= Math.floor(instant / CHUNK_MS); k++) {
      const chunk = this.#chunk(k);
      for (let i = 0; i < chunk.times.length; i++) {
        const time = chunk.times[i] ?? 0;
        if (time <= from || time > instant) continue;
        const before = i === 0 ? chunk.before : (chunk.offsets[i - 1] ?? 0);
        if (time + before > max) max = time + before;
      }
    }
    return max;
  }

  /** Offset at an instant, straight from `Intl` (slow; used to build the table). */
  #rawOffset(instant: number): number {
    const second = Math.floor(instant / 1000) * 1000;
    const text = this.#format.format(second);
    const m = FORMAT_PATTERN.exec(text);
    if (m === null) throw new RangeError(`CronSchedule: cannot read the wall time of ${new Date(second).toISOString()} in ${this.zone} (got "${text}")`);
    const wall = new Date(0);
    wall.setUTCFullYear(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
    wall.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6]), 0);
    return wall.getTime() - second;
  }

  #chunk(index: number): Chunk {
    const cached = this.#chunks.get(index);
    if (cached !== undefined) return cached;
    const start = index * CHUNK_MS;
    if (this.#fixedOffset !== null) {
      const fixed: Chunk = { before: this.#fixedOffset, times: [start], offsets: [this.#fixedOffset] };
      this.#chunks.set(index, fixed);
      return fixed;
    }
    const last = start + CHUNK_MS - 1000;
    const times = [start];
    const offsets = [this.#rawOffset(start)];
    let previous = start;
    let previousOffset = offsets[0] ?? 0;
    for (let sample = start + SAMPLE_MS; previous < last; sample += SAMPLE_MS) {
      const at = Math.min(sample, last);
      const offset = this.#rawOffset(at);
      // Usually one transition between two samples; walk on if there were more.
      while (offset !== previousOffset) {
        const transition = this.#firstChange(previous, previousOffset, at);
        previousOffset = this.#rawOffset(transition);
        times.push(transition);
        offsets.push(previousOffset);
        previous = transition;
      }
      previous = at;
    }
    const chunk: Chunk = { before: this.#rawOffset(start - 1000), times, offsets };
    this.#chunks.set(index, chunk);
    return chunk;
  }

  /** First whole second in (from, to] whose offset differs from `offset` (the offset at `from`). */
  #firstChange(from: number, offset: number, to: number): number {
    let lo = from;
    let hi = to;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (this.#rawOffset(mid) === offset) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

/** Index of the last element `<= value` in a sorted array whose first element is `<= value`. */
function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((sorted[mid] ?? Infinity) <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
