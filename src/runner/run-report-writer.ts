/**
 * Writes what executing runs report (`run.progress()`, `run.logger`) to the store, so that
 * reporting stays cheap and synchronous for the job:
 * - at most one `reportRun` per run every {@link REPORT_EVERY_MS} (the first at once), one in
 *   flight at a time; the latest progress wins, lines are batched;
 * - each write is announced as `run:progress` (and `run:log` for its lines) before the store
 *   call, so the live views never wait on the store;
 * - lines past what a run's log can keep (200) are counted, not buffered;
 * - a failed write is logged and its lines and progress go with the next one; a write the
 *   store refuses (the run is no longer running) ends the run's reporting (later reports are
 *   ignored until the run ends);
 * - {@link RunReportWriter.end} writes what is left before the run's finish is written.
 *
 * @module
 */
import { toError } from '../errors/to-error.js';
import type { JobLogger } from '../job/job-logger.js';
import type { JobStore, RunProgress } from '../store/job-store.js';
import { MAX_RUN_LOG_LINES, storedLogLine } from '../store/run-report-rules.js';
import { CancellableWaits } from '../time/cancellable-waits.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';
import type { RunnerEventMap } from './runner-events.js';
import type { TypedEmitter } from './typed-emitter.js';

/** Least time between two store writes of one run's reports, in milliseconds. */
export const REPORT_EVERY_MS = 1_000;

/** What one run reported and is not written yet. */
class PendingReport {
  progress: RunProgress | null = null;
  lines: string[] = [];
  /** How many of {@link lines} (at the front: a failed write's) were already sent as `run:log`. */
  announced = 0;
  dropped = 0;
  /** Lines taken in all: past {@link MAX_RUN_LOG_LINES}, they are only counted. */
  taken = 0;
  writing: Promise<void> | null = null;
  /** The store refused a write: the run is no longer running, later reports are ignored. */
  refused = false;
  lastWriteAt = Number.NEGATIVE_INFINITY;
  readonly timer: TimerEntry;

  constructor(
    readonly job: string,
    readonly runId: string,
    write: (report: PendingReport) => void,
  ) {
    this.timer = new TimerEntry(() => write(this));
  }

  get isEmpty(): boolean {
    return this.progress === null && this.lines.length === 0 && this.dropped === 0;
  }
}

/** The reports of every executing run of one store host. */
export class RunReportWriter {
  readonly #store: JobStore;
  readonly #events: TypedEmitter<RunnerEventMap>;
  readonly #logger: JobLogger;
  readonly #runs = new Map<string, PendingReport>();
  readonly #write = (report: PendingReport): void => void this.#flush(report);
  readonly #waits = new CancellableWaits();
  #closed = false;

  /**
   * @param store - where reports are written
   * @param events - receives `run:progress` and `run:log`
   * @param logger - logs failed writes
   */
  constructor(store: JobStore, events: TypedEmitter<RunnerEventMap>, logger: JobLogger) {
    this.#store = store;
    this.#events = events;
    this.#logger = logger;
  }

  /** Takes run `runId`'s latest progress. */
  progress(job: string, runId: string, progress: RunProgress): void {
    const report = this.#of(job, runId);
    if (report === null || report.refused) return;
    report.progress = progress;
    this.#schedule(report);
  }

  /** Takes one line run `runId` logged. */
  line(job: string, runId: string, line: string): void {
    const report = this.#of(job, runId);
    if (report === null || report.refused) return;
    if (++report.taken > MAX_RUN_LOG_LINES) report.dropped++;
    else report.lines.push(line);
    this.#schedule(report);
  }

  /**
   * Writes what run `runId` has left (after the write in flight, if any) and ends its reporting,
   * waiting `maxWaitMs` at most (a store that hangs) or until {@link RunReportWriter.close}.
   * Never rejects. Resolves at once when the run reported nothing.
   */
  async end(runId: string, maxWaitMs: number): Promise<void> {
    const report = this.#runs.get(runId);
    if (report === undefined) return;
    this.#runs.delete(runId);
    sharedTimerQueue.cancel(report.timer);
    if (report.refused) return;
    const writeRest = async (): Promise<void> => {
      if (report.writing !== null) await report.writing;
      if (!report.isEmpty) await this.#flush(report);
    };
    await Promise.race([writeRest(), this.#waits.wait(maxWaitMs)]);
  }

  /** Stops writing: pending reports are dropped and {@link RunReportWriter.end} waits end. */
  close(): void {
    this.#closed = true;
    this.#waits.endAll();
    for (const report of this.#runs.values()) sharedTimerQueue.cancel(report.timer);
    this.#runs.clear();
  }

  #of(job: string, runId: string): PendingReport | null {
    if (this.#closed) return null;
    let report = this.#runs.get(runId);
    if (report === undefined) this.#runs.set(runId, (report = new PendingReport(job, runId, this.#write)));
    return report;
  }

  #schedule(report: PendingReport): void {
    if (report.writing !== null || report.timer.isQueued || this.#runs.get(report.runId) !== report) return;
    sharedTimerQueue.schedule(report.timer, Math.max(Date.now(), report.lastWriteAt + REPORT_EVERY_MS));
  }

  /** Writes what is pending, once; resolves when the write settled. */
  #flush(report: PendingReport): Promise<void> {
    const { job, runId, progress, lines, dropped, announced } = report;
    report.progress = null;
    report.lines = [];
    report.announced = 0;
    report.dropped = 0;
    report.lastWriteAt = Date.now();
    if (progress !== null && this.#events.hasListeners('run:progress')) this.#events.emit('run:progress', { job, runId, progress });
    if (lines.length > announced && this.#events.hasListeners('run:log')) this.#events.emit('run:log', { job, runId, lines: lines.slice(announced).map(storedLogLine) });
    const writing = this.#store.reportRun({ runId, progress, lines, dropped }).then(
      (applied) => {
        // No longer running (finished, or interrupted by another replica): nothing more to write.
        if (!applied) report.refused = true;
      },
      (error: unknown) => {
        const failure = toError(error);
        this.#logger.warn({ job, event: 'report-failed', runId, err: failure }, `writing the progress and log of run ${runId} failed: ${failure.message}`);
        report.progress ??= progress;
        report.lines = [...lines, ...report.lines];
        report.announced = lines.length;
        report.dropped += dropped;
      },
    );
    report.writing = writing.then(() => {
      report.writing = null;
      if (!report.isEmpty && !report.refused) this.#schedule(report);
    });
    return report.writing;
  }
}
