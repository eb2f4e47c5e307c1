/**
 * The duration chart of a job page: one bar per finished execution, oldest to newest, its
 * height the run's duration, coloured by status, with the median marked. Pure: returns an
 * {@link SvgNode} tree.
 */
import { errorSummary, formatClock, formatDuration } from './format.js';
import { statusColor } from './palette.js';
import { s, type SvgNode } from './svg-node.js';
import { statusClass, type ChartRun } from './timeline.js';

/** Options of {@link renderDurationChart}. */
export interface DurationChartOptions {
  /** Width in SVG units. Default 800. */
  readonly width?: number;
  /** Height in SVG units. Default 200. */
  readonly height?: number;
  /** Most bars (the newest runs). Default 100. */
  readonly maxBars?: number;
  /** Formats run start times in tooltips. Default `HH:MM:SS` in the browser's zone. */
  readonly formatTime?: (at: number) => string;
  /** The accessible title. Default "Run durations". */
  readonly title?: string;
  /** Prefix of the ids of the title and description elements. Default `durations`. */
  readonly idPrefix?: string;
}

const LEFT = 64;
const TOP = 12;
const BOTTOM = 22;
const RIGHT = 96;

/** A "nice" upper bound of the axis: 1, 2 or 5 times a power of ten, at least `value`. */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const factor = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= value) ?? 10;
  return factor * power;
}

/** The median of a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Renders the durations of the finished executions among `runs` (any order; missed,
 * skipped and running ones are left out), the newest `maxBars` of them, oldest on the left.
 */
export function renderDurationChart(runs: readonly ChartRun[], options: DurationChartOptions = {}): SvgNode {
  const width = options.width ?? 800;
  const height = options.height ?? 200;
  const formatTime = options.formatTime ?? ((at: number) => formatClock(at));
  const idPrefix = options.idPrefix ?? 'durations';
  const finished = runs
    .filter((run): run is ChartRun & { startedAt: number; endedAt: number } => run.startedAt !== null && run.endedAt !== null)
    .sort((a, b) => a.startedAt - b.startedAt || Number(a.id) - Number(b.id))
    .slice(-(options.maxBars ?? 100));
  const plotWidth = width - LEFT - RIGHT;
  const plotHeight = height - TOP - BOTTOM;
  const baseline = TOP + plotHeight;
  const durations = finished.map((run) => Math.max(0, run.endedAt - run.startedAt));
  const top = niceCeiling(Math.max(0, ...durations));
  const yOf = (ms: number): number => baseline - (ms / top) * plotHeight;
  const round = (value: number): number => Math.round(value * 10) / 10;
  const title = options.title ?? 'Run durations';
  const middle = durations.length === 0 ? null : median(durations);
  const description =
    durations.length === 0
      ? 'No finished runs yet.'
      : `${durations.length} finished run${durations.length === 1 ? '' : 's'}, oldest first; median ${formatDuration(middle ?? 0)}, longest ${formatDuration(Math.max(...durations))}.`;

  const axis: SvgNode[] = [];
  for (const fraction of [0, 0.5, 1]) {
    const y = round(yOf(top * fraction));
    axis.push(s('line', { x1: LEFT, x2: width - RIGHT, y1: y, y2: y, stroke: fraction === 0 ? '#8c959f' : '#d0d7de', 'stroke-width': 1 }));
    axis.push(s('text', { x: LEFT - 6, y: y + 4, 'font-size': 11, 'text-anchor': 'end', fill: '#57606a' }, fraction === 0 ? '0' : formatDuration(top * fraction)));
  }

  const slot = finished.length === 0 ? 0 : plotWidth / finished.length;
  const barWidth = Math.max(1, Math.min(24, slot * 0.75));
  const bars = finished.map((run, index) => {
    const duration = durations[index] as number;
    const barHeight = Math.max(1.5, baseline - yOf(duration));
    const status = statusClass(run.status);
    const tip = `#${run.id} ${run.status}, ${formatTime(run.startedAt)}, ${formatDuration(duration)}${run.error ? ` — ${errorSummary(run.error)}` : ''}`;
    return s(
      'rect',
      { class: `bar bar-${status}`, 'data-run-id': run.id, 'data-status': status, x: round(LEFT + slot * index + (slot - barWidth) / 2), y: round(baseline - barHeight), width: round(barWidth), height: round(barHeight), fill: statusColor(run.status) },
      s('title', {}, tip),
    );
  });

  const medianLine =
    middle === null
      ? null
      : s(
          'g',
          { class: 'median' },
          s('line', { x1: LEFT, x2: width - RIGHT, y1: round(yOf(middle)), y2: round(yOf(middle)), stroke: '#1f2328', 'stroke-width': 1, 'stroke-dasharray': '4 3' }),
          s('text', { x: width - RIGHT + 6, y: round(yOf(middle)) + 4, 'font-size': 11, fill: '#1f2328' }, `median ${formatDuration(middle)}`),
        );

  return s(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', class: 'duration-chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': `${idPrefix}-title ${idPrefix}-desc`, 'font-family': 'system-ui, sans-serif' },
    s('title', { id: `${idPrefix}-title` }, title),
    s('desc', { id: `${idPrefix}-desc` }, description),
    s('g', { class: 'axis' }, ...axis),
    s('g', { class: 'bars' }, ...bars),
    medianLine,
    finished.length === 0 ? s('text', { x: LEFT + 8, y: TOP + plotHeight / 2, 'font-size': 12, fill: '#57606a' }, 'No finished runs yet') : null,
    finished.length > 0 ? s('text', { x: LEFT, y: height - 6, 'font-size': 11, fill: '#57606a' }, `oldest ${formatTime((finished[0] as ChartRun & { startedAt: number }).startedAt)}`) : null,
    finished.length > 0 ? s('text', { x: width - RIGHT, y: height - 6, 'font-size': 11, 'text-anchor': 'end', fill: '#57606a' }, `newest ${formatTime((finished.at(-1) as ChartRun & { startedAt: number }).startedAt)}`) : null,
  );
}
