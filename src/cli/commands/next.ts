/**
 * `eleanor-jobs next <cron> [--tz ZONE] [-n 5]`: the next fire times of a cron expression, in
 * the zone and in UTC, and the expression in words.
 */
import { CronSchedule } from '../../schedule/cron-schedule.js';
import { describeCron } from '../../schedule/describe-cron.js';
import { CliError, oneLine } from '../cli-error.js';
import { formatLocalTime, formatUtc } from '../format-time.js';

/** Options of {@link nextCommand}. */
export interface NextOptions {
  /** IANA zone the expression is read in. Default: the process's zone. */
  readonly tz?: string;
  /** How many fire times. */
  readonly count: number;
  /** Count from this instant. Default: now. */
  readonly now?: Date;
}

/**
 * The text `next` prints.
 *
 * @throws CliError for an invalid expression or zone
 */
export function nextCommand(expression: string, options: NextOptions): string {
  let schedule: CronSchedule;
  try {
    schedule = new CronSchedule(expression, { timezone: options.tz ?? null });
  } catch (error) {
    throw new CliError(oneLine(error).replace(/^CronSchedule: /, ''), { cause: error });
  }
  const zone = options.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const runs = schedule.nextRuns(options.count, options.now ?? new Date());
  const lines = [`${expression}: ${describeCron(expression)} (${zone})`];
  if (runs.length === 0) lines.push('  no future fire time');
  for (const run of runs) lines.push(`  ${formatLocalTime(run.getTime(), zone)}   ${formatUtc(run.getTime())}`);
  return lines.join('\n');
}
