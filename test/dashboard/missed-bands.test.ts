import { describe, expect, it } from 'vitest';
import { MIN_BAND_TICKS, MISSED_RECORD_LIMIT, groupMissedTicks } from '../../src/dashboard/client/missed-bands.js';
import { STATUS_COLORS } from '../../src/dashboard/client/palette.js';
import { findAll, hasClass, textOf, type SvgNode } from '../../src/dashboard/client/svg-node.js';
import { renderTimeline, type ChartRun } from '../../src/dashboard/client/timeline.js';
import { RECORD_LIMIT } from '../../src/schedule/misfire-plan.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const END = Date.UTC(2026, 0, 15, 12, 0, 0);
const WINDOW = { start: END - HOUR, end: END };
const utc = (at: number): string => new Date(at).toISOString().slice(11, 19);

let nextId = 1;
const missed = (job: string, tickAt: number): ChartRun => ({ id: String(nextId++), job, status: 'missed', tickAt, startedAt: null, endedAt: null });
const ran = (job: string, tickAt: number, status: ChartRun['status'] = 'ok'): ChartRun => ({ id: String(nextId++), job, status, tickAt, startedAt: tickAt + 50, endedAt: tickAt + 900 });
/** Missed ticks of `job`, one a minute, from `from` (inclusive) for `count` minutes. */
const outage = (job: string, from: number, count: number): ChartRun[] => Array.from({ length: count }, (_, index) => missed(job, from + index * MINUTE));

const bandsOf = (svg: SvgNode): SvgNode[] => findAll(svg, (node) => node.tag === 'g' && hasClass(node, 'missed-band'));
const markersOf = (svg: SvgNode): SvgNode[] => findAll(svg, (node) => node.tag === 'path' && hasClass(node, 'tick-missed'));

describe('groupMissedTicks', () => {
  it('groups consecutive missed ticks of a job; a run between them or fewer than the minimum stays separate', () => {
    const runs = [ran('a', END - 50 * MINUTE), ...outage('a', END - 49 * MINUTE, 5), ran('a', END - 44 * MINUTE), ...outage('a', END - 43 * MINUTE, MIN_BAND_TICKS - 1), ran('a', END - 41 * MINUTE), ...outage('b', END - 30 * MINUTE, 4)];
    const bands = groupMissedTicks([...runs].reverse()).sort((x, y) => x.job.localeCompare(y.job));
    expect(bands.map(({ job, first, last, count }) => ({ job, first, last, count }))).toEqual([
      { job: 'a', first: END - 49 * MINUTE, last: END - 45 * MINUTE, count: 5 },
      { job: 'b', first: END - 30 * MINUTE, last: END - 27 * MINUTE, count: 4 },
    ]);
    expect(bands[0]?.previousAt).toBe(END - 50 * MINUTE);
    expect(bands[0]?.mayStartPartway).toBe(false);
    expect(bands[1]?.previousAt).toBeNull();
  });

  it('a skipped tick breaks a band', () => {
    const runs = [...outage('a', END - 20 * MINUTE, 3), { ...missed('a', END - 17 * MINUTE), status: 'skipped' as const }, ...outage('a', END - 16 * MINUTE, 3)];
    expect(groupMissedTicks(runs).map((band) => band.count)).toEqual([3, 3]);
  });

  it('says a band may start partway through the outage: it holds the most ticks recorded, or the run before it is too far back', () => {
    expect(MISSED_RECORD_LIMIT).toBe(RECORD_LIMIT);
    const [full] = groupMissedTicks(outage('a', END - 100 * MINUTE, MISSED_RECORD_LIMIT));
    expect(full?.mayStartPartway).toBe(true);
    const [gap] = groupMissedTicks([ran('a', END - 40 * MINUTE), ...outage('a', END - 20 * MINUTE, 10)]);
    expect(gap?.mayStartPartway).toBe(true);
    expect(gap?.previousAt).toBe(END - 40 * MINUTE);
  });
});

describe('timeline with missed ticks', () => {
  it('draws a long outage as one band with its count, not a wall of markers', () => {
    const svg = renderTimeline([ran('a', END - 55 * MINUTE), ...outage('a', END - 54 * MINUTE, 40), ran('a', END - 14 * MINUTE), missed('a', END - 5 * MINUTE)], ['a'], WINDOW, { formatTime: utc });
    const [band] = bandsOf(svg);
    expect(bandsOf(svg)).toHaveLength(1);
    expect(band?.attrs['data-count']).toBe(40);
    expect(findAll(band as SvgNode, (node) => node.tag === 'text').map(textOf)).toEqual(['40 missed']);
    expect(textOf(findAll(band as SvgNode, (node) => node.tag === 'title')[0] as SvgNode)).toBe('a: 40 missed ticks in a row, 11:06:00 → 11:45:00');
    // The lone missed tick keeps its marker; the 40 in the band have none.
    expect(markersOf(svg)).toHaveLength(1);
    // A narrow band shows the count alone.
    const narrow = bandsOf(renderTimeline(outage('a', END - 20 * MINUTE, 4), ['a'], WINDOW))[0] as SvgNode;
    expect(findAll(narrow, (node) => node.tag === 'text').map(textOf)).toEqual(['4']);
    // The summary still counts every missed tick.
    expect(textOf(findAll(svg, (node) => node.tag === 'desc')[0] as SvgNode)).toContain('41 missed');
  });

  it('marks a band that may start partway through the outage, with the run before it', () => {
    const svg = renderTimeline([ran('a', END - 58 * MINUTE), ...outage('a', END - 30 * MINUTE, 20)], ['a'], WINDOW, { formatTime: utc });
    const [band] = bandsOf(svg);
    expect(band?.attrs['data-partway']).toBe('true');
    expect(findAll(band as SvgNode, (node) => node.tag === 'text').map(textOf)).toEqual(['≥20 missed']);
    expect(textOf(findAll(band as SvgNode, (node) => node.tag === 'title')[0] as SvgNode)).toBe(
      `a: 20 missed ticks in a row, 11:30:00 → 11:49:00; the outage may have begun earlier (the run before: 11:02:00): only the newest ${RECORD_LIMIT} missed ticks of an outage are recorded`,
    );
  });

  it('gives missed and failed different colours and different shapes', () => {
    expect(STATUS_COLORS.missed).not.toBe(STATUS_COLORS.failed);
    const svg = renderTimeline([ran('a', END - 30 * MINUTE, 'failed'), ran('a', END - 20 * MINUTE), missed('a', END - 10 * MINUTE)], ['a'], WINDOW);
    // A failed bar carries a cross; an ok bar does not; a missed tick is a triangle.
    expect(findAll(svg, (node) => hasClass(node, 'fail-mark'))).toHaveLength(1);
    const [marker] = markersOf(svg);
    expect(marker?.attrs.fill).toBe(STATUS_COLORS.missed);
    expect(String(marker?.attrs.d)).toMatch(/^M[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+Z$/);
  });
});
