// The verdict of a retention run, computed from its per-minute figures: does the runs table
// stop growing (a plateau), and do the starts (hence the claims) get later over the run.
import { Histogram } from '../lib/histogram.mjs';

/** The table counts as a plateau when its late size is at most this much above the early one. */
const PLATEAU_TOLERANCE = 0.1;

/**
 * The minutes (1-based, inclusive) compared: the table from minutes 5-10 against the last 5, and
 * lateness over the first 5 against the last 5; shorter runs compare proportionally smaller
 * spans (minute 1 is left out of the table's early span: the table is still filling). Null
 * when the run is under 4 minutes.
 */
export function comparedMinutes(minutes) {
  if (minutes < 4) return null;
  if (minutes >= 15) return { sizeEarly: [5, 10], sizeLate: [minutes - 4, minutes], latenessEarly: [1, 5], latenessLate: [minutes - 4, minutes] };
  const quarter = Math.max(1, Math.floor(minutes / 4));
  const half = Math.floor(minutes / 2);
  return { sizeEarly: [2, half], sizeLate: [minutes - quarter + 1, minutes], latenessEarly: [1, half], latenessLate: [minutes - half + 1, minutes] };
}

/**
 * `perMinute`: the run's minutes (bytes = runs table + indexes at each minute's end);
 * `latenessByMinute`: their start lateness histograms. Returns the spans compared, the largest
 * table size in each, whether it is a plateau (late at most 10 % above early), and lateness p99
 * over each lateness span; or `{ tooShort: true }`.
 */
export function retentionVerdict(perMinute, latenessByMinute) {
  const spans = comparedMinutes(perMinute.length);
  if (spans === null) return { tooShort: true };
  const within = ([first, last], list) => list.slice(first - 1, last);
  const largest = (span) => Math.max(...within(span, perMinute).map((minute) => minute.bytes));
  const p99 = (span) => within(span, latenessByMinute).reduce((all, histogram) => all.merge(histogram), new Histogram({ width: 1 })).percentile(99);
  const [earlyBytes, lateBytes] = [largest(spans.sizeEarly), largest(spans.sizeLate)];
  const growth = lateBytes / earlyBytes - 1;
  return {
    tooShort: false,
    spans,
    earlyBytes,
    lateBytes,
    growth,
    plateau: growth <= PLATEAU_TOLERANCE,
    earlyLatenessP99: p99(spans.latenessEarly),
    lateLatenessP99: p99(spans.latenessLate),
  };
}
