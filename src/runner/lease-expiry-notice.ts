/**
 * `LeaseExpiryNotice`: the log line for leases this process gives up because the store did not
 * confirm them in time (`event: 'lease-expired'`).
 *
 * The deadlines fire from the timer queue, and after a freeze many fire in one pass. The aborts
 * happen there and then; the line is written after the pass (in a microtask), so that writing
 * it never holds back the next abort, and the leases that expired in the same pass share one
 * line (`count`, the first names in `jobs`, `runningCount`): a replica thawing with 1,000 leases
 * writes one line, not 1,000. A lease that expires alone is logged as one always was.
 *
 * @module
 */
import type { JobLogger } from '../job/job-logger.js';
import { jobListFields } from './job-list-fields.js';

/** One lease given up: its job and whether an execution was running under it. */
interface Expiry {
  readonly job: string;
  readonly running: boolean;
}

/** Logs expired leases, those of one timer pass together (see the module comment). */
export class LeaseExpiryNotice {
  readonly #logger: JobLogger;
  #pending: Expiry[] = [];
  readonly #flush = (): void => this.#log();

  /** @param logger - where the line goes */
  constructor(logger: JobLogger) {
    this.#logger = logger;
  }

  /** The lease of `job` expired unconfirmed; `running`: an execution held it (and is aborted). */
  expired(job: string, running: boolean): void {
    if (this.#pending.push({ job, running }) === 1) queueMicrotask(this.#flush);
  }

  #log(): void {
    const expiries = this.#pending;
    this.#pending = [];
    const [first] = expiries;
    if (first === undefined) return;
    if (expiries.length === 1) {
      this.#logger.warn({ job: first.job, event: 'lease-expired', running: first.running }, 'the store did not confirm the lease before it expired; it counts as lost');
      return;
    }
    const running = expiries.filter((expiry) => expiry.running).length;
    this.#logger.warn(
      { ...jobListFields(expiries), event: 'lease-expired', runningCount: running },
      `the store did not confirm ${expiries.length} leases before they expired (${running} of them held by a running execution); they count as lost`,
    );
  }
}
