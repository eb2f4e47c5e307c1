/**
 * `eleanor-jobs validate <files...>`: loads the job modules, validates every job, and prints
 * what each will do.
 */
import type { BaseJob } from '../../job/base-job.js';
import { describeSchedule } from '../../http/views.js';
import { formatLocalTime } from '../format-time.js';
import { loadJobs } from '../load-jobs.js';

/**
 * The text `validate` prints: per file, one line per job.
 *
 * @throws CliError for the first bad file or job (see `loadJobs`)
 */
export async function validateCommand(files: readonly string[], now: Date = new Date()): Promise<string> {
  const loaded = await loadJobs(files);
  const lines: string[] = [];
  let file: string | null = null;
  for (const entry of loaded) {
    if (entry.file !== file) {
      file = entry.file;
      lines.push(file);
    }
    lines.push(`  ${describeJob(entry.job, now)}`);
  }
  lines.push(`${loaded.length} job(s) valid`);
  return lines.join('\n');
}

/** One line: name, class, schedule in words, first trigger, and the retry policy. */
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
  return `${what}; ${when}; ${retry}${timeout}`;
}
