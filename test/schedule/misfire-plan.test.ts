import { describe, expect, it } from 'vitest';
import { CronSchedule } from '../../src/schedule/cron-schedule.js';
import { ENUMERATION_LIMIT, ON_TIME_TOLERANCE_MS, RECORD_LIMIT, planDueTicks, type MisfireSettings, type TickPlan } from '../../src/schedule/misfire-plan.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const everySecond = new CronSchedule('* * * * * *', { timezone: 'UTC' });
const everyMinute = new CronSchedule('* * * * *', { timezone: 'UTC' });
const at = (ms: number): Date => new Date(ms);
const times = (dates: readonly Date[]): number[] => dates.map((d) => d.getTime() - T0);
const settings = (policy: MisfireSettings['policy'], extra: Partial<MisfireSettings> = {}): MisfireSettings => ({ policy, maxCatchUp: 100, graceMs: null, ...extra });

const EMPTY: TickPlan = { run: [], missed: [], skipped: [], missedCount: 0, skippedCount: 0, countTruncated: false, overCap: 0, newestDue: null };

describe('planDueTicks', () => {
  it('plans nothing when no tick is due', () => {
    const plan = planDueTicks(everyMinute, { lastTick: at(T0), now: at(T0 + 59_999), waitedFor: at(T0 + 60_000) }, settings('once'));
    expect(plan).toEqual(EMPTY);
  });

  it('plans nothing when the clock went back (no tick at or before the last one fires again)', () => {
    for (const policy of ['once', 'all', 'skip'] as const) {
      expect(planDueTicks(everySecond, { lastTick: at(T0), now: at(T0 - 3_600_000), waitedFor: null }, settings(policy))).toEqual(EMPTY);
      expect(planDueTicks(everySecond, { lastTick: at(T0), now: at(T0), waitedFor: at(T0) }, settings(policy))).toEqual(EMPTY);
    }
  });

  it('runs the awaited tick on time, whatever the policy', () => {
    for (const policy of ['once', 'all', 'skip'] as const) {
      const plan = planDueTicks(everyMinute, { lastTick: at(T0), now: at(T0 + 60_000 + ON_TIME_TOLERANCE_MS), waitedFor: at(T0 + 60_000) }, settings(policy));
      expect(plan).toEqual({ ...EMPTY, run: [at(T0 + 60_000)], newestDue: at(T0 + 60_000) });
    }
  });

  it('treats a tick as late past the tolerance, when it was not awaited, or when others are due too', () => {
    const tick = T0 + 60_000;
    const late = (input: { now: number; waitedFor: number | null }): TickPlan =>
      planDueTicks(everyMinute, { lastTick: at(T0), now: at(input.now), waitedFor: input.waitedFor === null ? null : at(input.waitedFor) }, settings('skip'));
    const skippedOnly = { ...EMPTY, skipped: [at(tick)], skippedCount: 1, newestDue: at(tick) };
    expect(late({ now: tick + ON_TIME_TOLERANCE_MS + 1, waitedFor: tick })).toEqual(skippedOnly);
    expect(late({ now: tick + 10, waitedFor: null })).toEqual(skippedOnly);
    expect(late({ now: tick + 10, waitedFor: tick - 60_000 })).toEqual(skippedOnly);
    // Two due, the awaited one among them: both late.
    const two = planDueTicks(everyMinute, { lastTick: at(T0 - 60_000), now: at(tick), waitedFor: at(tick) }, settings('skip'));
    expect(times(two.run)).toEqual([]);
    expect(times(two.skipped)).toEqual([0, 60_000]);
  });

  it("'once' runs the newest late tick and records the others as missed", () => {
    const plan = planDueTicks(everyMinute, { lastTick: at(T0), now: at(T0 + 5 * 60_000 + 30_000), waitedFor: null }, settings('once'));
    expect(times(plan.run)).toEqual([5 * 60_000]);
    expect(times(plan.missed)).toEqual([60_000, 120_000, 180_000, 240_000]);
    expect(plan.missedCount).toBe(4);
    expect(plan.skippedCount).toBe(0);
    expect(plan.overCap).toBe(0);
    expect(plan.newestDue?.getTime()).toBe(T0 + 5 * 60_000);
  });

  it("'all' runs every late tick in order, up to maxCatchUp, and counts the rest over the cap", () => {
    const input = { lastTick: at(T0), now: at(T0 + 5 * 60_000), waitedFor: null };
    const all = planDueTicks(everyMinute, input, settings('all'));
    expect(times(all.run)).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
    expect(all).toMatchObject({ missed: [], missedCount: 0, overCap: 0, skippedCount: 0 });
    const capped = planDueTicks(everyMinute, input, settings('all', { maxCatchUp: 2 }));
    expect(times(capped.run)).toEqual([240_000, 300_000]);
    expect(times(capped.missed)).toEqual([60_000, 120_000, 180_000]);
    expect(capped.missedCount).toBe(3);
    expect(capped.overCap).toBe(3);
    expect(capped.newestDue?.getTime()).toBe(T0 + 300_000);
  });

  it("'skip' runs none and records all as skipped", () => {
    const plan = planDueTicks(everyMinute, { lastTick: at(T0), now: at(T0 + 3 * 60_000 + 5000), waitedFor: at(T0 + 3 * 60_000) }, settings('skip'));
    expect(plan.run).toEqual([]);
    expect(times(plan.skipped)).toEqual([60_000, 120_000, 180_000]);
    expect(plan).toMatchObject({ skippedCount: 3, missedCount: 0, missed: [], overCap: 0 });
    expect(plan.newestDue?.getTime()).toBe(T0 + 180_000);
  });

  it('records ticks older than the grace as missed, whatever the policy', () => {
    const input = { lastTick: at(T0), now: at(T0 + 10 * 60_000), waitedFor: null };
    const grace = { graceMs: 3 * 60_000 }; // ticks at 7, 8, 9, 10 min are within grace
    const once = planDueTicks(everyMinute, input, settings('once', grace));
    expect(times(once.run)).toEqual([600_000]);
    expect(once.missedCount).toBe(9);
    const all = planDueTicks(everyMinute, input, settings('all', grace));
    expect(times(all.run)).toEqual([420_000, 480_000, 540_000, 600_000]);
    expect(times(all.missed)).toEqual([60_000, 120_000, 180_000, 240_000, 300_000, 360_000]);
    expect(all.overCap).toBe(0);
    const allCapped = planDueTicks(everyMinute, input, settings('all', { ...grace, maxCatchUp: 3 }));
    expect(times(allCapped.run)).toEqual([480_000, 540_000, 600_000]);
    expect(allCapped.overCap).toBe(1);
    expect(allCapped.missedCount).toBe(7);
    const skip = planDueTicks(everyMinute, input, settings('skip', grace));
    expect(times(skip.skipped)).toEqual([420_000, 480_000, 540_000, 600_000]);
    expect(times(skip.missed)).toEqual([60_000, 120_000, 180_000, 240_000, 300_000, 360_000]);
    expect(skip).toMatchObject({ skippedCount: 4, missedCount: 6, run: [] });
    // Nothing within the grace: nothing runs, everything is missed.
    const stale = planDueTicks(everyMinute, { lastTick: at(T0), now: at(T0 + 10 * 60_000 + 30_000), waitedFor: null }, settings('once', { graceMs: 10_000 }));
    expect(stale.run).toEqual([]);
    expect(stale.missedCount).toBe(10);
    expect(stale.newestDue?.getTime()).toBe(T0 + 600_000);
    // A tick exactly at now - grace is within it.
    const edge = planDueTicks(everyMinute, { lastTick: at(T0), now: at(T0 + 60_000 + 5000), waitedFor: null }, settings('once', { graceMs: 5000 }));
    expect(times(edge.run)).toEqual([60_000]);
  });

  it(`lists at most the newest ${RECORD_LIMIT} missed or skipped ticks, and counts them all`, () => {
    const input = { lastTick: at(T0), now: at(T0 + 500_000), waitedFor: null };
    const skip = planDueTicks(everySecond, input, settings('skip'));
    expect(skip.skippedCount).toBe(500);
    expect(skip.skipped).toHaveLength(RECORD_LIMIT);
    expect(times(skip.skipped).slice(0, 1)).toEqual([401_000]);
    expect(times(skip.skipped).at(-1)).toBe(500_000);
    const once = planDueTicks(everySecond, input, settings('once'));
    expect(once.missedCount).toBe(499);
    expect(once.missed).toHaveLength(RECORD_LIMIT);
    expect(times(once.missed).at(-1)).toBe(499_000);
    expect(once.countTruncated).toBe(false);
  });

  it(`stops counting past ${ENUMERATION_LIMIT} due ticks but keeps the run list and the newest tick exact`, () => {
    const input = { lastTick: at(T0), now: at(T0 + 5 * 3_600_000 + 400), waitedFor: null }; // 18,000 ticks due
    const newest = 5 * 3_600_000;
    const once = planDueTicks(everySecond, input, settings('once'));
    expect(once.countTruncated).toBe(true);
    expect(times(once.run)).toEqual([newest]);
    expect(once.newestDue?.getTime()).toBe(T0 + newest);
    expect(once.missedCount).toBeGreaterThanOrEqual(ENUMERATION_LIMIT - 1);
    expect(once.missedCount).toBeLessThan(18_000);
    expect(times(once.missed).at(-1)).toBe(newest - 1000);
    expect(once.missed).toHaveLength(RECORD_LIMIT);
    const all = planDueTicks(everySecond, input, settings('all', { maxCatchUp: 50 }));
    expect(times(all.run)).toEqual(Array.from({ length: 50 }, (_, i) => newest - (49 - i) * 1000));
    expect(all.overCap).toBeGreaterThanOrEqual(ENUMERATION_LIMIT - 50);
    expect(times(all.missed).at(-1)).toBe(newest - 50_000);
    const skip = planDueTicks(everySecond, input, settings('skip'));
    expect(skip.run).toEqual([]);
    expect(skip.skippedCount).toBeGreaterThanOrEqual(ENUMERATION_LIMIT);
    expect(times(skip.skipped).at(-1)).toBe(newest);
    expect(skip.newestDue?.getTime()).toBe(T0 + newest);
  });

  it('refuses invalid settings', () => {
    const input = { lastTick: at(T0), now: at(T0 + 60_000), waitedFor: null };
    expect(() => planDueTicks(everyMinute, input, settings('sometimes' as 'once'))).toThrow(RangeError);
    expect(() => planDueTicks(everyMinute, input, settings('all', { maxCatchUp: 0 }))).toThrow(RangeError);
    expect(() => planDueTicks(everyMinute, input, settings('all', { maxCatchUp: 1.5 }))).toThrow(RangeError);
    expect(() => planDueTicks(everyMinute, input, settings('once', { graceMs: -1 }))).toThrow(RangeError);
    expect(() => planDueTicks(everyMinute, input, settings('once', { graceMs: Number.NaN }))).toThrow(RangeError);
    expect(() => planDueTicks(everyMinute, { ...input, now: new Date(Number.NaN) }, settings('once'))).toThrow(TypeError);
    expect(() => planDueTicks(everyMinute, { ...input, waitedFor: T0 as unknown as Date }, settings('once'))).toThrow(TypeError);
  });

  it(`caps 'all' at ${ENUMERATION_LIMIT} runs`, () => {
    const plan = planDueTicks(everySecond, { lastTick: at(T0), now: at(T0 + 12_000_000), waitedFor: null }, settings('all', { maxCatchUp: 1_000_000 }));
    expect(plan.run).toHaveLength(ENUMERATION_LIMIT);
    expect(plan.run.at(-1)?.getTime()).toBe(T0 + 12_000_000);
    expect(plan.countTruncated).toBe(true);
  });
});

describe('the overlap example: a one-second cron whose execute takes 2.5 s', () => {
  /**
   * The job's loop over the planner: run what the plan says (2.5 s each), then plan again with
   * waitedFor = null; when nothing runs, sleep until the next tick and plan with it awaited.
   * Returns the start times of the executions, in ms after T0.
   */
  function simulate(policy: MisfireSettings['policy'], executions: number): number[] {
    let now = T0;
    let lastTick = T0 - 1000;
    let waitedFor: Date | null = at(T0);
    const starts: number[] = [];
    while (starts.length < executions) {
      const plan = planDueTicks(everySecond, { lastTick: at(lastTick), now: at(now), waitedFor }, settings(policy));
      if (plan.newestDue !== null) lastTick = plan.newestDue.getTime();
      for (const _tick of plan.run) {
        starts.push(now - T0);
        now += 2500;
      }
      if (plan.run.length > 0) {
        waitedFor = null;
        continue;
      }
      const next = everySecond.next(at(Math.max(now, lastTick)));
      if (next === null) throw new Error('no next tick');
      now = next.getTime();
      waitedFor = next;
    }
    return starts.slice(0, executions);
  }

  it("'skip' starts at 0, 3, 6, 9 s", () => {
    expect(simulate('skip', 4)).toEqual([0, 3000, 6000, 9000]);
  });

  it("'once' starts each execution as the previous one ends, for the newest tick", () => {
    expect(simulate('once', 4)).toEqual([0, 2500, 5000, 7500]);
  });
});
