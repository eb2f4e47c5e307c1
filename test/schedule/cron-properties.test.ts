/**
 * Properties of CronSchedule, checked with fast-check over random expressions (built by the
 * oracle's generator from a random seed), zones and start instants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../../src/schedule/cron-schedule.js';
import { minuteMatches, mulberry32, randomSpec, wallMatches, wallOf, type CronSpec } from './oracle.js';

const ZONES = ['America/New_York', 'Europe/London', 'Europe/Berlin', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Beirut', 'Pacific/Chatham', 'Antarctica/Troll', 'Asia/Kolkata', 'UTC'];

const specArb = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seed) => randomSpec(mulberry32(seed)));
const zoneArb = fc.constantFrom(...ZONES);
// 2000-2035, with a bias towards March-April and September-November (DST changes).
const instantArb = fc.oneof(
  fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 0, 1) }),
  fc.tuple(fc.integer({ min: 2000, max: 2034 }), fc.constantFrom(2, 3, 8, 9, 10), fc.integer({ min: 0, max: 31 * 86_400_000 })).map(([y, m, ms]) => Date.UTC(y, m, 1) + ms),
);

/**
 * A fire time is right when its wall time matches, or when it is the first instant after a
 * spring-forward gap that skipped a matching wall time.
 */
function explains(spec: CronSpec, zone: string, fire: number): boolean {
  const wall = wallOf(zone, fire);
  if (wallMatches(spec, wall)) return true;
  const before = wallOf(zone, fire - 1000);
  if (wall - before <= 1000) return false; // not right after a gap
  for (let w = Math.ceil((before + 1000) / 60_000) * 60_000; w < wall; w += 60_000) if (minuteMatches(spec, w)) return true;
  return false;
}

describe('CronSchedule properties', () => {
  it('fire times strictly increase, start after `after`, and are whole seconds', () => {
    fc.assert(
      fc.property(specArb, zoneArb, instantArb, (spec, zone, after) => {
        const runs = new CronSchedule(spec.expression, { timezone: zone }).nextRuns(8, new Date(after)).map((d) => d.getTime());
        let previous = after;
        for (const run of runs) {
          expect(run).toBeGreaterThan(previous);
          expect(run % 1000).toBe(0);
          previous = run;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('each fire time matches the expression in the zone (or follows a gap that skipped a match)', () => {
    fc.assert(
      fc.property(specArb, zoneArb, instantArb, (spec, zone, after) => {
        const runs = new CronSchedule(spec.expression, { timezone: zone }).nextRuns(8, new Date(after));
        for (const run of runs) expect(explains(spec, zone, run.getTime()), `${spec.expression} in ${zone} at ${run.toISOString()}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('ticksBetween agrees with iterating next()', () => {
    fc.assert(
      fc.property(specArb, zoneArb, instantArb, fc.integer({ min: 0, max: 3 * 86_400_000 }), fc.integer({ min: 0, max: 50 }), (spec, zone, after, span, limit) => {
        const schedule = new CronSchedule(spec.expression, { timezone: zone });
        const upTo = after + span;
        const expected: number[] = [];
        for (let t = schedule.next(new Date(after)); t !== null && t.getTime() <= upTo && expected.length < limit; t = schedule.next(t)) expected.push(t.getTime());
        expect(schedule.ticksBetween(new Date(after), new Date(upTo), limit).map((d) => d.getTime())).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('next(after) is the first of nextRuns, and the same for every `after` up to it', () => {
    fc.assert(
      fc.property(specArb, zoneArb, instantArb, fc.double({ min: 0, max: 1, noNaN: true }), (spec, zone, after, fraction) => {
        const schedule = new CronSchedule(spec.expression, { timezone: zone });
        const next = schedule.next(new Date(after));
        expect(schedule.nextRuns(1, new Date(after))[0] ?? null).toEqual(next);
        if (next === null) return;
        const between = after + Math.floor((next.getTime() - after - 1) * fraction);
        expect(schedule.next(new Date(between))).toEqual(next);
      }),
      { numRuns: 300 },
    );
  });
});
