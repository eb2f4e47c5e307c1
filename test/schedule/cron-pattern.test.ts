/**
 * The compiled pattern's wall-clock search (ours, over croner's parsed fields) against croner's
 * own `CronDate#increment` on the same expression, and the sharing of compiled patterns.
 */
import { CronDate, CronPattern } from 'croner';
import { describe, expect, it } from 'vitest';
import { compileCron } from '../../src/schedule/cron-pattern.js';
import { mulberry32, randomSpec } from './oracle.js';

describe('compileCron', () => {
  it('finds the same next wall-clock time as croner, for random expressions', () => {
    const rand = mulberry32(42);
    const differences: string[] = [];
    let compared = 0;
    while (compared < 1500) {
      const { expression } = randomSpec(rand);
      // croner reads SUN-SUN and 0-SUN as every day; we correct that (tested below).
      if (/(^|[ ,])(0|SUN)-SUN/i.test(expression)) continue;
      const ours = compileCron(expression);
      const theirs = new CronPattern(expression, undefined, { mode: '5-or-6-parts' });
      for (let k = 0; k < 3; k++) {
        const wall = Date.UTC(2000, 0, 1) + Math.floor(rand() * 40 * 365 * 86_400) * 1000;
        const expected = new CronDate(new Date(wall - 1000), 0).increment(theirs, { domAndDow: false }, false)?.getTime() ?? null;
        const actual = ours.nextWallAtOrAfter(wall);
        compared++;
        if (actual !== expected) differences.push(`"${expression}" from ${new Date(wall).toISOString()}: croner ${String(expected && new Date(expected).toISOString())}, ours ${String(actual && new Date(actual).toISOString())}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('returns the same compiled object for the same expression (whitespace aside)', () => {
    const a = compileCron('*/5  9-17 * * MON-FRI');
    expect(compileCron(' */5 9-17 * * MON-FRI ')).toBe(a);
    expect(compileCron('*/5 9-17 * * MON-SAT')).not.toBe(a);
  });

  it('classifies fixed-time and interval expressions', () => {
    const fixed = ['30 1 * * *', '0,30 1 * * *', '0 0 1,2 * * *', '@daily', '@weekly', '15 10 * * 1-5', '0 0 */2 * *'];
    const interval = ['* 1 * * *', '*/30 1 * * *', '30 1-2 * * *', '30 * * * *', '@hourly', '*/10 30 1 * * *', '0-5 30 1 * * *', '30 ? * * *'];
    expect(fixed.filter((e) => !compileCron(e).fixedTime)).toEqual([]);
    expect(interval.filter((e) => compileCron(e).fixedTime)).toEqual([]);
  });

  it('reads SUN-SUN and 0-SUN as Sunday, as Vixie cron does (croner reads them as every day)', () => {
    const monday = Date.UTC(2025, 2, 10, 0, 0, 0);
    const sunday = Date.UTC(2025, 2, 16, 0, 0, 0);
    for (const dow of ['SUN-SUN', '0-SUN', 'sun-sun', '0-SUN/2']) expect(compileCron(`0 0 * * ${dow}`).nextWallAtOrAfter(monday), dow).toBe(sunday);
    expect(compileCron('0 0 * * MON-SUN').nextWallAtOrAfter(monday)).toBe(monday);
    expect(compileCron('0 0 * * FRI-SUN').nextWallAtOrAfter(monday)).toBe(Date.UTC(2025, 2, 14));
  });

  it('returns null when the pattern never matches', () => {
    expect(compileCron('0 0 30 2 *').nextWallAtOrAfter(Date.UTC(2025, 0, 1))).toBeNull();
    expect(compileCron('0 0 31 4,6,9,11 *').nextWallAtOrAfter(Date.UTC(2025, 0, 1))).toBeNull();
  });
});
