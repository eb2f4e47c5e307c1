/**
 * `LeaseWaitNotice`: says once in the log why a job does not run while another owner holds its
 * lease — who holds it and when it expires — instead of leaving the operator to guess.
 */
import type { JobLogger } from '../job/job-logger.js';
import type { JobStateRecord } from '../store/job-store.js';

/** Reads one job's stored state; the host batches these reads (see {@link LeaseWaitNotice}). */
export type JobStateReader = (job: string) => Promise<JobStateRecord | null>;

/**
 * Logs the first refusal of each wait for another owner's lease (`event: 'lease-wait'`), with
 * the holder and the expiry the store reports; a grant ends the wait, so the next refusal is
 * logged again. Reading the holder is a background call: the job never waits for it.
 * Replicas competing for one tick get many jobs refused at once, so the host passes a reader
 * that batches (its `loadStates` batch), not one `loadState` statement per job.
 */
export class LeaseWaitNotice {
  readonly #read: JobStateReader;
  readonly #logger: JobLogger;
  readonly #waiting = new Set<string>();

  /**
   * @param read - reads a job's state, where the lease holder is found
   * @param logger - where the notice goes
   */
  constructor(read: JobStateReader, logger: JobLogger) {
    this.#read = read;
    this.#logger = logger;
  }

  /** A claim of `job` was refused because another owner holds its live lease. */
  refused(job: string): void {
    if (this.#waiting.has(job)) return;
    this.#waiting.add(job);
    this.#read(job).then(
      (state) => {
        if (!this.#waiting.has(job)) return;
        const holder = state?.leaseOwner ?? null;
        const expiresAt = state?.leaseExpiresAt ?? null;
        const expiry = expiresAt === null ? 'an unknown time' : `${new Date(expiresAt).toISOString()} (in about ${Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000))} s)`;
        this.#logger.info(
          { job, event: 'lease-wait', holder, expiresAt },
          `waiting for the lease of ${holder === null ? 'another owner' : JSON.stringify(holder)}; it expires at ${expiry} unless renewed`,
        );
      },
      (error: unknown) => {
        this.#logger.info({ job, event: 'lease-wait', holder: null, expiresAt: null, err: error }, 'waiting for the lease of another owner (its holder could not be read)');
      },
    );
  }

  /** `job` got its lease: a later refusal starts a new wait. */
  granted(job: string): void {
    this.#waiting.delete(job);
  }
}
