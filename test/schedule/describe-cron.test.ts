import { describe, expect, it } from 'vitest';
import { describeCron } from '../../src/schedule/describe-cron.js';

describe('describeCron', () => {
  it('describes expressions in words, with a 24-hour clock', () => {
    expect(describeCron('0 0 * * *')).toBe('At 00:00');
    expect(describeCron('30 14 * * MON-FRI')).toBe('At 14:30, Monday through Friday');
    expect(describeCron('*/5 * * * *')).toBe('Every 5 minutes');
    expect(describeCron('*/10 * * * * *')).toBe('Every 10 seconds');
    expect(describeCron('0 0 L * *')).toBe('At 00:00, on the last day of the month');
    expect(describeCron('0 0 * * 5#2')).toBe('At 00:00, on the second Friday of the month');
  });

  it('describes the nicknames', () => {
    expect(describeCron('@daily')).toBe('At 00:00');
    expect(describeCron('@midnight')).toBe('At 00:00');
    expect(describeCron('@hourly')).toBe('Every hour');
    expect(describeCron('@weekly')).toBe(describeCron('0 0 * * 0'));
    expect(describeCron('@monthly')).toBe(describeCron('0 0 1 * *'));
    expect(describeCron('@yearly')).toBe(describeCron('0 0 1 1 *'));
    expect(describeCron('@annually')).toBe(describeCron('0 0 1 1 *'));
    expect(describeCron('@Daily')).toBe('At 00:00');
  });

  it('validates as CronSchedule does', () => {
    expect(() => describeCron('@reboot')).toThrow(/^CronSchedule: .*triggerOnStart/);
    expect(() => describeCron('61 * * * *')).toThrow(RangeError);
    expect(() => describeCron(7 as unknown as string)).toThrow(TypeError);
  });
});
