/**
 * The one place in eleanor-jobs that owns timers.
 *
 * Every sleeping job, retry wait and execution timeout is an entry in one shared min-heap
 * ordered by due time, served by a single Node timer armed for the earliest entry. This keeps
 * an idle job at a few dozen bytes (no timer, closure or promise per job), lets thousands of
 * jobs due on the same second fire from one timer callback, and lets stopping many jobs cost
 * almost nothing each.
 *
 * Cancelling is lazy: it only marks the entry. A cancelled entry leaves the heap when it
 * reaches the top (it is skipped, never fired), when cancelled entries come to outnumber queued
 * ones (the heap is rebuilt from the queued ones in linear time, in a microtask: a burst of
 * cancels, such as stopping every job, pays for one rebuild at most, or none if it empties the
 * queue), or when nothing is queued any more (the heap is emptied and the Node timer cleared,
 * so the process can exit). Scheduling a cancelled entry that is still in the heap revives it
 * in place.
 *
 * Three rules make waits trustworthy when the clock is not kind:
 * - A single Node timer waits at most {@link MAX_TIMER_WAIT_MS}. Node cannot wait more than
 *   2^31-1 ms, and a timer that spans a machine suspend or a wall-clock step may wake far from
 *   the intended instant; waking at least once a minute bounds the damage.
 * - Every wake-up re-reads the wall clock and fires only entries whose due time has passed,
 *   so nothing ever fires before its time, whatever the monotonic timer did.
 * - A long wait for an entry is aimed a little early ({@link EARLY_AIM_FRACTION}), then
 *   finished with a short one ({@link FINAL_APPROACH_MS}): Node timers run late in proportion
 *   to their length on some machines (about 1.4% on a loaded virtual machine, so 14 ms on a
 *   one-second wait), and a short final wait is late by a fraction of a millisecond instead.
 */

/** Longest single Node timer the queue arms, in milliseconds. */
export const MAX_TIMER_WAIT_MS = 60_000;

/** Waits for an entry up to this long (ms) are armed exactly; longer ones are aimed early. */
export const FINAL_APPROACH_MS = 100;

/**
 * A longer wait is aimed early by this fraction of it: a one-second wait is finished with a
 * 62.5 ms one, a minute-long one takes four hops.
 */
export const EARLY_AIM_FRACTION = 1 / 16;

/**
 * A wake-up registered with a {@link TimerQueue}. Owners allocate one per purpose and reuse
 * it: scheduling an entry that is already queued moves it.
 *
 * The callback receives the entry's `owner`, so that many entries can share one function
 * instead of each holding a closure (an idle job then costs no closure at all).
 */
export class TimerEntry<Owner = undefined> {
  /** Wall-clock time (epoch ms) at which {@link TimerEntry.callback} runs. */
  dueAt = 0;
  /**
   * Position in the heap, or -1 when not in it. Owned by the queue. A cancelled entry dropped
   * with the whole heap (see {@link TimerQueue.cancel}) keeps its old position, which the
   * queue recognises as stale: the heap no longer holds the entry there.
   */
  heapIndex = -1;
  /** Insertion order, to fire entries with equal due times in the order they were set. */
  sequence = 0;
  /** Cancelled: skipped when it reaches the top of the heap, dropped by compaction. Owned by the queue. */
  cancelled = false;

  /**
   * @param callback - runs (synchronously, from the queue's timer) once the entry is due
   * @param owner - passed to `callback`; omitted for closures that need none
   */
  constructor(
    readonly callback: (owner: Owner) => void,
    readonly owner: Owner = undefined as Owner,
  ) {}

  /** Whether the entry is waiting in a queue (scheduled, and not cancelled since). */
  get isQueued(): boolean {
    return this.heapIndex !== -1 && !this.cancelled;
  }
}

/** A min-heap of {@link TimerEntry} served by one Node timer. */
export class TimerQueue {
  readonly #heap: TimerEntry<unknown>[] = [];
  /** Cancelled entries still in the heap. */
  #cancelledCount = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerDueAt = Number.POSITIVE_INFINITY;
  #sequence = 0;
  #firing = false;
  #compactionQueued = false;
  readonly #onTimer = (): void => this.#fireDue();
  readonly #onCompaction = (): void => {
    this.#compactionQueued = false;
    if (this.#cancelledCount * 2 > this.#heap.length) this.#compact();
  };

  /** Number of queued entries (cancelled ones not counted). */
  get size(): number {
    return this.#heap.length - this.#cancelledCount;
  }

  /** Queues `entry` to run at `dueAt` (epoch ms), moving it if it is already queued. */
  schedule<Owner>(entry: TimerEntry<Owner>, dueAt: number): void {
    entry.dueAt = dueAt;
    entry.sequence = this.#sequence++;
    if (entry.heapIndex === -1 || this.#heap[entry.heapIndex] !== entry) {
      entry.cancelled = false;
      entry.heapIndex = this.#heap.length;
      this.#heap.push(entry as TimerEntry<unknown>);
      this.#siftUp(entry.heapIndex);
    } else {
      // Still in the heap (queued, or cancelled and not yet dropped): move it in place.
      if (entry.cancelled) {
        entry.cancelled = false;
        this.#cancelledCount--;
      }
      this.#siftUp(entry.heapIndex);
      this.#siftDown(entry.heapIndex);
    }
    if (!this.#firing) this.#arm();
  }

  /**
   * Cancels `entry` if it is queued. Returns whether it was. The entry only is marked; it
   * leaves the heap when it reaches the top, shortly after cancelled entries come to outnumber
   * queued ones, or when none is queued any more.
   */
  cancel<Owner>(entry: TimerEntry<Owner>): boolean {
    if (entry.heapIndex === -1 || entry.cancelled) return false;
    entry.cancelled = true;
    this.#cancelledCount++;
    if (this.#cancelledCount === this.#heap.length) {
      // Nothing is queued: empty the heap and clear the timer, so the process can exit.
      this.#clear();
      if (!this.#firing) this.#arm();
    } else if (!this.#compactionQueued) {
      // Whether to compact is decided once the burst of cancels this one may start is over.
      this.#compactionQueued = true;
      queueMicrotask(this.#onCompaction);
    }
    // The armed timer stays valid: at worst it fires early, finds nothing due and re-arms.
    return true;
  }

  /** Runs every entry whose due time has passed on the wall clock, then re-arms. */
  #fireDue(): void {
    this.#timer = null;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
    this.#firing = true;
    try {
      const now = Date.now();
      for (let top = this.#heap[0]; top !== undefined && top.dueAt <= now; top = this.#heap[0]) {
        this.#removeTop();
        if (top.cancelled) {
          this.#cancelledCount--;
          continue;
        }
        try {
          top.callback(top.owner);
        } catch (error) {
          // Callbacks belong to jobs, which handle their own errors; this is a last resort so
          // one faulty callback can neither stop the others from firing nor crash the process.
          process.emitWarning(error instanceof Error ? error : String(error), 'EleanorTimerWarning');
        }
      }
    } finally {
      this.#firing = false;
      this.#arm();
    }
  }

  /**
   * Keeps exactly one Node timer armed for the earliest queued entry: capped at
   * MAX_TIMER_WAIT_MS, and aimed early when the wait is long (see the module comment).
   */
  #arm(): void {
    let first = this.#heap[0];
    while (first?.cancelled === true) {
      this.#removeTop();
      this.#cancelledCount--;
      first = this.#heap[0];
    }
    if (first === undefined) {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerDueAt = Number.POSITIVE_INFINITY;
      return;
    }
    const now = Date.now();
    const wait = first.dueAt - now;
    let wakeAt: number;
    if (wait > MAX_TIMER_WAIT_MS) wakeAt = now + MAX_TIMER_WAIT_MS;
    else if (wait > FINAL_APPROACH_MS) wakeAt = first.dueAt - wait * EARLY_AIM_FRACTION;
    else wakeAt = first.dueAt;
    // Keep the armed timer if it fires soon enough and is not overdue: an overdue one may be
    // a timer from another clock (fake timers swapped for real ones in a test) that never fires.
    if (this.#timer !== null && this.#timerDueAt <= wakeAt && this.#timerDueAt >= now) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerDueAt = wakeAt;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, wakeAt - now));
  }

  /** Takes the earliest entry out of the heap. */
  #removeTop(): void {
    const heap = this.#heap;
    const removed = heap[0];
    const last = heap.pop();
    if (removed === undefined || last === undefined) return;
    removed.heapIndex = -1;
    if (heap.length === 0) return;
    heap[0] = last;
    last.heapIndex = 0;
    this.#siftDown(0);
  }

  /**
   * Empties the heap, every entry in it being cancelled. Their positions are left stale rather
   * than reset one by one: stopping every job then costs no pass over the heap.
   */
  #clear(): void {
    this.#heap.length = 0;
    this.#cancelledCount = 0;
  }

  /** Drops the cancelled entries and rebuilds the heap from the rest, in O(n). */
  #compact(): void {
    const heap = this.#heap;
    let kept = 0;
    for (const entry of heap) {
      if (entry.cancelled) {
        entry.heapIndex = -1;
        continue;
      }
      entry.heapIndex = kept;
      heap[kept++] = entry;
    }
    heap.length = kept;
    this.#cancelledCount = 0;
    for (let index = (kept >> 1) - 1; index >= 0; index--) this.#siftDown(index);
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as TimerEntry<unknown>;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as TimerEntry<unknown>;
      if (!isEarlier(entry, parent)) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as TimerEntry<unknown>;
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const leftEntry = heap[left] as TimerEntry<unknown>;
      const rightEntry = heap[right];
      const child = rightEntry !== undefined && isEarlier(rightEntry, leftEntry) ? right : left;
      const childEntry = heap[child] as TimerEntry<unknown>;
      if (!isEarlier(childEntry, entry)) break;
      heap[index] = childEntry;
      childEntry.heapIndex = index;
      index = child;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }
}

function isEarlier(a: TimerEntry<unknown>, b: TimerEntry<unknown>): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.sequence < b.sequence);
}

/** The queue shared by every job of the process. */
export const sharedTimerQueue = new TimerQueue();
