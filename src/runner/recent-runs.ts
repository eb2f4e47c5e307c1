/**
 * What a runner remembers about its jobs' recent runs, for live views: each job's latest
 * execution and its failures of the last 24 hours. Kept up to date from runner events, so
 * building a view never waits for the store; filled from the store at start, and per job on
 * first need.
 */
import type { JobStore, RunProgress, RunRecord } from '../store/job-store.js';

/** The window of {@link RecentRuns.failures24h}. */
export const FAILURE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Most rows read from the store to seed the failure counts at start. */
export const SEED_LIMIT = 10_000;

/** Rows read per job to find its latest execution among missed and skipped ticks. */
const LAST_RUN_SCAN = 50;

const isExecution = (run: RunRecord): boolean => run.startedAt !== null;
const isFailure = (run: RunRecord): boolean => run.status === 'failed' || run.status === 'timeout';

/** Latest execution and 24-hour failure times of each job. */
export class RecentRuns {
  /** Latest execution per job; `null` when the store has none; missing when not looked up yet. */
  readonly #lastRun = new Map<string, RunRecord | null>();
  /** End times of failed and timed-out runs per job, oldest first. */
  readonly #failures = new Map<string, number[]>();

  /**
   * Reads the runs of the last 24 hours (at most {@link SEED_LIMIT}, newest first) to fill the
   * failure counts and the latest executions found among them.
   */
  async seed(store: JobStore, now: number): Promise<void> {
    const runs = await store.listRuns({ since: now - FAILURE_WINDOW_MS, limit: SEED_LIMIT });
    for (const run of runs) {
      if (isExecution(run) && !this.#lastRun.has(run.job)) this.#lastRun.set(run.job, run);
      if (isFailure(run)) this.#failureTimes(run.job).push(run.endedAt ?? run.startedAt ?? now);
    }
    for (const times of this.#failures.values()) times.sort((a, b) => a - b);
  }

  /** Records a run that started or ended. */
  record(run: RunRecord): void {
    this.#lastRun.set(run.job, run);
    if (isFailure(run)) this.#failureTimes(run.job).push(run.endedAt ?? Date.now());
  }

  /** Records the progress a running run reported (when it is the job's latest execution). */
  recordProgress(job: string, runId: string, progress: RunProgress): void {
    const run = this.#lastRun.get(job);
    if (run != null && run.id === runId && run.status === 'running') this.#lastRun.set(job, { ...run, progress });
  }

  /** The job's latest execution as known now (`null` if none, or not looked up yet). */
  lastRun(job: string): RunRecord | null {
    return this.#lastRun.get(job) ?? null;
  }

  /** The job's latest execution, asking the store if it was not looked up yet. */
  async loadLastRun(store: JobStore, job: string): Promise<RunRecord | null> {
    const known = this.#lastRun.get(job);
    if (known !== undefined) return known;
    const runs = await store.listRuns({ job, limit: LAST_RUN_SCAN });
    const latest = runs.find(isExecution) ?? null;
    if (!this.#lastRun.has(job)) this.#lastRun.set(job, latest);
    return this.#lastRun.get(job) ?? null;
  }

  /** Failed and timed-out runs of the job that ended within the last 24 hours. */
  failures24h(job: string, now: number = Date.now()): number {
    const times = this.#failures.get(job);
    if (times === undefined) return 0;
    const cutoff = now - FAILURE_WINDOW_MS;
    let expired = 0;
    while (expired < times.length && (times[expired] as number) < cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    return times.length;
  }

  #failureTimes(job: string): number[] {
    let times = this.#failures.get(job);
    if (times === undefined) {
      times = [];
      this.#failures.set(job, times);
    }
    return times;
  }
}
