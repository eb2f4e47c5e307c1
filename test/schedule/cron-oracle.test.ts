/**
 * Differential test: CronSchedule#next against the brute-force oracle (test/schedule/oracle.ts)
 * for thousands of random expressions and zones (a fresh seed each run, printed on failure;
 * replay with CRON_SEED=<seed>), mostly from just before a DST
 * transition. Each case follows a chain of up to three fire times. Any disagreement fails the
 * test with the list.
 */
import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../../src/schedule/cron-schedule.js';
import { mulberry32, oracleNext, randomSpec, testSeed, transitionsOf } from './oracle.js';

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Dublin',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Asia/Beirut',
  'America/Havana',
  'Pacific/Chatham',
  'Pacific/Apia',
  'Antarctica/Troll',
  'America/Sao_Paulo',
  'Asia/Tehran',
  'Africa/Casablanca',
  'Africa/Cairo',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'UTC',
];
const CASES = 4000;
const CHAIN = 3;
const HORIZON_MS = 2 * 86_400_000;
const FROM = Date.UTC(2005, 0, 1);
const TO = Date.UTC(2030, 0, 1);

describe('CronSchedule#next against the brute-force oracle', () => {
  it(`agrees on ${CASES} random expressions × ${ZONES.length} zones`, () => {
    const transitions = new Map(ZONES.map((zone) => [zone, transitionsOf(zone, FROM, TO)]));
    const seed = testSeed();
    const rand = mulberry32(seed);
    const disagreements: string[] = [];
    let compared = 0;
    let inHorizon = 0;
    for (let i = 0; i < CASES; i++) {
      const spec = randomSpec(rand);
      const zone = ZONES[Math.floor(rand() * ZONES.length)] ?? 'UTC';
      const near = transitions.get(zone) ?? [];
      // 70 %: up to 26 hours before a transition; otherwise anywhere in 2005-2029.
      let after = near.length > 0 && rand() < 0.7 ? (near[Math.floor(rand() * near.length)] ?? FROM) - Math.floor(rand() * 26 * 3_600_000) : FROM + Math.floor(rand() * (TO - FROM - HORIZON_MS));
      if (rand() < 0.3) after += Math.floor(rand() * 1000); // sub-second starts
      const schedule = new CronSchedule(spec.expression, { timezone: zone });
      for (let k = 0; k < CHAIN; k++) {
        const expected = oracleNext(spec, zone, after, HORIZON_MS);
        const actual = schedule.next(new Date(after))?.getTime() ?? null;
        compared++;
        const agree = expected !== null ? actual === expected : actual === null || actual > after + HORIZON_MS;
        if (!agree) {
          const show = (t: number | null): string => (t === null ? 'none' : new Date(t).toISOString());
          disagreements.push(`"${spec.expression}" in ${zone} after ${show(after)}: oracle ${expected === null ? 'none within 2 days' : show(expected)}, next() ${show(actual)}`);
          break;
        }
        if (expected === null) break;
        inHorizon++;
        after = expected;
      }
    }
    expect(disagreements, `${disagreements.length} disagreements out of ${compared} comparisons; seed ${seed} (replay with CRON_SEED=${seed})`).toEqual([]);
    // The comparison is meaningful: most cases fire within the horizon.
    expect(inHorizon).toBeGreaterThan(compared / 2);
  }, 120_000);
});
