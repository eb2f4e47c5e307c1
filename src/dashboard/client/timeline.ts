/**
 * The timeline picture: one lane per job, each run a bar from its start to its end coloured
 * by status, missed and skipped ticks marked, over a time window (the last hour or day).
 * Pure: returns an {@link SvgNode} tree, so it is tested without a browser.
 */
import type { RunStatus } from './api-types.js';
import { placeAxisLabels, type AxisLabel } from './axis-labels.js';
import { formatClock, formatDuration, errorSummary } from './format.js';
import { MIN_BAND_TICKS, MISSED_RECORD_LIMIT, groupMissedTicks, type MissedBand } from './missed-bands.js';
import { STATUSES, statusColor } from './palette.js';
import { s, type SvgNode } from './svg-node.js';

/** The fields of a run the timeline and the duration chart use (a `RunView` fits). */
export interface ChartRun {
  readonly id: string;
  readonly job: string;
  readonly status: RunStatus;
  readonly tickAt: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly error?: string | null;
}

/** The time span shown, epoch ms; `end` is usually now. */
export interface TimelineWindow {
  readonly start: number;
  readonly end: number;
}

/** Options of {@link renderTimeline}. */
export interface TimelineOptions {
  /** Width of the picture in SVG units (pixels at 1:1). Default 960. */
  readonly width?: number;
  /** Width of the job-name column. Default 180. */
  readonly labelWidth?: number;
  /** Height of one lane. Default 24, or 18 above 20 jobs. */
  readonly laneHeight?: number;
  /** Where bars of running executions end. Default `window.end`. */
  readonly now?: number;
  /** Formats times of the axis and tooltips. Default `HH:MM:SS` in the browser's zone. */
  readonly formatTime?: (at: number) => string;
  /** The picture's accessible title. Default "Runs of the last …". */
  readonly title?: string;
  /** Prefix of the ids of the title and description elements. Default `timeline`. */
  readonly idPrefix?: string;
  /**
   * Lanes whose runs were loaded only back to a time (the history was longer than one page):
   * the part of the lane before it is shaded "not loaded".
   */
  readonly loadedSince?: ReadonlyMap<string, number>;
}

/** Narrowest bar, so that a run of a few milliseconds is still visible. */
export const MIN_BAR_WIDTH = 2;
/** Narrowest band of missed ticks. */
const MISSED_BAND_MIN_WIDTH = 10;
/** Colour of the cross over failed bars (dark red, visible over the bar and the lane). */
const FAIL_MARK_COLOR = '#82071e';

const AXIS_HEIGHT = 22;
const LEGEND_HEIGHT = 26;
const RIGHT_PAD = 10;
const FONT_SIZE = 12;
/** Candidate axis steps: 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1 d. */
const STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1_440].map((minutes) => minutes * 60_000);

/** A CSS-class-safe form of a status (the store's statuses are already safe). */
export function statusClass(status: string): string {
  return /^[a-z]+$/.test(status) ? status : 'unknown';
}

/** Cuts a label to `max` characters, with an ellipsis. */
export function truncate(label: string, max: number): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** The axis step giving at most about `maxTicks` ticks over `spanMs`. */
export function axisStep(spanMs: number, maxTicks = 8): number {
  return STEPS_MS.find((step) => spanMs / step <= maxTicks) ?? (STEPS_MS.at(-1) as number);
}

/** Words for a window length: `hour`, `day`, or `6 h`. */
function spanWords(spanMs: number): string {
  if (spanMs === 3_600_000) return 'the last hour';
  if (spanMs === 86_400_000) return 'the last day';
  return `the last ${formatDuration(spanMs)}`;
}

/**
 * Renders the timeline of `runs` for `jobs` (lane order; runs of other jobs are left out)
 * over `window`. Runs outside the window are left out; a bar is at least
 * {@link MIN_BAR_WIDTH} wide; running executions extend to `now`; failed bars carry a cross;
 * missed ticks are magenta triangles and skipped ticks grey diamonds at their tick time, and
 * {@link MIN_BAND_TICKS} or more missed ticks in a row are one dashed band with a count. Every
 * bar, band and marker has a tooltip (`<title>`), every lane a `data-job` attribute, and the
 * picture a legend.
 */
export function renderTimeline(runs: readonly ChartRun[], jobs: readonly string[], window: TimelineWindow, options: TimelineOptions = {}): SvgNode {
  const width = options.width ?? 960;
  const labelWidth = options.labelWidth ?? 180;
  const laneHeight = options.laneHeight ?? (jobs.length > 20 ? 18 : 24);
  const now = options.now ?? window.end;
  const formatTime = options.formatTime ?? ((at: number) => formatClock(at));
  const idPrefix = options.idPrefix ?? 'timeline';
  const span = Math.max(1, window.end - window.start);
  const plotLeft = labelWidth;
  const plotRight = width - RIGHT_PAD;
  const plotWidth = plotRight - plotLeft;
  const lanesHeight = Math.max(1, jobs.length) * laneHeight;
  const legendTop = AXIS_HEIGHT + lanesHeight + 6;
  const height = legendTop + LEGEND_HEIGHT;
  const xOf = (at: number): number => plotLeft + ((at - window.start) / span) * plotWidth;
  const clampX = (x: number): number => Math.min(plotRight, Math.max(plotLeft, x));
  const round = (value: number): number => Math.round(value * 10) / 10;

  const laneIndex = new Map(jobs.map((job, index) => [job, index]));
  const lanes: SvgNode[][] = jobs.map(() => []);
  const counts = new Map<string, number>();
  const bands = groupMissedTicks(runs).filter((band) => laneIndex.has(band.job) && band.last >= window.start && band.first <= window.end);
  const inBand = new Set(bands.flatMap((band) => band.runIds));
  for (const band of bands) {
    const index = laneIndex.get(band.job) as number;
    const x0 = clampX(xOf(band.first));
    const x1 = clampX(xOf(band.last));
    (lanes[index] as SvgNode[]).push(missedBandNode(band, round(x0), round(x1), AXIS_HEIGHT + index * laneHeight, laneHeight, formatTime));
  }

  for (const run of runs) {
    const index = laneIndex.get(run.job);
    if (index === undefined) continue;
    const laneTop = AXIS_HEIGHT + index * laneHeight;
    const lane = lanes[index] as SvgNode[];
    if (run.startedAt === null) {
      const at = run.tickAt;
      if (at === null || at < window.start || at > window.end) continue;
      counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
      if (!inBand.has(run.id)) lane.push(tickMarker(run, round(xOf(at)), laneTop, laneHeight, formatTime(at)));
      continue;
    }
    const end = run.endedAt ?? (run.status === 'running' ? now : run.startedAt);
    if (end < window.start || run.startedAt > window.end) continue;
    counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
    const x0 = clampX(xOf(run.startedAt));
    const x1 = clampX(xOf(end));
    const barWidth = Math.max(MIN_BAR_WIDTH, x1 - x0);
    const x = Math.min(x0, plotRight - barWidth);
    const status = statusClass(run.status);
    const ended = run.endedAt === null ? (run.status === 'running' ? 'running' : 'no end recorded') : `${formatTime(run.endedAt)}, ${formatDuration(run.endedAt - run.startedAt)}`;
    const tip = `${run.job}: ${run.status}, ${formatTime(run.startedAt)} → ${ended}${run.error ? ` — ${errorSummary(run.error)}` : ''}`;
    lane.push(
      s(
        'rect',
        { class: `run run-${status}`, 'data-run-id': run.id, 'data-status': status, x: round(x), y: laneTop + 4, width: round(barWidth), height: laneHeight - 8, rx: 1.5, fill: statusColor(run.status) },
        s('title', {}, tip),
      ),
    );
    if (run.status === 'failed') lane.push(failMark(round(x + barWidth / 2), laneTop + laneHeight / 2, laneHeight));
  }

  const maxChars = Math.max(4, Math.floor((labelWidth - 14) / 7));
  const laneNodes = jobs.map((job, index) => {
    const top = AXIS_HEIGHT + index * laneHeight;
    const loaded = options.loadedSince?.get(job);
    const shadeEnd = loaded === undefined ? null : clampX(xOf(loaded));
    return s(
      'g',
      { class: 'lane', 'data-job': job },
      s('rect', { class: 'lane-bg', x: 0, y: top, width, height: laneHeight, fill: index % 2 === 0 ? '#f6f8fa' : '#ffffff' }),
      shadeEnd !== null && shadeEnd > plotLeft
        ? s('rect', { class: 'not-loaded', x: plotLeft, y: top + 1, width: round(shadeEnd - plotLeft), height: laneHeight - 2, fill: '#eaeef2' }, s('title', {}, `${job}: older runs not loaded`))
        : null,
      s('text', { class: 'lane-label', x: 8, y: top + laneHeight / 2 + FONT_SIZE / 2 - 2, 'font-size': FONT_SIZE, fill: '#1f2328' }, truncate(job, maxChars), s('title', {}, job)),
      ...(lanes[index] as SvgNode[]),
    );
  });

  const step = axisStep(span);
  const grid: SvgNode[] = [];
  const timeLabels: AxisLabel[] = [];
  for (let at = Math.ceil(window.start / step) * step; at <= window.end; at += step) {
    const x = round(xOf(at));
    grid.push(s('line', { x1: x, x2: x, y1: AXIS_HEIGHT - 4, y2: AXIS_HEIGHT + lanesHeight, stroke: '#d0d7de', 'stroke-width': 1 }));
    timeLabels.push({ x, text: formatTime(at).slice(0, 5), anchor: 'middle' });
  }
  const axisLabels = placeAxisLabels([{ x: plotRight, text: 'now', anchor: 'end' }], timeLabels, plotLeft, plotRight).map((label) =>
    s('text', { x: label.x, y: AXIS_HEIGHT - 8, 'font-size': 11, 'text-anchor': label.anchor, fill: '#57606a' }, label.text),
  );

  const summary = [...counts.entries()]
    .sort(([a], [b]) => STATUSES.indexOf(a as RunStatus) - STATUSES.indexOf(b as RunStatus))
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  const title = options.title ?? `Runs of ${spanWords(span)}`;
  const description = `${jobs.length} job${jobs.length === 1 ? '' : 's'}, one lane each, from ${formatTime(window.start)} to ${formatTime(window.end)}: ${summary === '' ? 'no runs' : summary}.`;

  return s(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'timeline',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-labelledby': `${idPrefix}-title ${idPrefix}-desc`,
      'font-family': 'system-ui, sans-serif',
    },
    s('title', { id: `${idPrefix}-title` }, title),
    s('desc', { id: `${idPrefix}-desc` }, description),
    s('g', { class: 'lanes' }, ...laneNodes),
    jobs.length === 0 ? s('text', { x: plotLeft, y: AXIS_HEIGHT + 16, 'font-size': FONT_SIZE, fill: '#57606a' }, 'No jobs') : null,
    s('g', { class: 'axis' }, ...grid, ...axisLabels),
    s('line', { class: 'plot-edge', x1: plotLeft, x2: plotLeft, y1: AXIS_HEIGHT - 4, y2: AXIS_HEIGHT + lanesHeight, stroke: '#8c959f', 'stroke-width': 1 }),
    legend(legendTop, plotLeft),
  );
}

/**
 * The cross drawn over a failed run's bar, so failed differs from ok (and from missed) by
 * shape as well as colour.
 */
function failMark(x: number, middle: number, laneHeight: number): SvgNode {
  const r = Math.min(4, laneHeight / 2 - 5);
  return s('path', { class: 'fail-mark', d: crossPath(x, middle, r), stroke: FAIL_MARK_COLOR, 'stroke-width': 2, 'stroke-linecap': 'round', fill: 'none', 'aria-hidden': 'true' });
}

/** An "×" of half-size `r` centred on (`x`, `y`). */
function crossPath(x: number, y: number, r: number): string {
  return `M${x - r} ${y - r}L${x + r} ${y + r}M${x - r} ${y + r}L${x + r} ${y - r}`;
}

/**
 * A band from `x0` to `x1` standing for consecutive missed ticks: dashed outline, light fill,
 * the count inside when it fits ("40 missed", or "40" in a narrow band), and a tooltip with the times (and a note when the outage
 * may have begun before the band: only the newest ticks of an outage are recorded).
 */
function missedBandNode(band: MissedBand, x0: number, x1: number, laneTop: number, laneHeight: number, formatTime: (at: number) => string): SvgNode {
  const color = statusColor('missed');
  const width = Math.max(MISSED_BAND_MIN_WIDTH, x1 - x0);
  const x = Math.round((x0 + x1 - width) * 5) / 10;
  const count = `${band.mayStartPartway ? '≥' : ''}${band.count}`;
  const label = [`${count} missed`, count].find((text) => [...text].length * 6.6 + 6 <= width);
  const since = band.previousAt === null ? '' : ` (the run before: ${formatTime(band.previousAt)})`;
  const partway = band.mayStartPartway ? `; the outage may have begun earlier${since}: only the newest ${MISSED_RECORD_LIMIT} missed ticks of an outage are recorded` : '';
  const tip = `${band.job}: ${band.count} missed ticks in a row, ${formatTime(band.first)} → ${formatTime(band.last)}${partway}`;
  return s(
    'g',
    { class: 'missed-band', 'data-count': band.count, 'data-partway': String(band.mayStartPartway) },
    s('rect', { x, y: laneTop + 3, width, height: laneHeight - 6, rx: 2, fill: color, 'fill-opacity': 0.14, stroke: color, 'stroke-width': 1.5, 'stroke-dasharray': '4 2' }),
    label !== undefined ? s('text', { x: Math.round((x + width / 2) * 10) / 10, y: laneTop + laneHeight / 2 + 4, 'font-size': 11, 'text-anchor': 'middle', fill: color }, label) : null,
    s('title', {}, tip),
  );
}

/** A missed (magenta down-pointing triangle) or skipped (grey diamond) tick at `x`. */
function tickMarker(run: ChartRun, x: number, laneTop: number, laneHeight: number, time: string): SvgNode {
  const middle = laneTop + laneHeight / 2;
  const r = Math.min(5, laneHeight / 2 - 3);
  const status = statusClass(run.status);
  const d = run.status === 'skipped' ? `M${x} ${middle - r}L${x + r} ${middle}L${x} ${middle + r}L${x - r} ${middle}Z` : `M${x - r} ${middle - r}L${x + r} ${middle - r}L${x} ${middle + r}Z`;
  const fill = run.status === 'skipped' ? '#ffffff' : statusColor(run.status);
  return s(
    'path',
    { class: `tick tick-${status}`, 'data-run-id': run.id, 'data-status': status, d, fill, stroke: statusColor(run.status), 'stroke-width': 1.5 },
    s('title', {}, `${run.job}: tick at ${time} ${run.status}`),
  );
}

/** The colour key under the lanes. */
function legend(top: number, left: number): SvgNode {
  const items: SvgNode[] = [];
  let x = left;
  for (const status of STATUSES) {
    const color = statusColor(status);
    const y = top + 8;
    if (status === 'missed') items.push(s('path', { d: `M${x} ${y - 1}L${x + 10} ${y - 1}L${x + 5} ${y + 9}Z`, fill: color }));
    else if (status === 'skipped') items.push(s('path', { d: `M${x + 5} ${y - 1}L${x + 10} ${y + 4}L${x + 5} ${y + 9}L${x} ${y + 4}Z`, fill: '#ffffff', stroke: color, 'stroke-width': 1.5 }));
    else items.push(s('rect', { x, y: y - 1, width: 10, height: 10, rx: 1.5, fill: color }));
    if (status === 'failed') items.push(s('path', { d: crossPath(x + 5, y + 4, 3.5), stroke: FAIL_MARK_COLOR, 'stroke-width': 2, 'stroke-linecap': 'round', fill: 'none' }));
    items.push(s('text', { x: x + 14, y: y + 8, 'font-size': 11, fill: '#1f2328' }, status));
    x += 28 + status.length * 7;
  }
  const missed = statusColor('missed');
  items.push(s('rect', { x, y: top + 7, width: 18, height: 10, rx: 2, fill: missed, 'fill-opacity': 0.14, stroke: missed, 'stroke-width': 1.5, 'stroke-dasharray': '4 2' }));
  items.push(s('text', { x: x + 22, y: top + 16, 'font-size': 11, fill: '#1f2328' }, `missed in a row (${MIN_BAND_TICKS}+)`));
  return s('g', { class: 'legend', 'aria-hidden': 'true' }, ...items);
}
