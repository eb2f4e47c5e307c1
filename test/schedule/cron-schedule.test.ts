/**
 * CronSchedule: syntax, errors and the public API.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CronSchedule } from '../../src/schedule/cron-schedule.js';
import { CronSyntaxError } from '../../src/schedule/cron-syntax-error.js';

const iso = (dates: readonly Date[]): string[] => dates.map((d) => d.toISOString());
const runs = (expression: string, from: string, count: number, timezone = 'UTC'): string[] => iso(new CronSchedule(expression, { timezone }).nextRuns(count, new Date(from)));

describe('syntax', () => {
  it('reads 5 fields (minute first) and 6 fields (seconds first)', () => {
    expect(runs('30 9 * * *', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-01-01T09:30:00.000Z', '2025-01-02T09:30:00.000Z']);
    expect(runs('15 30 9 * * *', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-01-01T09:30:15.000Z', '2025-01-02T09:30:15.000Z']);
    expect(runs('*/20 * * * * *', '2025-01-01T00:00:05Z', 3)).toEqual(['2025-01-01T00:00:20.000Z', '2025-01-01T00:00:40.000Z', '2025-01-01T00:01:00.000Z']);
  });

  it('reads names, ranges, lists and steps', () => {
    expect(runs('0 12 * JAN,MAR MON', '2025-01-26T00:00:00Z', 3)).toEqual(['2025-01-27T12:00:00.000Z', '2025-03-03T12:00:00.000Z', '2025-03-10T12:00:00.000Z']);
    expect(runs('0 9-17/4 * * mon-fri', '2025-01-03T10:00:00Z', 4)).toEqual(['2025-01-03T13:00:00.000Z', '2025-01-03T17:00:00.000Z', '2025-01-06T09:00:00.000Z', '2025-01-06T13:00:00.000Z']);
    expect(runs('5,10-12 0 1 * *', '2025-01-01T00:00:00Z', 4)).toEqual(['2025-01-01T00:05:00.000Z', '2025-01-01T00:10:00.000Z', '2025-01-01T00:11:00.000Z', '2025-01-01T00:12:00.000Z']);
    expect(runs('0 0 * * 7', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-05T00:00:00.000Z']); // 7 is Sunday
    expect(runs('0 0 * * FRI-SUN', '2025-01-01T00:00:00Z', 4)).toEqual(['2025-01-03T00:00:00.000Z', '2025-01-04T00:00:00.000Z', '2025-01-05T00:00:00.000Z', '2025-01-10T00:00:00.000Z']);
    expect(runs('0 0 ? * SUN', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-05T00:00:00.000Z']); // ? is *
  });

  it('reads the nicknames', () => {
    const from = '2025-05-14T10:30:00Z'; // a Wednesday
    expect(runs('@yearly', from, 1)).toEqual(['2026-01-01T00:00:00.000Z']);
    expect(runs('@annually', from, 1)).toEqual(['2026-01-01T00:00:00.000Z']);
    expect(runs('@monthly', from, 1)).toEqual(['2025-06-01T00:00:00.000Z']);
    expect(runs('@weekly', from, 1)).toEqual(['2025-05-18T00:00:00.000Z']);
    expect(runs('@daily', from, 1)).toEqual(['2025-05-15T00:00:00.000Z']);
    expect(runs('@midnight', from, 1)).toEqual(['2025-05-15T00:00:00.000Z']);
    expect(runs('@hourly', from, 1)).toEqual(['2025-05-14T11:00:00.000Z']);
    expect(runs('@DAILY', from, 1)).toEqual(['2025-05-15T00:00:00.000Z']);
  });

  it('reads L, LW, W and # in the day fields', () => {
    expect(runs('0 0 L * *', '2025-01-01T00:00:00Z', 3)).toEqual(['2025-01-31T00:00:00.000Z', '2025-02-28T00:00:00.000Z', '2025-03-31T00:00:00.000Z']);
    expect(runs('0 0 L 2 *', '2027-03-01T00:00:00Z', 2)).toEqual(['2028-02-29T00:00:00.000Z', '2029-02-28T00:00:00.000Z']);
    // Last weekday: May 2025 ends on a Saturday, August 2025 on a Sunday.
    expect(runs('0 0 LW 5,8 *', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-05-30T00:00:00.000Z', '2025-08-29T00:00:00.000Z']);
    // Nearest weekday: 15 June 2025 is a Sunday (→ Monday 16), 1 March 2025 a Saturday (→ Monday 3, not February).
    expect(runs('0 0 15W 6 *', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-06-16T00:00:00.000Z']);
    expect(runs('0 0 1W 3 *', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-03-03T00:00:00.000Z']);
    // Second Friday, last Friday.
    expect(runs('0 0 * * 5#2', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-01-10T00:00:00.000Z', '2025-02-14T00:00:00.000Z']);
    expect(runs('0 0 * * FRI#2', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-10T00:00:00.000Z']);
    expect(runs('0 0 * * 5L', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-01-31T00:00:00.000Z', '2025-02-28T00:00:00.000Z']);
  });

  it('combines restricted day-of-month and day-of-week with OR (Vixie cron)', () => {
    // The 13th, or any Friday.
    expect(runs('0 0 13 * FRI', '2025-06-01T00:00:00Z', 4)).toEqual(['2025-06-06T00:00:00.000Z', '2025-06-13T00:00:00.000Z', '2025-06-20T00:00:00.000Z', '2025-06-27T00:00:00.000Z']);
    expect(runs('0 0 1 * MON', '2025-09-01T00:00:00Z', 3)).toEqual(['2025-09-08T00:00:00.000Z', '2025-09-15T00:00:00.000Z', '2025-09-22T00:00:00.000Z']);
    expect(runs('0 0 L * MON', '2025-09-23T00:00:00Z', 2)).toEqual(['2025-09-29T00:00:00.000Z', '2025-09-30T00:00:00.000Z']);
    // One field '*': only the other counts.
    expect(runs('0 0 * * FRI', '2025-06-01T00:00:00Z', 1)).toEqual(['2025-06-06T00:00:00.000Z']);
    expect(runs('0 0 13 * *', '2025-06-01T00:00:00Z', 1)).toEqual(['2025-06-13T00:00:00.000Z']);
  });

  it('returns null and no runs when the expression never matches', () => {
    const schedule = new CronSchedule('0 0 30 2 *', { timezone: 'UTC' });
    expect(schedule.next(new Date('2025-01-01T00:00:00Z'))).toBeNull();
    expect(schedule.nextRuns(3, new Date('2025-01-01T00:00:00Z'))).toEqual([]);
  });

  it('reads the expression in its zone', () => {
    expect(runs('0 9 * * *', '2025-01-01T00:00:00Z', 1, 'Asia/Tokyo')).toEqual(['2025-01-02T00:00:00.000Z']);
    expect(runs('0 9 * * *', '2025-01-01T00:00:00Z', 1, 'America/Los_Angeles')).toEqual(['2025-01-01T17:00:00.000Z']);
  });
});

describe('errors', () => {
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    return 'no error';
  };

  it('refuses invalid expressions with a RangeError naming the expression', () => {
    for (const bad of ['', '   ', '* * * *', '* * * * * * *', '61 * * * *', '* 24 * * *', '* * 0 * *', '* * 32 * *', '* * * 13 *', '* * * * 8', 'a * * * *', '*/0 * * * *', '5-1 * * * *', '1,,2 * * * *', '* * 5L * *', '* * * * +MON', '@every_minute', '0 0 * * 6#6']) {
      const text = message(() => new CronSchedule(bad));
      expect(text, bad).toMatch(/^RangeError: CronSchedule: /);
      expect(text, bad).toContain(JSON.stringify(bad));
    }
  });

  it('names the field, the value as written and the allowed values, in our words', () => {
    const reasons: Array<[string, string]> = [
      ['* * 32 * *', 'day-of-month 32 is out of range (allowed: 1-31)'],
      ['* * 0 * *', 'day-of-month 0 is out of range (allowed: 1-31)'],
      ['* * * 13 *', 'month 13 is out of range (allowed: 1-12 or JAN-DEC)'],
      ['* * * 0 *', 'month 0 is out of range (allowed: 1-12 or JAN-DEC)'],
      ['61 * * * *', 'minute 61 is out of range (allowed: 0-59)'],
      ['* 24 * * *', 'hour 24 is out of range (allowed: 0-23)'],
      ['60 * * * * *', 'second 60 is out of range (allowed: 0-59)'],
      ['* * * * 8', 'day-of-week 8 is out of range (allowed: 0-7 or SUN-SAT)'],
      ['* * * FOO *', 'month "FOO" is not a number or a name (allowed: 1-12 or JAN-DEC)'],
      ['*/60 * * * *', 'minute step 60 in "*/60" is out of range (allowed steps: 1-59)'],
      ['0 */24 * * *', 'hour step 24 in "*/24" is out of range (allowed steps: 1-23)'],
      ['0 0 1-31/31 * *', 'day-of-month step 31 in "1-31/31" is out of range (allowed steps: 1-30)'],
      ['*/0 * * * *', 'minute step 0 in "*/0" is out of range (allowed steps: 1-59)'],
      ['1/5 * * * *', 'minute "1/5" steps from a single value; write */n or a-b/n'],
      ['5-1 * * * *', 'minute range "5-1" goes downwards; write the smaller value first (allowed: 0-59)'],
      ['0 0 * * 1#', 'day-of-week "1#": the occurrence after # must be 1 to 5 (as in MON#1, 5#3)'],
      ['0 0 * * 0##4', 'day-of-week "0##4": the occurrence after # must be 1 to 5 (as in MON#1, 5#3)'],
      ['0 0 * * 6#6', 'day-of-week "6#6": the occurrence after # must be 1 to 5 (as in MON#1, 5#3)'],
      ['0 0 * * #2', 'day-of-week "#2" needs one weekday before # or L (allowed: 0-7 or SUN-SAT)'],
      ['0 0 * * 1-5#2', 'day-of-week "1-5#2" needs one weekday before # or L (allowed: 0-7 or SUN-SAT)'],
      ['0 0 * * L', 'day-of-week "L" is not a form of L (allowed: nL, the last weekday n of the month, as in 5L or FRIL)'],
      ['0 0 L,LW * *', 'day-of-month "LW" stands alone; "L,LW" lists it with other days'],
      ['0 0 W * *', 'day-of-month "W" is not a form of L or W (allowed: L, LW, or nW with n from 1 to 31)'],
      ['0 0 5L * *', 'day-of-month "5L" is not a form of L or W (allowed: L, LW, or nW with n from 1 to 31)'],
      ['0 0 1-5W * *', 'day-of-month "1-5W" is not a form of L or W (allowed: L, LW, or nW with n from 1 to 31)'],
      ['0 0 32W * *', 'day-of-month 32W is out of range (allowed: 1W-31W)'],
      ['0 0 * * 9L', 'day-of-week 9 is out of range (allowed: 0-7 or SUN-SAT)'],
      ['1,,2 * * * *', 'minute "1,,2" has an empty list item'],
    ];
    for (const [expression, reason] of reasons) {
      let thrown: unknown;
      try {
        new CronSchedule(expression);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, expression).toBeInstanceOf(CronSyntaxError);
      expect(thrown, expression).toBeInstanceOf(RangeError);
      expect((thrown as CronSyntaxError).reason, expression).toBe(reason);
      expect((thrown as Error).message).toBe(`CronSchedule: invalid cron expression ${JSON.stringify(expression)}: ${reason}`);
    }
  });

  it('accepts the documented forms of #, L and W', () => {
    for (const good of ['0 0 * * MON#1', '0 0 * * 5#5,1', '0 0 * * 5L', '0 0 * * fril', '0 0 * * 7L', '0 0 L * *', '0 0 L,15 * *', '0 0 LW * *', '0 0 15W * *', '0 0 15W,L * *', '*/59 * * * *', '0 0 * * */7']) {
      expect(() => new CronSchedule(good), good).not.toThrow();
    }
  });

  it('explains why @reboot is refused', () => {
    for (const reboot of ['@reboot', '@REBOOT', ' @reboot ']) {
      const text = message(() => new CronSchedule(reboot));
      expect(text).toMatch(/^RangeError: CronSchedule: /);
      expect(text).toContain('@reboot');
      expect(text).toContain('wall-clock');
      expect(text).toContain('triggerOnStart');
    }
  });

  it('refuses unknown time zones with a RangeError naming the zone', () => {
    for (const zone of ['Mars/Olympus_Mons', '', 'Europe/Berln']) {
      const text = message(() => new CronSchedule('* * * * *', { timezone: zone }));
      expect(text).toMatch(/^RangeError: CronSchedule: /);
      expect(text).toContain(JSON.stringify(zone));
    }
  });

  it('refuses arguments of the wrong type with a TypeError', () => {
    const cases: (() => unknown)[] = [
      () => new CronSchedule(42 as unknown as string),
      () => new CronSchedule(null as unknown as string),
      () => new CronSchedule('* * * * *', 'UTC' as unknown as { timezone: string }),
      () => new CronSchedule('* * * * *', { timezone: 1 as unknown as string }),
      () => new CronSchedule('* * * * *').next('2025-01-01' as unknown as Date),
      () => new CronSchedule('* * * * *').next(new Date(Number.NaN)),
      () => new CronSchedule('* * * * *').nextRuns('3' as unknown as number),
      () => new CronSchedule('* * * * *').ticksBetween(new Date(), 5 as unknown as Date, 1),
    ];
    for (const fn of cases) expect(message(fn)).toMatch(/^TypeError: CronSchedule: /);
  });

  it('refuses negative or fractional counts with a RangeError', () => {
    const schedule = new CronSchedule('* * * * *');
    expect(message(() => schedule.nextRuns(-1))).toMatch(/^RangeError: CronSchedule: nextRuns\(count\)/);
    expect(message(() => schedule.nextRuns(1.5))).toMatch(/^RangeError: CronSchedule: /);
    expect(message(() => schedule.ticksBetween(new Date(), new Date(), -2))).toMatch(/^RangeError: CronSchedule: /);
  });
});

describe('the API', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the expression and zone as given', () => {
    const schedule = new CronSchedule(' 0 9 * * MON ', { timezone: 'Europe/Paris' });
    expect(schedule.expression).toBe(' 0 9 * * MON ');
    expect(schedule.timezone).toBe('Europe/Paris');
    expect(new CronSchedule('@daily').timezone).toBeNull();
    expect(new CronSchedule('@daily', { timezone: null }).timezone).toBeNull();
    expect(new CronSchedule('@daily', {}).timezone).toBeNull();
  });

  it('next() is strictly after, to the millisecond', () => {
    const schedule = new CronSchedule('0 * * * * *', { timezone: 'UTC' });
    expect(schedule.next(new Date('2025-01-01T00:00:00.000Z'))?.toISOString()).toBe('2025-01-01T00:01:00.000Z');
    expect(schedule.next(new Date('2025-01-01T00:00:59.999Z'))?.toISOString()).toBe('2025-01-01T00:01:00.000Z');
    expect(schedule.next(new Date('2024-12-31T23:59:59.999Z'))?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('nextRuns counts from now by default', () => {
    vi.useFakeTimers({ now: Date.parse('2025-01-01T10:07:30Z'), toFake: ['Date'] });
    expect(iso(new CronSchedule('*/15 * * * *', { timezone: 'UTC' }).nextRuns(2))).toEqual(['2025-01-01T10:15:00.000Z', '2025-01-01T10:30:00.000Z']);
    expect(new CronSchedule('* * * * *').nextRuns(0)).toEqual([]);
  });

  it('ticksBetween returns after < t <= upTo, oldest first, at most limit', () => {
    const schedule = new CronSchedule('*/10 * * * *', { timezone: 'UTC' });
    const after = new Date('2025-01-01T00:00:00Z');
    expect(iso(schedule.ticksBetween(after, new Date('2025-01-01T00:30:00Z'), 10))).toEqual(['2025-01-01T00:10:00.000Z', '2025-01-01T00:20:00.000Z', '2025-01-01T00:30:00.000Z']);
    expect(iso(schedule.ticksBetween(after, new Date('2025-01-01T00:30:00Z'), 2))).toEqual(['2025-01-01T00:10:00.000Z', '2025-01-01T00:20:00.000Z']);
    expect(schedule.ticksBetween(after, new Date('2025-01-01T00:09:59Z'), 10)).toEqual([]);
    expect(schedule.ticksBetween(after, after, 10)).toEqual([]);
    expect(schedule.ticksBetween(after, new Date('2024-12-31T00:00:00Z'), 10)).toEqual([]);
    expect(schedule.ticksBetween(after, new Date('2025-01-01T00:30:00Z'), 0)).toEqual([]);
  });

  it('uses the process zone (TZ) when no zone is given', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      expect(iso(new CronSchedule('30 2 * * *').nextRuns(2, new Date('2025-03-08T12:00:00Z')))).toEqual(['2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z']);
      process.env.TZ = 'Asia/Tokyo';
      expect(iso(new CronSchedule('0 9 * * *').nextRuns(1, new Date('2025-01-01T00:00:00Z')))).toEqual(['2025-01-02T00:00:00.000Z']);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('returns new Date objects that callers may change', () => {
    const schedule = new CronSchedule('0 0 * * *', { timezone: 'UTC' });
    const first = schedule.next(new Date('2025-01-01T12:00:00Z'));
    first?.setTime(0);
    expect(schedule.next(new Date('2025-01-01T12:00:00Z'))?.toISOString()).toBe('2025-01-02T00:00:00.000Z');
  });

  it('describes itself for logs', () => {
    expect(String(new CronSchedule('0 9 * * *', { timezone: 'Europe/Paris' }))).toBe('0 9 * * * (Europe/Paris)');
  });
});
