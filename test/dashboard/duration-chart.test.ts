import { describe, expect, it } from 'vitest';
import { niceCeiling, renderDurationChart } from '../../src/dashboard/client/duration-chart.js';
import { STATUS_COLORS } from '../../src/dashboard/client/palette.js';
import { findAll, hasClass, textOf, toMarkup, type SvgNode } from '../../src/dashboard/client/svg-node.js';
import type { ChartRun } from '../../src/dashboard/client/timeline.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const utc = (at: number): string => new Date(at).toISOString().slice(11, 19);
const bars = (svg: SvgNode): SvgNode[] => findAll(svg, (node) => node.tag === 'rect' && hasClass(node, 'bar'));

function run(id: number, status: ChartRun['status'], durationMs: number | null, error: string | null = null): ChartRun {
  const startedAt = status === 'missed' || status === 'skipped' ? null : T0 + id * 60_000;
  return { id: String(id), job: 'j', status, tickAt: null, startedAt, endedAt: startedAt === null || durationMs === null ? null : startedAt + durationMs, error };
}

describe('renderDurationChart', () => {
  it('draws one bar per finished run, oldest left, height by duration, colour by status', () => {
    // newest first, as the API returns them
    const runs = [run(4, 'running', null), run(3, 'failed', 400, 'Error: x'), run(2, 'missed', null), run(1, 'ok', 1_000), run(0, 'timeout', 200)];
    const svg = renderDurationChart(runs, { formatTime: utc, width: 800, height: 200 });
    const drawn = bars(svg);
    expect(drawn.map((bar) => bar.attrs['data-run-id'])).toEqual(['0', '1', '3']);
    expect(drawn.map((bar) => bar.attrs.fill)).toEqual([STATUS_COLORS.timeout, STATUS_COLORS.ok, STATUS_COLORS.failed]);
    const heights = drawn.map((bar) => Number(bar.attrs.height));
    expect(heights[1]).toBeCloseTo((200 - 12 - 22) * 1, 0); // 1 s is the top of a 1 s axis
    expect(heights[0]).toBeCloseTo(heights[1]! * 0.2, 0);
    expect(heights[2]).toBeCloseTo(heights[1]! * 0.4, 0);
    expect(Number(drawn[0]!.attrs.x)).toBeLessThan(Number(drawn[1]!.attrs.x));
    expect(textOf(findAll(svg, (node) => node.tag === 'desc')[0]!)).toBe('3 finished runs, oldest first; median 400 ms, longest 1.0 s.');
    expect(textOf(svg)).toContain('median 400 ms');
    expect(textOf(drawn[2]!)).toBe('#3 failed, 12:03:00, 400 ms — Error: x');
  });

  it('keeps the newest maxBars runs', () => {
    const runs = Array.from({ length: 150 }, (_, index) => run(index, 'ok', 100 + index));
    const drawn = bars(renderDurationChart(runs, { maxBars: 100 }));
    expect(drawn).toHaveLength(100);
    expect(drawn[0]?.attrs['data-run-id']).toBe('50');
    expect(drawn.at(-1)?.attrs['data-run-id']).toBe('149');
  });

  it('escapes error messages in tooltips', () => {
    const markup = toMarkup(renderDurationChart([run(1, 'failed', 10, 'Error: <script>alert(1)</script>\n    at f (g.ts:1:1)')]));
    expect(markup).not.toContain('<script>');
    expect(markup).toContain('Error: &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says so when there is nothing to draw', () => {
    const svg = renderDurationChart([run(1, 'running', null), run(2, 'skipped', null)]);
    expect(bars(svg)).toHaveLength(0);
    expect(textOf(svg)).toContain('No finished runs yet');
  });

  it('rounds the axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0, 1, 7, 130, 1_000, 1_001, 2_400, 4_200, 61_000].map(niceCeiling)).toEqual([1, 1, 10, 200, 1_000, 2_000, 2_500, 5_000, 100_000]);
  });
});
