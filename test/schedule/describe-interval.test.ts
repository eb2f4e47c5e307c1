import { describe, expect, it } from 'vitest';
import { describeSchedule } from '../../src/http/views.js';
import { describeCron } from '../../src/schedule/describe-cron.js';
import { describeInterval } from '../../src/schedule/describe-interval.js';

describe('describeInterval', () => {
  it('words intervals as cron expressions are worded', () => {
    expect(describeInterval(10)).toBe(describeCron('*/10 * * * * *'));
    expect(describeInterval(300)).toBe(describeCron('*/5 * * * *'));
    expect(describeInterval(3_600)).toBe(describeCron('@hourly'));
  });

  it('uses the largest unit that divides the interval, singular for one', () => {
    expect(describeInterval(0)).toBe('Back to back (interval 0)');
    expect(describeInterval(1)).toBe('Every second');
    expect(describeInterval(4)).toBe('Every 4 seconds');
    expect(describeInterval(0.5)).toBe('Every 0.5 seconds');
    expect(describeInterval(90)).toBe('Every 90 seconds');
    expect(describeInterval(120)).toBe('Every 2 minutes');
    expect(describeInterval(5_400)).toBe('Every 90 minutes');
    expect(describeInterval(7_200)).toBe('Every 2 hours');
    expect(describeInterval(86_400)).toBe('Every day');
    expect(describeInterval(172_800)).toBe('Every 2 days');
  });

  it('refuses what is not an interval, naming the value', () => {
    expect(() => describeInterval(-1)).toThrow(/got -1$/);
    expect(() => describeInterval(Number.NaN)).toThrow(/got NaN$/);
  });

  it('is what the API (and so the dashboard and the CLI) shows for interval jobs', () => {
    expect(describeSchedule({ cron: null, interval: 4 })).toBe('Every 4 seconds');
    expect(describeSchedule({ cron: '*/10 * * * * *', interval: null })).toBe('Every 10 seconds');
  });
});
