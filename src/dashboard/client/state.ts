/**
 * What the dashboard knows: the jobs (as the API shows them), the runs of the timeline
 * window, and the server's clock. Views subscribe to changes; live events and API answers
 * are merged in.
 */
import { getJson, jobPath } from './api.js';
import type { JobView, JobsResponse, RunProgressEvent, RunView, RunsResponse } from './api-types.js';

/** Most runs one API page holds (the server's `MAX_RUNS_PER_PAGE`). */
export const PAGE_LIMIT = 1_000;

/** The timeline windows offered. */
export const WINDOWS = { hour: 3_600_000, day: 86_400_000 } as const;

/** Name of a timeline window. */
export type WindowName = keyof typeof WINDOWS;

/** What changed: one job (its name), all jobs (`null`), or the runs. */
export type Change = { readonly kind: 'job'; readonly name: string | null } | { readonly kind: 'runs'; readonly job: string | null };

/** Whether a run's status is final (it will not change again). */
const isFinal = (run: RunView): boolean => run.status !== 'running';

/** The dashboard's data. */
export class DashboardState {
  /** Jobs by name, in the runner's order. */
  readonly jobs = new Map<string, JobView>();
  /** Runs of the timeline window by id. */
  readonly runs = new Map<string, RunView>();
  /** Jobs whose runs were loaded only back to a time (their history is longer than a page). */
  readonly loadedSince = new Map<string, number>();
  /** Whether the trigger/pause/resume routes exist. */
  actionsEnabled = false;
  /** The runner's owner id and store kind, for the header. */
  runner: JobsResponse['runner'] | null = null;
  /** The timeline window. */
  window: WindowName = 'hour';
  /**
   * While the shown data may be out of date (the live connection was lost, or a poll failed):
   * when it was last known current, server clock; `null` while it is current.
   */
  staleSince: number | null = null;
  /** Server clock minus browser clock, ms. */
  #offset = 0;
  /** When the data was last known current (see {@link markCurrent}). */
  #currentAt = 0;
  readonly #listeners = new Set<(change: Change) => void>();

  /** The server's "now" (the browser's clock corrected by the last answer). */
  now(): number {
    return Date.now() + this.#offset;
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (change: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The data was just loaded in full: it is current (clears {@link staleSince}). */
  markCurrent(): void {
    this.#currentAt = this.now();
    if (this.staleSince === null) return;
    this.staleSince = null;
    this.#emit({ kind: 'job', name: null });
  }

  /**
   * The data may be out of date from now on: it was last known current at `asOf` (default:
   * the last {@link markCurrent}). Only the first call counts until the next `markCurrent`.
   */
  markStale(asOf: number = this.#currentAt): void {
    if (this.staleSince !== null) return;
    this.staleSince = asOf;
    this.#emit({ kind: 'job', name: null });
  }

  /** Loads `/api/jobs`. */
  async loadJobs(): Promise<void> {
    const sent = Date.now();
    const body = await getJson<JobsResponse>('api/jobs');
    this.#offset = body.now - (sent + Date.now()) / 2;
    this.actionsEnabled = body.actionsEnabled;
    this.runner = body.runner;
    this.jobs.clear();
    for (const job of body.jobs) this.jobs.set(job.name, job);
    this.#emit({ kind: 'job', name: null });
  }

  /**
   * Loads the runs of the timeline window: one page of all jobs' runs, or, when that page is
   * full, one page per job (marking the jobs whose page does not reach back to the window's
   * start in {@link loadedSince}).
   */
  async loadRuns(): Promise<void> {
    const since = Math.floor(this.now() - WINDOWS[this.window]);
    const all = await getJson<RunsResponse>(`api/runs?since=${since}&limit=${PAGE_LIMIT}`);
    this.loadedSince.clear();
    let runs = all.runs;
    if (runs.length >= PAGE_LIMIT) {
      const pages = await Promise.all([...this.jobs.keys()].map(async (name) => ({ name, runs: (await getJson<RunsResponse>(`${jobPath(name)}/runs?limit=${PAGE_LIMIT}`)).runs })));
      runs = [];
      for (const page of pages) {
        const inWindow = page.runs.filter((run) => (run.startedAt ?? run.tickAt ?? 0) >= since || run.status === 'running');
        if (page.runs.length >= PAGE_LIMIT && inWindow.length === page.runs.length) {
          const oldest = page.runs.at(-1);
          if (oldest !== undefined) this.loadedSince.set(page.name, oldest.startedAt ?? oldest.tickAt ?? since);
        }
        runs.push(...inWindow);
      }
    }
    const fresh = new Map<string, RunView>();
    for (const run of runs) fresh.set(run.id, this.#newer(this.runs.get(run.id), run));
    // Keep runs that arrived live while loading and are not in the answer.
    for (const [id, run] of this.runs) if (!fresh.has(id) && (run.startedAt ?? run.tickAt ?? 0) >= since) fresh.set(id, run);
    this.runs.clear();
    for (const [id, run] of fresh) this.runs.set(id, run);
    this.#emit({ kind: 'runs', job: null });
  }

  /** Loads a job's newest runs (after its missed/skipped counts moved) into the window. */
  async loadJobRuns(name: string, limit = 50): Promise<RunView[]> {
    const { runs } = await getJson<RunsResponse>(`${jobPath(name)}/runs?limit=${limit}`);
    for (const run of runs) this.upsertRun(run, false);
    this.#emit({ kind: 'runs', job: name });
    return runs;
  }

  /** Merges a job view (from an event or an action's answer). */
  upsertJob(job: JobView): void {
    const previous = this.jobs.get(job.name);
    this.jobs.set(job.name, job);
    this.#emit({ kind: 'job', name: job.name });
    if (previous !== undefined && (job.missedTicks > previous.missedTicks || job.skippedTicks > previous.skippedTicks)) {
      this.loadJobRuns(job.name).catch(() => undefined);
    }
  }

  /** Merges a run (from an event); a final status is never replaced by `running`. */
  upsertRun(run: RunView, notify = true): void {
    this.runs.set(run.id, this.#newer(this.runs.get(run.id), run));
    const job = this.jobs.get(run.job);
    if (job !== undefined && run.startedAt !== null && (job.lastRun === null || Number(run.id) >= Number(job.lastRun.id))) {
      this.jobs.set(run.job, { ...job, lastRun: this.#newer(job.lastRun?.id === run.id ? job.lastRun : undefined, run) });
      if (notify) this.#emit({ kind: 'job', name: run.job });
    }
    if (notify) this.#emit({ kind: 'runs', job: run.job });
  }

  /** Merges a running run's progress (a `run:progress` event) into its run and its job's last run. */
  applyProgress(event: RunProgressEvent): void {
    const patched = (run: RunView | null | undefined): RunView | null => (run?.id === event.runId && run.status === 'running' ? { ...run, progress: event.progress } : null);
    const run = patched(this.runs.get(event.runId));
    if (run !== null) this.runs.set(run.id, run);
    const job = this.jobs.get(event.job);
    const lastRun = patched(job?.lastRun);
    if (job === undefined || lastRun === null) return;
    this.jobs.set(job.name, { ...job, lastRun });
    this.#emit({ kind: 'job', name: job.name });
  }

  /** Drops runs that left the timeline window. */
  pruneRuns(): void {
    const since = this.now() - WINDOWS[this.window];
    for (const [id, run] of this.runs) if ((run.endedAt ?? run.startedAt ?? run.tickAt ?? 0) < since && run.status !== 'running') this.runs.delete(id);
  }

  #newer(known: RunView | undefined, incoming: RunView): RunView {
    return known !== undefined && isFinal(known) && !isFinal(incoming) ? known : incoming;
  }

  #emit(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }
}
