import { describe, expect, it } from 'vitest';
import { MIN_BAR_WIDTH, axisStep, renderTimeline, truncate, type ChartRun } from '../../src/dashboard/client/timeline.js';
import { STATUS_COLORS } from '../../src/dashboard/client/palette.js';
import { findAll, hasClass, textOf, toMarkup, type SvgNode } from '../../src/dashboard/client/svg-node.js';

const HOUR = 3_600_000;
const END = Date.UTC(2026, 0, 15, 12, 0, 0);
const WINDOW = { start: END - HOUR, end: END };
const utc = (at: number): string => new Date(at).toISOString().slice(11, 19);

let nextId = 1;
function run(job: string, status: ChartRun['status'], startedAt: number | null, endedAt: number | null, extra: Partial<ChartRun> = {}): ChartRun {
  return { id: String(nextId++), job, status, tickAt: null, startedAt, endedAt, error: null, ...extra };
}

const lanes = (svg: SvgNode): SvgNode[] => findAll(svg, (node) => node.tag === 'g' && hasClass(node, 'lane'));
const bars = (node: SvgNode): SvgNode[] => findAll(node, (child) => child.tag === 'rect' && hasClass(child, 'run'));
const ticks = (node: SvgNode): SvgNode[] => findAll(node, (child) => child.tag === 'path' && hasClass(child, 'tick'));
const num = (value: string | number | undefined): number => Number(value);

describe('renderTimeline', () => {
  it('draws one lane per job, in the given order, and leaves out runs of other jobs', () => {
    const svg = renderTimeline([run('b', 'ok', END - 600_000, END - 590_000), run('gone', 'ok', END - 600_000, END - 500_000)], ['a', 'b', 'c'], WINDOW, { formatTime: utc });
    expect(lanes(svg).map((lane) => lane.attrs['data-job'])).toEqual(['a', 'b', 'c']);
    expect(bars(svg)).toHaveLength(1);
    expect(bars(lanes(svg)[1] as SvgNode)).toHaveLength(1);
    expect(svg.attrs.role).toBe('img');
    expect(textOf(findAll(svg, (node) => node.tag === 'desc')[0] as SvgNode)).toBe('3 jobs, one lane each, from 11:00:00 to 12:00:00: 1 ok.');
  });

  it('places a bar from start to end, proportionally to the window', () => {
    const svg = renderTimeline([run('a', 'ok', END - HOUR / 2, END - HOUR / 4)], ['a'], WINDOW, { width: 1_010, labelWidth: 200 });
    // plot: x 200..1000 (800 units for an hour)
    const [bar] = bars(svg);
    expect(num(bar?.attrs.x)).toBeCloseTo(600, 1);
    expect(num(bar?.attrs.width)).toBeCloseTo(200, 1);
  });

  it('colours bars by status and names the status in a class and a tooltip', () => {
    const statuses = ['ok', 'failed', 'timeout', 'interrupted', 'running'] as const;
    const runs = statuses.map((status, index) => run('a', status, END - (index + 2) * 60_000, status === 'running' ? null : END - (index + 2) * 60_000 + 5_000));
    const svg = renderTimeline(runs, ['a'], WINDOW, { formatTime: utc });
    for (const status of statuses) {
      const bar = bars(svg).find((node) => node.attrs['data-status'] === status);
      expect(bar?.attrs.fill).toBe(STATUS_COLORS[status]);
      expect(hasClass(bar as SvgNode, `run-${status}`)).toBe(true);
      expect(textOf(bar as SvgNode)).toContain(`a: ${status}, `);
    }
    // A running bar extends to now (the window's end).
    const running = bars(svg).find((node) => node.attrs['data-status'] === 'running') as SvgNode;
    expect(num(running.attrs.x) + num(running.attrs.width)).toBeCloseTo(960 - 10, 0);
  });

  it('gives a run of a few milliseconds a visible minimum width, and clips runs at the window edges', () => {
    const svg = renderTimeline([run('a', 'ok', END - 1_000_000, END - 999_997), run('a', 'ok', END - HOUR - 60_000, END - HOUR + 60_000), run('a', 'ok', END - 2 * HOUR, END - HOUR - 1)], ['a'], WINDOW);
    const [short, clipped] = bars(svg);
    expect(bars(svg)).toHaveLength(2);
    expect(num(short?.attrs.width)).toBe(MIN_BAR_WIDTH);
    expect(num(clipped?.attrs.x)).toBe(180);
  });

  it('marks missed ticks with red triangles and skipped ticks with grey diamonds at their tick time', () => {
    const tickAt = END - HOUR / 2;
    const svg = renderTimeline([run('a', 'missed', null, null, { tickAt }), run('a', 'skipped', null, null, { tickAt: tickAt + 60_000 }), run('a', 'missed', null, null, { tickAt: END - 2 * HOUR })], ['a'], WINDOW, {
      formatTime: utc,
      width: 1_010,
      labelWidth: 200,
    });
    const [missed, skipped] = ticks(svg);
    expect(ticks(svg)).toHaveLength(2);
    expect(missed?.attrs['data-status']).toBe('missed');
    expect(missed?.attrs.fill).toBe(STATUS_COLORS.missed);
    expect(missed?.attrs.d).toBe('M595 29L605 29L600 39Z'); // centred on x = 600, mid-lane
    expect(skipped?.attrs['data-status']).toBe('skipped');
    expect(skipped?.attrs.fill).toBe('#ffffff');
    expect(skipped?.attrs.stroke).toBe(STATUS_COLORS.skipped);
    expect(textOf(missed as SvgNode)).toBe('a: tick at 11:30:00 missed');
    expect(bars(svg)).toHaveLength(0);
  });

  it('escapes job names and error messages (they stay text)', () => {
    const name = '<script>alert(1)</script>';
    const svg = renderTimeline([run(name, 'failed', END - 60_000, END - 50_000, { error: 'Error: boom <img src=x onerror=alert(2)>\n    at x (y.ts:1:1)' })], [name], WINDOW);
    const markup = toMarkup(svg);
    expect(markup).not.toContain('<script>');
    expect(markup).not.toContain('<img');
    expect(markup).toContain('data-job="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(markup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;: failed');
    expect(markup).toContain('boom &lt;img src=x onerror=alert(2)&gt;');
    expect(markup).not.toContain('at x (y.ts'); // tooltips show the message, not the stack
    // The tree itself holds the raw text (the DOM builder sets it as text).
    expect(textOf(lanes(svg)[0] as SvgNode)).toContain(name);
  });

  it('stays readable at 50 jobs: one lane each, labels cut with the full name in a tooltip', () => {
    const jobs = Array.from({ length: 50 }, (_, index) => `job-${String(index).padStart(2, '0')}-${'x'.repeat(index % 3 === 0 ? 40 : 3)}`);
    const runs = jobs.flatMap((job, index) => Array.from({ length: 12 }, (_, k) => run(job, (index + k) % 9 === 0 ? 'failed' : 'ok', END - HOUR + k * 300_000 + index * 1_000, END - HOUR + k * 300_000 + index * 1_000 + 20_000)));
    const svg = renderTimeline(runs, jobs, WINDOW);
    const all = lanes(svg);
    expect(all).toHaveLength(50);
    const laneHeights = all.map((lane) => num(findAll(lane, (node) => hasClass(node, 'lane-bg'))[0]?.attrs.height));
    expect(new Set(laneHeights)).toEqual(new Set([18]));
    expect(num(svg.attrs.height)).toBe(22 + 50 * 18 + 6 + 26);
    expect(bars(svg)).toHaveLength(600);
    const label = findAll(all[0] as SvgNode, (node) => node.tag === 'text')[0] as SvgNode;
    expect(textOf(label)).toMatch(/…/);
    expect(textOf(findAll(label, (node) => node.tag === 'title')[0] as SvgNode)).toBe(jobs[0]);
    expect([...(textOf(label).replace(jobs[0] ?? '', ''))].length).toBeLessThanOrEqual(24);
    // Lanes do not overlap and bars stay within their lane.
    for (const [index, lane] of all.entries()) {
      const top = 22 + index * 18;
      for (const bar of bars(lane)) {
        expect(num(bar.attrs.y)).toBeGreaterThanOrEqual(top);
        expect(num(bar.attrs.y) + num(bar.attrs.height)).toBeLessThanOrEqual(top + 18);
      }
    }
  });

  it('shades the part of a lane whose runs were not loaded', () => {
    const svg = renderTimeline([], ['busy', 'calm'], WINDOW, { loadedSince: new Map([['busy', END - HOUR / 2]]) });
    const shaded = findAll(svg, (node) => hasClass(node, 'not-loaded'));
    expect(shaded).toHaveLength(1);
    expect(textOf(shaded[0] as SvgNode)).toBe('busy: older runs not loaded');
  });

  it('labels the axis with round times and says when there are no jobs', () => {
    expect(axisStep(HOUR)).toBe(10 * 60_000);
    expect(axisStep(24 * HOUR)).toBe(3 * HOUR);
    const svg = renderTimeline([], [], WINDOW, { formatTime: utc });
    const labels = findAll(svg, (node) => node.tag === 'text').map(textOf);
    expect(labels).toContain('11:10');
    expect(labels).toContain('No jobs');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});
