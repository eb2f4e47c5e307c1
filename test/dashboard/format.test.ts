import { describe, expect, it } from 'vitest';
import { errorSummary, formatAgo, formatCountdown, formatDateTime, formatDuration, formatValue } from '../../src/dashboard/client/format.js';
import { escapeMarkup, s, toMarkup } from '../../src/dashboard/client/svg-node.js';

describe('dashboard formatting', () => {
  it('formats durations at every scale', () => {
    expect([0.2, 7, 999, 1_000, 2_460, 9_999, 10_000, 59_999, 61_000, 3_599_000, 3_600_000, 7_380_000, 90_000_000].map(formatDuration)).toEqual([
      '<1 ms',
      '7 ms',
      '999 ms',
      '1.0 s',
      '2.4 s',
      '9.9 s',
      '10 s',
      '59 s',
      '1 min 1 s',
      '59 min 59 s',
      '1 h 0 min',
      '2 h 3 min',
      '1 d 1 h',
    ]);
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('counts down in whole seconds and says "due now" once reached', () => {
    expect(formatCountdown(10_000, 0)).toBe('in 10 s');
    expect(formatCountdown(10_000, 1)).toBe('in 10 s');
    expect(formatCountdown(10_000, 1_000)).toBe('in 9.0 s');
    expect(formatCountdown(125_000, 0)).toBe('in 2 min 5 s');
    expect(formatCountdown(10_000, 10_000)).toBe('due now');
    expect(formatAgo(0, 500)).toBe('just now');
    expect(formatAgo(0, 65_400)).toBe('1 min 5 s ago');
  });

  it('shows dates, error first lines and model values', () => {
    expect(formatDateTime(Date.UTC(2026, 0, 2, 3, 4, 5), 'UTC')).toBe('2026-01-02 03:04:05');
    expect(errorSummary('Error: boom\n    at f (x.ts:1:1)')).toBe('Error: boom');
    expect(errorSummary('\n  just a stack')).toBe('just a stack');
    expect([formatValue('a <b>'), formatValue(null), formatValue({ factor: 2 }), formatValue(undefined)]).toEqual(['a <b>', 'null', '{"factor":2}', '—']);
  });

  it('serialises node trees with every text and attribute escaped', () => {
    expect(escapeMarkup(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(toMarkup(s('text', { 'data-x': '"><script>', skip: null }, '</text><script>alert(1)</script>'))).toBe('<text data-x="&quot;&gt;&lt;script&gt;">&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;</text>');
  });
});
