/**
 * `eleanor-jobs next <cron> [--tz ZONE] [-n 5] [--from INSTANT] [--json]`: the next fire
 * times of a cron expression, in the zone and in UTC, and the expression in words.
 */
import { CronSchedule } from '../../schedule/cron-schedule.js';
import { describeCron } from '../../schedule/describe-cron.js';
import { CliError, oneLine } from '../cli-error.js';
import { toJson } from '../cli-json.js';
import { formatIsoWithOffset, formatLocalTime, formatUtc } from '../format-time.js';

/** Options of {@link nextCommand}. */
export interface NextOptions {
  /** IANA zone the expression is read in. Default: the process's zone. */
  readonly tz?: string | undefined;
  /** How many fire times. */
  readonly count: number;
  /** `--from`: count from this instant (exclusive). Default: now. */
  readonly from?: Date | undefined;
  /** `--json`: `{ expression, timezone, description, runs: [{ utc, local }] }`. */
  readonly json?: boolean;
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
  const runs = schedule.nextRuns(options.count, options.from ?? new Date());
  const description = describeCron(expression);
  if (options.json === true) {
    return toJson({ expression, timezone: zone, description, runs: runs.map((run) => ({ utc: formatUtc(run.getTime()), local: formatIsoWithOffset(run.getTime(), zone) })) });
  }
  const lines = [`${expression}: ${description} (${zone})`];
  if (runs.length === 0) lines.push('  no future fire time');
  for (const run of runs) lines.push(`  ${formatLocalTime(run.getTime(), zone)}   ${formatUtc(run.getTime())}`);
  return lines.join('\n');
}
