/**
 * `eleanor-jobs validate <files...> [--json]`: loads every job module, validates every job,
 * and prints what each will do; reports every bad file, and warns of cron schedules that
 * never fire (`0 0 30 2 *`).
 */
import type { BaseJob } from '../../job/base-job.js';
import { describeSchedule } from '../../http/views.js';
import { toJson } from '../cli-json.js';
import { formatIsoWithOffset, formatLocalTime } from '../format-time.js';
import { loadJobFiles, type LoadedJob } from '../load-jobs.js';
import { visible } from '../visible-text.js';

/** What `validate` found. */
export interface ValidateResult {
  /** Whether every file loaded and every job is valid (the exit code is 1 otherwise). */
  readonly valid: boolean;
  /** What to print on stdout. */
  readonly output: string;
  /** One line each, for stderr (`eleanor-jobs: <file>: ...`). */
  readonly errors: string[];
  /** One line each, for stderr (`eleanor-jobs: warning: ...`). */
  readonly warnings: string[];
}

/** One job in `validate --json` (and `list --json` of files). */
export interface JobSummary {
  readonly file: string;
  readonly export: string;
  readonly name: string;
  readonly class: string;
  readonly schedule: string;
  readonly cron: string | null;
  readonly interval: number | null;
  readonly timezone: string | null;
  /** The first trigger after now for a cron job (ISO 8601 in the job's zone), `null` if it never fires or is an interval job. */
  readonly nextRunAt: string | null;
}

/**
 * Validates every file; never throws for a bad file (the errors are returned).
 *
 * @param json - `--json`: the output is `{ valid, jobs, errors, warnings }`
 */
export async function validateCommand(files: readonly string[], json = false, now: Date = new Date()): Promise<ValidateResult> {
  const { jobs, errors } = await loadJobFiles(files);
  const errorLines = errors.map((error) => error.message);
  const warnings = jobs.filter(({ job }) => neverFires(job, now)).map(({ job, file }) => `${file}: job "${job.name}": cron "${job.cron}" never fires${job.timezone === null ? '' : ` in ${job.timezone}`}; check the day of month against the month`);
  if (json) {
    return { valid: errorLines.length === 0, output: toJson({ valid: errorLines.length === 0, jobs: jobs.map((entry) => summarize(entry, now)), errors: errorLines, warnings }), errors: [], warnings: [] };
  }
  const lines: string[] = [];
  let file: string | null = null;
  for (const entry of jobs) {
    if (entry.file !== file) {
      file = entry.file;
      lines.push(file);
    }
    lines.push(`  ${describeJob(entry.job, now)}`);
  }
  lines.push(errorLines.length === 0 ? `${jobs.length} job(s) valid` : `${jobs.length} job(s) valid; ${errorLines.length} error(s)`);
  return { valid: errorLines.length === 0, output: lines.join('\n'), errors: errorLines, warnings };
}

/** A job for `--json` output. */
export function summarize({ job, file, exportName }: LoadedJob, now: Date): JobSummary {
  const next = job.schedule?.next(now) ?? null;
  const zone = job.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    file,
    export: exportName,
    name: job.name,
    class: job.constructor.name,
    schedule: describeSchedule(job),
    cron: job.cron,
    interval: job.interval,
    timezone: job.timezone,
    nextRunAt: next === null ? null : formatIsoWithOffset(next.getTime(), zone),
  };
}

function neverFires(job: BaseJob, now: Date): boolean {
  return job.schedule !== null && job.schedule.next(now) === null;
}

/** One line: name, class, schedule in words, first trigger, and the retry policy (escaped for the terminal). */
export function describeJob(job: BaseJob, now: Date): string {
  const what = `${job.name} (${job.constructor.name}): ${describeSchedule(job)}`;
  let when: string;
  if (job.schedule !== null) {
    const next = job.schedule.next(now);
    const zone = job.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    when = `${job.cron}${job.timezone === null ? '' : ` in ${job.timezone}`}, next ${next === null ? 'never (no future fire time)' : formatLocalTime(next.getTime(), zone)}, misfire ${job.misfire}`;
  } else {
    when = job.triggerOnStart ? 'first run at start' : `first run ${job.interval} s after start`;
  }
  const retry = job.retryBackoff === null ? `retry after ${job.retryWait} s` : `retry after ${job.retryWait} s, x${job.retryBackoff.factor} up to ${job.retryBackoff.max} s`;
  const timeout = job.timeout === null ? '' : `, timeout ${job.timeout} s`;
  return visible(`${what}; ${when}; ${retry}${timeout}`);
}
