/**
 * The min-heap behind a timer queue (`timer-queue.ts`): timer entries ordered by due time, then by the
 * order they were scheduled in. Each entry keeps its own position (`heapIndex`), so moving or
 * marking one costs no search. Which heap an entry belongs to, and when it fires, is the
 * queue's business; this file only keeps the order.
 *
 * @module
 */
import type { TimerEntry } from './timer-queue.js';

/** Timer entries in due order (see the module comment). */
export class EntryHeap {
  /** The entries, `entries[0]` the earliest; cancelled ones stay until dropped. */
  readonly entries: TimerEntry<unknown>[] = [];

  /** The earliest entry (possibly cancelled), or `undefined` when empty. */
  get top(): TimerEntry<unknown> | undefined {
    return this.entries[0];
  }

  /**
   * Whether `entry` sits in this heap. An entry dropped with the whole heap (see
   * {@link EntryHeap.clear}) keeps a stale position, which this recognises.
   */
  holds(entry: TimerEntry<unknown>): boolean {
    return entry.heapIndex !== -1 && this.entries[entry.heapIndex] === entry;
  }

  /** Adds `entry`, which is in no heap. */
  insert(entry: TimerEntry<unknown>): void {
    entry.heapIndex = this.entries.length;
    this.entries.push(entry);
    this.#siftUp(entry.heapIndex);
  }

  /** Puts `entry`, already in this heap, where its (changed) due time belongs. */
  move(entry: TimerEntry<unknown>): void {
    this.#siftUp(entry.heapIndex);
    this.#siftDown(entry.heapIndex);
  }

  /** Takes the earliest entry out and returns it. */
  removeTop(): TimerEntry<unknown> | undefined {
    const entries = this.entries;
    const removed = entries[0];
    const last = entries.pop();
    if (removed === undefined || last === undefined) return undefined;
    removed.heapIndex = -1;
    if (entries.length === 0) return removed;
    entries[0] = last;
    last.heapIndex = 0;
    this.#siftDown(0);
    return removed;
  }

  /** Takes cancelled entries off the top, so that the top is due to fire (or the heap is empty); returns how many. */
  dropCancelledTop(): number {
    let dropped = 0;
    while (this.entries[0]?.cancelled === true) {
      this.removeTop();
      dropped++;
    }
    return dropped;
  }

  /**
   * Empties the heap, every entry in it being cancelled. Their positions are left stale rather
   * than reset one by one: stopping every job then costs no pass over the heap.
   */
  clear(): void {
    this.entries.length = 0;
  }

  /** Drops the cancelled entries and rebuilds the heap from the rest, in O(n). */
  compact(): void {
    const entries = this.entries;
    let kept = 0;
    for (const entry of entries) {
      if (entry.cancelled) {
        entry.heapIndex = -1;
        continue;
      }
      entry.heapIndex = kept;
      entries[kept++] = entry;
    }
    entries.length = kept;
    for (let index = (kept >> 1) - 1; index >= 0; index--) this.#siftDown(index);
  }

  #siftUp(index: number): void {
    const entries = this.entries;
    const entry = entries[index] as TimerEntry<unknown>;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = entries[parentIndex] as TimerEntry<unknown>;
      if (!isEarlier(entry, parent)) break;
      entries[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    entries[index] = entry;
    entry.heapIndex = index;
  }

  #siftDown(index: number): void {
    const entries = this.entries;
    const entry = entries[index] as TimerEntry<unknown>;
    const length = entries.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const leftEntry = entries[left] as TimerEntry<unknown>;
      const rightEntry = entries[right];
      const child = rightEntry !== undefined && isEarlier(rightEntry, leftEntry) ? right : left;
      const childEntry = entries[child] as TimerEntry<unknown>;
      if (!isEarlier(childEntry, entry)) break;
      entries[index] = childEntry;
      childEntry.heapIndex = index;
      index = child;
    }
    entries[index] = entry;
    entry.heapIndex = index;
  }
}

/** Due order: earlier due time first, equal ones in the order they were scheduled. */
function isEarlier(a: TimerEntry<unknown>, b: TimerEntry<unknown>): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.sequence < b.sequence);
}
