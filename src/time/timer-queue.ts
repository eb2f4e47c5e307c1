/**
 * The one place in eleanor-jobs that owns timers.
 *
 * Every sleeping job, retry wait, execution timeout and lease deadline is an entry in one shared
 * queue ordered by due time (a min-heap, `entry-heap.ts`), served by a single Node timer armed
 * for the earliest entry. This keeps an idle job at a few dozen bytes (no timer, closure or
 * promise per job), lets thousands of jobs due on the same second fire from one timer
 * callback, and lets stopping many jobs cost almost nothing each.
 *
 * Cancelling is lazy: it only marks the entry. A cancelled entry leaves the heap when it
 * reaches the top (it is skipped, never fired), when cancelled entries come to outnumber queued
 * ones (the heap is rebuilt from the queued ones in linear time, in a microtask: a burst of
 * cancels, such as stopping every job, pays for one rebuild at most, or none if it empties the
 * queue), or when nothing is queued any more (the heap is emptied and the Node timer cleared,
 * so the process can exit). Scheduling a cancelled entry that is still in the heap revives it
 * in place.
 *
 * Four rules make waits trustworthy when the clock is not kind:
 * - A single Node timer waits at most {@link MAX_TIMER_WAIT_MS}. Node cannot wait more than
 *   2^31-1 ms, and a timer that spans a machine suspend or a wall-clock step may wake far from
 *   the intended instant; waking at least once a minute bounds the damage.
 * - Every wake-up re-reads the wall clock and fires only entries whose due time has passed,
 *   so nothing ever fires before its time, whatever the monotonic timer did.
 * - A long wait for an entry is aimed a little early ({@link EARLY_AIM_FRACTION}), then
 *   finished with a short one ({@link FINAL_APPROACH_MS}): Node timers run late in proportion
 *   to their length on some machines (about 1.4% on a loaded virtual machine, so 14 ms on a
 *   one-second wait), and a short final wait is late by a fraction of a millisecond instead.
 * - Cut-offs ({@link CutoffEntry}: lease deadlines, execution timeouts) sit in a heap of their
 *   own and fire before the ordinary entries a wake-up finds due with them. After a 5.5 s freeze
 *   of a replica with 200 jobs, the jobs' overdue wake-ups (due earlier) used to run first, and
 *   the executions whose lease had expired were aborted only after them: 30 ms later on a quiet
 *   machine, up to 500 ms on a loaded one.
 */
import { EntryHeap } from './entry-heap.js';

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

  /** Whether the entry fires before ordinary ones found due in the same wake-up ({@link CutoffEntry}). */
  declare readonly firesFirst: boolean;
}
// On the prototype, not a field: an idle job's entry costs no memory for it.
Object.defineProperty(TimerEntry.prototype, 'firesFirst', { value: false });

/**
 * A {@link TimerEntry} that ends someone's right to run: a lease's deadline, an execution's
 * timeout. When one wake-up finds it due together with ordinary entries (after a freeze, a
 * machine suspend or a long synchronous stretch), it fires before them, so that no job work
 * queued behind it runs first on a lease that is already gone.
 */
export class CutoffEntry<Owner = undefined> extends TimerEntry<Owner> {}
Object.defineProperty(CutoffEntry.prototype, 'firesFirst', { value: true });

/** Two min-heaps of {@link TimerEntry} (cut-offs and the rest) served by one Node timer. */
export class TimerQueue {
  readonly #ordinary = new EntryHeap();
  readonly #cutoffs = new EntryHeap();
  /** Entries scheduled and not cancelled or fired since. */
  #queued = 0;
  /** Cancelled entries still in a heap. */
  #cancelled = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerDueAt = Number.POSITIVE_INFINITY;
  #sequence = 0;
  #firing = false;
  #compactionQueued = false;
  readonly #onTimer = (): void => this.#fireDue();
  readonly #onCompaction = (): void => {
    this.#compactionQueued = false;
    if (this.#cancelled * 2 <= this.#ordinary.entries.length + this.#cutoffs.entries.length) return;
    this.#ordinary.compact();
    this.#cutoffs.compact();
    this.#cancelled = 0;
  };

  /** Number of queued entries (cancelled ones not counted). */
  get size(): number {
    return this.#queued;
  }

  /** Queues `entry` to run at `dueAt` (epoch ms), moving it if it is already queued. */
  schedule<Owner>(entry: TimerEntry<Owner>, dueAt: number): void {
    const heap = entry.firesFirst ? this.#cutoffs : this.#ordinary;
    const queued = entry as TimerEntry<unknown>; // the queue never calls back with another owner
    entry.dueAt = dueAt;
    entry.sequence = this.#sequence++;
    if (!heap.holds(queued)) {
      entry.cancelled = false;
      heap.insert(queued);
      this.#queued++;
    } else {
      // Still in the heap (queued, or cancelled and not yet dropped): move it in place.
      if (entry.cancelled) {
        entry.cancelled = false;
        this.#cancelled--;
        this.#queued++;
      }
      heap.move(queued);
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
    if (--this.#queued === 0) {
      // Nothing is queued: empty the heaps and clear the timer, so the process can exit.
      this.#ordinary.clear();
      this.#cutoffs.clear();
      this.#cancelled = 0;
      if (!this.#firing) this.#arm();
    } else {
      this.#cancelled++;
      if (!this.#compactionQueued) {
        // Whether to compact is decided once the burst of cancels this one may start is over.
        this.#compactionQueued = true;
        queueMicrotask(this.#onCompaction);
      }
    }
    // The armed timer stays valid: at worst it fires early, finds nothing due and re-arms.
    return true;
  }

  /**
   * Runs every entry whose due time has passed on the wall clock, cut-offs before the others
   * (re-checked before each ordinary entry, so that one a callback schedules overdue still goes
   * first), then re-arms.
   */
  #fireDue(): void {
    this.#timer = null;
    this.#timerDueAt = Number.POSITIVE_INFINITY;
    this.#firing = true;
    try {
      const now = Date.now();
      for (let heap = this.#dueHeap(now); heap !== null; heap = this.#dueHeap(now)) {
        const top = heap.removeTop() as TimerEntry<unknown>;
        if (top.cancelled) {
          this.#cancelled--;
          continue;
        }
        this.#queued--;
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

  /** The heap whose top is due at `now`, cut-offs first; `null` when neither is. */
  #dueHeap(now: number): EntryHeap | null {
    if ((this.#cutoffs.top?.dueAt ?? Number.POSITIVE_INFINITY) <= now) return this.#cutoffs;
    if ((this.#ordinary.top?.dueAt ?? Number.POSITIVE_INFINITY) <= now) return this.#ordinary;
    return null;
  }

  /**
   * Keeps exactly one Node timer armed for the earliest queued entry: capped at
   * MAX_TIMER_WAIT_MS, and aimed early when the wait is long (see the module comment).
   */
  #arm(): void {
    this.#cancelled -= this.#ordinary.dropCancelledTop() + this.#cutoffs.dropCancelledTop();
    const firstDueAt = Math.min(this.#ordinary.top?.dueAt ?? Number.POSITIVE_INFINITY, this.#cutoffs.top?.dueAt ?? Number.POSITIVE_INFINITY);
    if (firstDueAt === Number.POSITIVE_INFINITY) {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerDueAt = Number.POSITIVE_INFINITY;
      return;
    }
    const now = Date.now();
    const wait = firstDueAt - now;
    let wakeAt: number;
    if (wait > MAX_TIMER_WAIT_MS) wakeAt = now + MAX_TIMER_WAIT_MS;
    else if (wait > FINAL_APPROACH_MS) wakeAt = firstDueAt - wait * EARLY_AIM_FRACTION;
    else wakeAt = firstDueAt;
    // Keep the armed timer if it fires soon enough and is not overdue: an overdue one may be
    // a timer from another clock (fake timers swapped for real ones in a test) that never fires.
    if (this.#timer !== null && this.#timerDueAt <= wakeAt && this.#timerDueAt >= now) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerDueAt = wakeAt;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, wakeAt - now));
  }
}

/** The queue shared by every job of the process. */
export const sharedTimerQueue = new TimerQueue();
