/**
 * The cron grammar's refusals (src/schedule/cron-fields.ts): whatever is written, the parser
 * either accepts it or throws a `CronSyntaxError` whose message is bounded and shows no raw
 * control character; never another error from inside.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCron } from '../../src/schedule/cron-pattern.js';
import { CronSyntaxError } from '../../src/schedule/cron-syntax-error.js';

const TOKENS = ['0', '1', '5', '7', '12', '31', '32', '60', '*', '?', '/', ',', '-', '#', 'L', 'W', 'LW', 'MON', 'sun', 'JAN', 'FOO', ' ', '\u001b', '\u0000', '\u009b', 'x'];

/** The error compiling `expression` throws, or `null` when it compiles. */
function refusal(expression: string): unknown {
  try {
    compileCron(expression);
    return null;
  } catch (error) {
    return error;
  }
}

describe('cron field parsing', () => {
  it('accepts or refuses any text with a CronSyntaxError, never another error', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), (tokens) => {
        const error = refusal(tokens.join(''));
        if (error === null) return;
        expect(error).toBeInstanceOf(CronSyntaxError);
        const { message } = error as CronSyntaxError;
        expect(message).toMatch(/^CronSchedule: invalid cron expression "/);
        expect(message).not.toMatch(/[\p{Cc}\p{Cs}]/u);
      }),
      { numRuns: 3000 },
    );
  });

  it('bounds what a message quotes and escapes control characters', () => {
    const huge = refusal(`${'1'.repeat(1_000_000)} * * * *`) as CronSyntaxError;
    expect(huge.message.length).toBeLessThan(500);
    expect(huge.reason).toBe(`minute ${'1'.repeat(40)}... is out of range (allowed: 0-59)`);
    const escaped = refusal('0 0 * * MON\u001b[2J') as CronSyntaxError;
    expect(escaped.reason).toBe('day-of-week "MON\\u001b[2J" is not a number or a name (allowed: 0-7 or SUN-SAT)');
    expect(escaped.message).toBe('CronSchedule: invalid cron expression "0 0 * * MON\\u001b[2J": day-of-week "MON\\u001b[2J" is not a number or a name (allowed: 0-7 or SUN-SAT)');
  });

  it('reads 7 as Sunday, and a range ending in SUN as ending on Sunday', () => {
    const monday = Date.UTC(2025, 2, 10);
    const sunday = Date.UTC(2025, 2, 16);
    expect(compileCron('0 0 * * 7').nextWallAtOrAfter(monday)).toBe(sunday);
    expect(compileCron('0 0 * * 6-7').nextWallAtOrAfter(monday)).toBe(Date.UTC(2025, 2, 15));
    expect(compileCron('0 0 * * SAT-SUN').nextWallAtOrAfter(Date.UTC(2025, 2, 15, 1))).toBe(sunday);
    expect(compileCron('0 0 * * 7#3').nextWallAtOrAfter(monday)).toBe(sunday);
    expect(compileCron('0 0 * * sunL').nextWallAtOrAfter(monday)).toBe(Date.UTC(2025, 2, 30));
  });
});
