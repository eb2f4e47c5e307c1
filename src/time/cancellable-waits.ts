/**
 * Waits on the shared timer queue that can all be ended at once: each {@link CancellableWaits.wait}
 * resolves after its delay, or as soon as {@link CancellableWaits.endAll} is called (a host
 * closing ends every retry wait it has started, so nothing keeps the process alive).
 *
 * @module
 */
import { sharedTimerQueue, TimerEntry } from './timer-queue.js';

/** A set of pending waits, ended together by {@link CancellableWaits.endAll}. */
export class CancellableWaits {
  readonly #pending = new Set<TimerEntry>();

  /** Resolves after `ms` (on the shared timer queue), or when {@link endAll} is called. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = new TimerEntry(() => {
        this.#pending.delete(entry);
        resolve();
      });
      this.#pending.add(entry);
      sharedTimerQueue.schedule(entry, Date.now() + ms);
    });
  }

  /** Ends every pending wait now (each resolves). */
  endAll(): void {
    for (const entry of this.#pending) {
      sharedTimerQueue.cancel(entry);
      entry.callback(undefined);
    }
  }
}
