import { inChunks } from './in-chunks.js';

/** How one call's promise is settled. */
interface Settler<Answer> {
  readonly resolve: (answer: Answer) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the calls made while the microtask queue drains into one batch call.
 *
 * When many jobs are due on the same tick they wake from one timer callback and each asks the
 * store for something (a claim, a finish, a release) a few microtasks later. Sending those as
 * one statement instead of one per job is what lets replicas keep up with thousands of jobs per
 * second on PostgreSQL. The batch is sent from `process.nextTick` scheduled by the first call:
 * Node runs it only once the microtask queue is empty, so after every job woken in the same
 * callback has made its call, and without waiting for a turn of the event loop. Calls made
 * while a batch is in flight go into the next one. A batch of more than `MAX_BATCH_ITEMS`
 * (`in-chunks.ts`) calls is sent as several consecutive chunks at once, each answered (or
 * failed) on its own.
 */
export class CallBatcher<Item, Answer> {
  #items: Item[] = [];
  #settlers: Settler<Answer>[] = [];
  #scheduled = false;
  readonly #send: (items: readonly Item[]) => Promise<readonly Answer[]>;
  readonly #blamesOneItem: (error: unknown) => boolean;

  /**
   * @param send - answers a batch (at most `MAX_BATCH_ITEMS` items), one answer per item in
   *   order; if it rejects, every call of the batch rejects with its error
   * @param blamesOneItem - says whether an error may come from a single bad item (bad input
   *   rather than an outage); a batch that fails with such an error is sent again item by item,
   *   so that one bad call cannot fail all the others
   */
  constructor(send: (items: readonly Item[]) => Promise<readonly Answer[]>, blamesOneItem: (error: unknown) => boolean = () => false) {
    this.#send = send;
    this.#blamesOneItem = blamesOneItem;
  }

  /** Adds `item` to the next batch; resolves with its answer. */
  call(item: Item): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      this.#items.push(item);
      this.#settlers.push({ resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        process.nextTick(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const items = this.#items;
    const settlers = this.#settlers;
    this.#items = [];
    this.#settlers = [];
    this.#scheduled = false;
    const settlerChunks = inChunks(settlers);
    await Promise.all(inChunks(items).map((chunk, index) => this.#sendBatch(chunk, settlerChunks[index] as readonly Settler<Answer>[])));
  }

  async #sendBatch(items: readonly Item[], settlers: readonly Settler<Answer>[]): Promise<void> {
    let answers: readonly Answer[];
    try {
      answers = await this.#send(items);
    } catch (error) {
      if (items.length > 1 && this.#blamesOneItem(error)) {
        await Promise.all(items.map((item, index) => this.#sendBatch([item], [settlers[index] as Settler<Answer>])));
        return;
      }
      for (const settler of settlers) settler.reject(error);
      return;
    }
    for (const [index, settler] of settlers.entries()) settler.resolve(answers[index] as Answer);
  }
}
