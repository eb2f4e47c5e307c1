/**
 * `PruneSchedule`: a runner's retention upkeep. A job is due once its history grew by
 * `pruneEvery` rows, counting every row its store calls inserted (a finished run, and each
 * missed or skipped tick recorded), so a replica recording many unexecuted ticks per claim is
 * pruned as often as its rows demand; every {@link PRUNE_PERIOD_MS} the jobs due are pruned with
 * one `pruneJobs` call per `MAX_BATCH_ITEMS` jobs (see `in-chunks.ts`), so retention costs about
 * one statement per period whatever the number of jobs and runs per second.
 *
 * @module
 */
import { toError } from '../errors/to-error.js';
import type { JobLogger } from '../job/job-logger.js';
import type { JobStore } from '../store/job-store.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';
import { inChunks } from './in-chunks.js';

/** How often the jobs due are pruned, in milliseconds. */
export const PRUNE_PERIOD_MS = 1_000;

/** Options of {@link PruneSchedule}. */
export interface PruneScheduleOptions {
  /** Where the runs are pruned. */
  readonly store: JobStore;
  /** Runs kept per job. */
  readonly retention: number;
  /** A job is due after this many rows written since it was last due. */
  readonly pruneEvery: number;
  /** Logs failed prunes (the jobs are pruned again once due again). */
  readonly logger: JobLogger;
  /** Given each prune call in flight (the host counts them for its drain). */
  readonly track: (work: Promise<void>) => void;
}

/** A job's countdown to its next prune (kept on the host's slot of the job). */
export interface PruneCountdown {
  /** Job name. */
  readonly name: string;
  /** Rows left to write before the job is due (0: due at the next row). */
  writesUntilPrune: number;
}

/** Prunes the jobs marked due, in batches, on a fixed period (see the module comment). */
export class PruneSchedule {
  readonly #options: PruneScheduleOptions;
  readonly #due = new Set<string>();
  readonly #round = new TimerEntry(() => this.flush());
  #closed = false;

  /** @param options - see {@link PruneScheduleOptions} */
  constructor(options: PruneScheduleOptions) {
    this.#options = options;
  }

  /**
   * Counts `rows` rows written for a job; the row that exhausts its countdown makes it due and
   * restarts the countdown at `pruneEvery` (rows written in the same call are pruned in the
   * same round, as they are already stored).
   */
  counted(job: PruneCountdown, rows: number): void {
    if (rows <= 0) return;
    if (job.writesUntilPrune >= rows) {
      job.writesUntilPrune -= rows;
      return;
    }
    job.writesUntilPrune = this.#options.pruneEvery - 1;
    this.due(job.name);
  }

  /** Marks a job due: it is pruned at the next round. */
  due(job: string): void {
    if (this.#closed) return;
    this.#due.add(job);
    if (!this.#round.isQueued) sharedTimerQueue.schedule(this.#round, Date.now() + PRUNE_PERIOD_MS);
  }

  /** Prunes the jobs due now, without waiting for the round (a draining runner's last writes). */
  flush(): void {
    sharedTimerQueue.cancel(this.#round);
    if (this.#due.size === 0) return;
    const jobs = [...this.#due];
    this.#due.clear();
    const { store, retention, logger, track } = this.#options;
    for (const batch of inChunks(jobs)) {
      track(
        store.pruneJobs(batch, retention).then(
          () => undefined,
          (error: unknown) => {
            const failure = toError(error);
            logger.warn({ event: 'prune-failed', jobs: batch.length, err: failure }, `pruning old runs of ${batch.length} jobs failed: ${failure.message}`);
          },
        ),
      );
    }
  }

  /** Stops pruning: the round is cancelled and the jobs due are forgotten (pruned when due again). */
  close(): void {
    this.#closed = true;
    sharedTimerQueue.cancel(this.#round);
    this.#due.clear();
  }
}
