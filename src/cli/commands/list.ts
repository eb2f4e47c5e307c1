/**
 * `eleanor-jobs list [files...] [--url URL] [--json]`: the jobs of job modules, or of a
 * running service.
 */
import type { JobView } from '../../http/views.js';
import { CliError } from '../cli-error.js';
import { toJson } from '../cli-json.js';
import { formatTable } from '../format-table.js';
import { formatLocalTime } from '../format-time.js';
import { loadJobs } from '../load-jobs.js';
import { fetchJobs, type ServiceOptions } from '../service-client.js';
import { visible } from '../visible-text.js';
import { summarize } from './validate.js';

/** Options of {@link listCommand}. */
export interface ListOptions extends Partial<ServiceOptions> {
  /** `--json`: an array of jobs (from files: as `validate --json`; from a service: as its API). */
  readonly json?: boolean;
}

/**
 * The text `list` prints.
 *
 * @throws CliError for files and `--url` both or neither, a bad file, or a service that cannot be asked
 */
export async function listCommand(files: readonly string[], options: ListOptions, now: Date = new Date()): Promise<string> {
  const url = options.url === '' ? undefined : options.url;
  if ((files.length === 0) === (url === undefined)) throw new CliError('list needs job files or --url <service URL> (one of the two)');
  if (url !== undefined) return listService({ ...options, url });
  const jobs = await loadJobs(files);
  const summaries = jobs.map((entry) => summarize(entry, now));
  if (options.json === true) return toJson(summaries);
  const rows = summaries.map((job) => [job.name, job.class, job.cron ?? `every ${job.interval} s`, job.timezone ?? '-', job.nextRunAt ?? '-', job.file].map((cell) => visible(cell)));
  return formatTable(['NAME', 'CLASS', 'SCHEDULE', 'ZONE', 'NEXT', 'FILE'], rows);
}

async function listService(options: ServiceOptions & ListOptions): Promise<string> {
  const response = await fetchJobs(options);
  if (options.json === true) return toJson(response.jobs);
  return formatTable(['NAME', 'STATE', 'SCHEDULE', 'NEXT', 'LAST', 'TRIGGERS'], response.jobs.map(serviceRow));
}

function serviceRow(job: JobView): string[] {
  const zone = job.timezone ?? undefined;
  const last = job.lastRun === null ? '-' : `${job.lastRun.status}${job.lastRun.startedAt === null ? '' : ` at ${formatLocalTime(job.lastRun.startedAt, zone)}`}`;
  return [job.name, job.paused ? `${job.state} (paused)` : job.state, job.cron ?? `every ${job.interval} s`, job.nextRunAt === null ? '-' : formatLocalTime(job.nextRunAt, zone), last, String(job.triggerCount)].map((cell) => visible(cell));
}
