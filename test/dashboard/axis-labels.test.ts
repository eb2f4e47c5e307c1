import { describe, expect, it } from 'vitest';
import { AXIS_LABEL_GAP, labelExtent, placeAxisLabels, type AxisLabel } from '../../src/dashboard/client/axis-labels.js';
import { renderTimeline } from '../../src/dashboard/client/timeline.js';
import { findAll, hasClass, textOf, type SvgNode } from '../../src/dashboard/client/svg-node.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const utc = (at: number): string => new Date(at).toISOString().slice(11, 19);

/** The axis labels of a rendered timeline, as placed. */
function axisLabels(svg: SvgNode): AxisLabel[] {
  const axis = findAll(svg, (node) => node.tag === 'g' && hasClass(node, 'axis'))[0] as SvgNode;
  return findAll(axis, (node) => node.tag === 'text').map((node) => ({ x: Number(node.attrs.x), text: textOf(node), anchor: node.attrs['text-anchor'] as AxisLabel['anchor'] }));
}

describe('placeAxisLabels', () => {
  it('keeps the fixed label and drops a grid label that would touch it', () => {
    const now: AxisLabel = { x: 950, text: 'now', anchor: 'end' };
    const placed = placeAxisLabels([now], [{ x: 900, text: '06:30', anchor: 'middle' }, { x: 925, text: '06:40', anchor: 'middle' }], 180, 950);
    expect(placed.map((label) => label.text)).toEqual(['now', '06:30']);
  });

  it('drops labels that would leave the plot', () => {
    const placed = placeAxisLabels([], [{ x: 185, text: '06:00', anchor: 'middle' }, { x: 300, text: '06:10', anchor: 'middle' }], 180, 950);
    expect(placed.map((label) => label.text)).toEqual(['06:10']);
  });

  it('estimates extents by anchor', () => {
    const [left, right] = labelExtent({ x: 100, text: '12:00', anchor: 'middle' });
    expect(100 - left).toBeCloseTo(right - 100, 5);
    expect(labelExtent({ x: 100, text: 'now', anchor: 'end' })[1]).toBe(100);
    expect(labelExtent({ x: 100, text: 'now', anchor: 'start' })[0]).toBe(100);
  });
});

describe('timeline axis', () => {
  it('never draws overlapping labels, wherever "now" falls between two grid lines (no "06:40now")', () => {
    for (const [span, width] of [
      [HOUR, 960],
      [24 * HOUR, 960],
      [HOUR, 420],
    ] as const) {
      for (let offset = 0; offset < 15 * 60_000; offset += 5_000) {
        const end = START + offset;
        const labels = axisLabels(renderTimeline([], ['a'], { start: end - span, end }, { formatTime: utc, width }));
        expect(labels.map((label) => label.text)).toContain('now');
        const extents = labels.map(labelExtent).sort((a, b) => a[0] - b[0]);
        for (let index = 1; index < extents.length; index++) {
          const previous = extents[index - 1] as readonly [number, number];
          const current = extents[index] as readonly [number, number];
          expect(current[0] - previous[1], `labels ${JSON.stringify(labels)} at end ${utc(end)}`).toBeGreaterThanOrEqual(AXIS_LABEL_GAP);
        }
        expect(labels.length).toBeGreaterThan(width > 500 ? 3 : 1);
      }
    }
  });
});
