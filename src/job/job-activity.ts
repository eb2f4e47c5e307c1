import type { FailureLog } from './failure-log.js';

/**
 * What a job has done: its latest execution and its failure and missed-tick counters.
 * Allocated on the job's first execution or passed-over tick, so that an idle job (most of
 * them, in a process that holds many) does not carry it.
 */
export class JobActivity {
  /** Consecutive failures, reset by a successful execution (drives the retry backoff). */
  failures = 0;
  /** Cron ticks dropped by the misfire policy. */
  missedTicks = 0;
  /** Cron ticks not run under misfire policy `skip`. */
  skippedTicks = 0;
  /** When the latest execution started (epoch ms), NaN before the first. */
  lastRunStart = Number.NaN;
  /** When it ended (epoch ms), NaN while it runs. */
  lastRunEnd = Number.NaN;
  /** The error it failed with, or `null`. */
  lastRunError: Error | null = null;
  /** Bounds the job's failure log entries (repeats counted, text capped); made at the first failure. */
  failureLog: FailureLog | null = null;
}
