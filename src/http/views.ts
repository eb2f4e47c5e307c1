/**
 * The JSON shapes of the HTTP API (and of the dashboard built on it): {@link JobView} and
 * {@link RunView}, and the functions that build them. Times are epoch milliseconds.
 */
import type { BaseJob } from '../job/base-job.js';
import type { JobState } from '../job/job-state.js';
import type { RecentRuns } from '../runner/recent-runs.js';
import { redactSchemaSecrets, redactSecrets } from '../job/secret-fields.js';
import { describeCron } from '../schedule/describe-cron.js';
import { describeInterval } from '../schedule/describe-interval.js';
import type { JobPause, RunRecord } from '../store/job-store.js';

/**
 * One run row as the API shows it: the stored record plus two derived durations. Paths under
 * the working directory in `error` (its stack) are shown relative to it.
 */
export interface RunView extends RunRecord {
  /** `endedAt - startedAt`, or `null` while running and for missed/skipped ticks. */
  readonly durationMs: number | null;
  /** How late a cron run started after its tick (`startedAt - tickAt`, at least 0), else `null`. */
  readonly latenessMs: number | null;
}

/** One job as the API shows it. */
export interface JobView {
  readonly name: string;
  readonly kind: 'cron' | 'interval';
  readonly cron: string | null;
  /** Seconds, for interval jobs. */
  readonly interval: number | null;
  readonly timezone: string | null;
  /** The schedule in words: the cron expression described, or `every N s`. */
  readonly description: string;
  readonly state: JobState;
  /** Whether the job is paused here (cluster-wide, or by a local `job.pause()`). */
  readonly paused: boolean;
  /** The cluster-wide pause (who, when, why) as this replica last read it, else `null`. */
  readonly pause: JobPause | null;
  /** The next trigger while the job sleeps for one, else `null`. */
  readonly nextRunAt: number | null;
  /** The latest execution (any status but missed/skipped), or `null`. */
  readonly lastRun: RunView | null;
  /** Triggers so far (continues across restarts with a persistent store). */
  readonly triggerCount: number;
  /** Failed and timed-out runs that ended in the last 24 hours. */
  readonly failures24h: number;
  /** Cron ticks dropped by the misfire policy since the job was created. */
  readonly missedTicks: number;
  /** Cron ticks skipped (misfire `skip`) since the job was created. */
  readonly skippedTicks: number;
  /** The job's data model values (`job.toJSON()`), fields marked `secret` shown as `[redacted]`. */
  readonly model: Record<string, unknown>;
}

/** {@link JobView} plus the JSON Schema of the job's class, for `GET /api/jobs/:name`. */
export interface JobDetailView extends JobView {
  readonly schema: Record<string, unknown> | null;
}

/** The view of one run record. */
export function runView(run: RunRecord): RunView {
  return {
    ...run,
    error: run.error === null ? null : relativeToWorkingDirectory(run.error),
    durationMs: run.startedAt !== null && run.endedAt !== null ? Math.max(0, run.endedAt - run.startedAt) : null,
    latenessMs: run.tickAt !== null && run.startedAt !== null ? Math.max(0, run.startedAt - run.tickAt) : null,
  };
}

/** Descriptions already computed, per job (its schedule is frozen). */
const descriptions = new WeakMap<Pick<BaseJob, 'cron' | 'interval'>, string>();

/** The schedule in words: `describeCron(cron)` or `describeInterval(interval)` (one wording: `Every 4 seconds`). */
export function describeSchedule(job: Pick<BaseJob, 'cron' | 'interval'>): string {
  let description = descriptions.get(job);
  if (description === undefined) {
    if (job.cron !== null) description = describeCron(job.cron);
    else description = job.interval === null ? 'no schedule' : describeInterval(job.interval);
    descriptions.set(job, description);
  }
  return description;
}

/**
 * The view of one job, from its live state, what `recent` knows of its runs, and its cluster
 * pause (`JobRunner.pauseOf`).
 */
export function jobView(job: BaseJob, recent: RecentRuns, now: number = Date.now(), pause: JobPause | null = null): JobView {
  const lastRun = recent.lastRun(job.name);
  return {
    name: job.name,
    kind: job.cron !== null ? 'cron' : 'interval',
    cron: job.cron,
    interval: job.interval,
    timezone: job.timezone,
    description: describeSchedule(job),
    state: job.state,
    paused: job.isPaused,
    pause,
    nextRunAt: job.nextRunAt?.getTime() ?? null,
    lastRun: lastRun === null ? null : runView(lastRun),
    triggerCount: job.triggerCount,
    failures24h: recent.failures24h(job.name, now),
    missedTicks: job.missedTicks,
    skippedTicks: job.skippedTicks,
    model: redactSecrets(job, job.toJSON()),
  };
}

/**
 * The JSON Schema of the job's class (`static jsonSchema()`), or `null` if it has none; the
 * defaults of secret fields redacted.
 */
export function jobSchema(job: BaseJob): Record<string, unknown> | null {
  const jobClass = job.constructor as { jsonSchema?: () => Record<string, unknown> };
  return typeof jobClass.jsonSchema === 'function' ? redactSchemaSecrets(job, jobClass.jsonSchema()) : null;
}

/** `text` with `file://<cwd>/` and `<cwd>/` removed, so stack frames name paths relative to it. */
function relativeToWorkingDirectory(text: string): string {
  const cwd = process.cwd();
  if (cwd === '/' || !text.includes(cwd)) return text;
  return text.split(`file://${cwd}/`).join('').split(`${cwd}/`).join('');
}
