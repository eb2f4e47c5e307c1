/**
 * {@link describeCron}: a cron expression in words, for logs, the CLI and the dashboard.
 */
import cronstrue from 'cronstrue';
import { compileCron, expandNickname } from './cron-pattern.js';

/**
 * The expression in English words, via cronstrue, with a 24-hour clock: `@daily` →
 * `"At 00:00"`, `"*\/5 * * * *"` → `"Every 5 minutes"`. The expression is validated as
 * {@link CronSchedule} does; if cronstrue cannot describe a valid expression, the expression
 * itself is returned.
 * @throws TypeError / RangeError `CronSchedule: ...` as the CronSchedule constructor does
 */
export function describeCron(expression: string): string {
  if (typeof expression !== 'string') throw new TypeError(`CronSchedule: the expression must be a string, got ${typeof expression}`);
  const { source } = compileCron(expression);
  const expanded = expandNickname(source);
  try {
    return cronstrue.toString(expanded, { use24HourTimeFormat: true, throwExceptionOnParseError: true, verbose: false });
  } catch {
    return source;
  }
}
