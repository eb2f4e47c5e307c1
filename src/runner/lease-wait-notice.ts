/**
 * `LeaseWaitNotice`: says once in the log why a job does not run while another owner holds its
 * lease — who holds it and when it expires — instead of leaving the operator to guess.
 */
import type { JobLogger } from '../job/job-logger.js';
import type { JobStateRecord } from '../store/job-store.js';
import { jobListFields } from './job-list-fields.js';

/** Reads one job's stored state; the host batches these reads (see {@link LeaseWaitNotice}). */
export type JobStateReader = (job: string) => Promise<JobStateRecord | null>;

/** A summary line names at most this many distinct lease holders. */
const HOLDERS_NAMED = 5;

/** One wait whose holder was read (or could not be). */
interface Wait {
  readonly job: string;
  readonly holder: string | null;
  readonly expiresAt: number | null;
  readonly error: unknown;
}

/**
 * Logs the first refusal of each wait for another owner's lease (`event: 'lease-wait'`), with
 * the holder and the expiry the store reports; a grant ends the wait, so the next refusal is
 * logged again. Reading the holder is a background call: the job never waits for it.
 * Replicas competing for one tick get many jobs refused at once, so the host passes a reader
 * that batches (its `loadStates` batch), not one `loadState` statement per job, and the waits
 * whose reads settle together are logged as one line (`jobs`, `count`, `holders`): a replica
 * losing 1,000 jobs to another writes one line, not 1,000.
 */
export class LeaseWaitNotice {
  readonly #read: JobStateReader;
  readonly #logger: JobLogger;
  readonly #waiting = new Set<string>();
  #settled: Wait[] = [];
  readonly #flush = (): void => this.#log();

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
      (state) => this.#add({ job, holder: state?.leaseOwner ?? null, expiresAt: state?.leaseExpiresAt ?? null, error: undefined }),
      (error: unknown) => this.#add({ job, holder: null, expiresAt: null, error }),
    );
  }

  /** `job` got its lease: a later refusal starts a new wait. */
  granted(job: string): void {
    this.#waiting.delete(job);
  }

  /** Gathers the waits whose reads settle in the same microtask run; the first schedules the line. */
  #add(wait: Wait): void {
    if (!this.#waiting.has(wait.job)) return;
    if (this.#settled.push(wait) === 1) queueMicrotask(this.#flush);
  }

  #log(): void {
    const waits = this.#settled;
    this.#settled = [];
    const [first] = waits;
    if (first === undefined) return;
    if (waits.length === 1) this.#logOne(first);
    else this.#logMany(waits);
  }

  #logOne({ job, holder, expiresAt, error }: Wait): void {
    if (error !== undefined) {
      this.#logger.info({ job, event: 'lease-wait', holder: null, expiresAt: null, err: error }, 'waiting for the lease of another owner (its holder could not be read)');
      return;
    }
    this.#logger.info({ job, event: 'lease-wait', holder, expiresAt }, `waiting for the lease of ${holderText(holder)}; it expires at ${expiryText(expiresAt)} unless renewed`);
  }

  #logMany(waits: readonly Wait[]): void {
    const read = waits.filter((wait) => wait.error === undefined);
    const failed = waits.find((wait) => wait.error !== undefined);
    const holders = [...new Set(read.map((wait) => wait.holder))];
    const expiries = read.flatMap((wait) => (wait.expiresAt === null ? [] : [wait.expiresAt]));
    const expiresAt = expiries.length === 0 ? null : Math.min(...expiries);
    const bindings = { ...jobListFields(waits), event: 'lease-wait', holders: holders.slice(0, HOLDERS_NAMED), expiresAt };
    const unread = waits.length - read.length;
    const unreadText = unread === 0 ? '' : ` (the holder of ${unread} could not be read)`;
    if (read.length === 0) {
      this.#logger.info({ ...bindings, err: failed?.error }, `${waits.length} jobs are waiting for the leases of other owners${unreadText}`);
      return;
    }
    const named = holders.slice(0, HOLDERS_NAMED).map(holderText).join(', ');
    const others = holders.length > HOLDERS_NAMED ? ` and ${holders.length - HOLDERS_NAMED} more` : '';
    this.#logger.info(
      failed === undefined ? bindings : { ...bindings, err: failed.error },
      `${waits.length} jobs are waiting for leases of ${named}${others}${unreadText}; the first expires at ${expiryText(expiresAt)} unless renewed`,
    );
  }
}

function holderText(holder: string | null): string {
  return holder === null ? 'another owner' : JSON.stringify(holder);
}

function expiryText(expiresAt: number | null): string {
  return expiresAt === null ? 'an unknown time' : `${new Date(expiresAt).toISOString()} (in about ${Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000))} s)`;
}
