/**
 * The lease releases of a {@link StoreHost}, gathered while the microtask queue drains and sent
 * as one `releaseLeases` call (one per `MAX_BATCH_ITEMS` releases, see `in-chunks.ts`, each
 * failing alone): a runner that stops 10,000 jobs pays for ten store calls and one promise, not
 * for a promise, a closure and a settler per job.
 *
 * @module
 */
import { toError } from '../errors/to-error.js';
import type { JobLogger } from '../job/job-logger.js';
import type { JobStore, LeaseRelease } from '../store/job-store.js';
import { inChunks } from './in-chunks.js';
import { jobListFields } from './job-list-fields.js';

/** Releases gathered into batches (see the module documentation). */
export class LeaseReleases {
  readonly #store: JobStore;
  readonly #logger: JobLogger;
  readonly #onBatch: (sent: Promise<void>) => void;
  readonly #blamesOneItem: (error: unknown) => boolean;
  #items: LeaseRelease[] = [];
  /** Settles once the batch being gathered was sent and answered; `null` when none is gathered. */
  #next: Promise<void> | null = null;
  readonly #flush = (): Promise<void> => {
    const items = this.#items;
    this.#items = [];
    this.#next = null;
    return Promise.all(inChunks(items).map((chunk) => this.#send(chunk))).then(() => undefined);
  };

  /**
   * @param store - where the leases are released
   * @param logger - receives one warning per failed batch (a lease not released expires by itself)
   * @param onBatch - told of every batch's promise when the batch opens (the host tracks it for its drain)
   * @param blamesOneItem - says whether an error may come from a single bad item (as for the host's other batched calls)
   */
  constructor(store: JobStore, logger: JobLogger, onBatch: (sent: Promise<void>) => void, blamesOneItem: (error: unknown) => boolean) {
    this.#store = store;
    this.#logger = logger;
    this.#onBatch = onBatch;
    this.#blamesOneItem = blamesOneItem;
  }

  /**
   * Adds `release` to the batch being gathered and returns the batch's promise, shared by every
   * release in it. It never rejects: a failure is logged.
   */
  add(release: LeaseRelease): Promise<void> {
    this.#items.push(release);
    if (this.#next === null) {
      // Sent from process.nextTick: after every job stopped in the same pass has added its release.
      const next = new Promise<void>((resolve) => process.nextTick(() => resolve(this.#flush())));
      this.#next = next;
      this.#onBatch(next);
    }
    return this.#next;
  }

  /** Sends `items`; a batch refused for bad input is sent again item by item, so one bad item fails alone. */
  async #send(items: readonly LeaseRelease[]): Promise<void> {
    try {
      await this.#store.releaseLeases(items);
    } catch (error) {
      if (items.length > 1 && this.#blamesOneItem(error)) {
        await Promise.all(items.map((item) => this.#send([item])));
        return;
      }
      const failure = toError(error);
      this.#logger.warn(
        { event: 'release-failed', ...jobListFields(items), err: failure },
        `releasing ${items.length === 1 ? 'the lease' : `${items.length} leases`} failed (a lease expires by itself): ${failure.message}`,
      );
    }
  }
}
