/**
 * The cross-field rules of the base data model, run by the constructor after every field
 * validated on its own: exactly one trigger, a cron expression that compiles, a known zone,
 * and a logger that looks like pino.
 */
import type { ConfigIssue } from '../errors/job-config-error.js';
import { toError } from '../errors/to-error.js';
import { CronSchedule } from '../schedule/cron-schedule.js';
import { CronSyntaxError } from '../schedule/cron-syntax-error.js';
import type { JobLogger } from './job-logger.js';

/**
 * Exactly one of `cron` and `interval`, a valid cron, a valid zone; returns the compiled
 * schedule. A field missing from `values` was invalid on its own (and is reported already):
 * the rules that need it are skipped, every other rule still runs.
 */
export function checkTriggerFields(values: Record<string, unknown>): { issues: ConfigIssue[]; schedule: CronSchedule | null } {
  const issues: ConfigIssue[] = [];
  const { cron, interval, timezone } = values as { cron?: string | null; interval?: number | null; timezone?: string | null };
  if (cron !== undefined && interval !== undefined) {
    if (cron !== null && interval !== null) {
      const message = "'cron' and 'interval' are mutually exclusive; set only one";
      issues.push({ field: 'cron', value: cron, message }, { field: 'interval', value: interval, message });
    } else if (cron === null && interval === null) {
      issues.push({ field: 'cron', value: null, message: "a job needs exactly one of 'cron' or 'interval'" });
    }
  }
  const zoneIsValid = timezone === null || (typeof timezone === 'string' && isValidTimeZone(timezone));
  if (typeof timezone === 'string' && !zoneIsValid) {
    issues.push({ field: 'timezone', value: timezone, message: 'unknown IANA time zone' });
  }
  let schedule: CronSchedule | null = null;
  if (typeof cron === 'string') {
    try {
      // An invalid zone is reported above; the expression is still checked, in the process's zone.
      schedule = new CronSchedule(cron, { timezone: zoneIsValid ? timezone : null });
    } catch (error) {
      // The issue shows the expression already: say only what is wrong with it.
      issues.push({ field: 'cron', value: cron, message: error instanceof CronSyntaxError ? error.reason : toError(error).message });
    }
  }
  return { issues, schedule };
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `value` has the methods of a pino-compatible logger. */
export function isLogger(value: unknown): value is JobLogger {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ['child', 'debug', 'info', 'warn', 'error'].every((method) => typeof candidate[method] === 'function');
}

