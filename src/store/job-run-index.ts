/**
 * The run ids of one job in a `MemoryStore`: its running runs apart, its finished runs
 * (every other status) in ascending id order. Claiming, finishing and pruning a job touch only
 * its own index, so they cost the same whatever the number of runs the store keeps.
 *
 * @module
 */

/** Below this many pruned ids, the finished list is never compacted. */
const COMPACT_MIN = 1024;

/** The run ids of one job, kept by a `MemoryStore`. */
export class JobRunIndex {
  /** Ids of the job's `running` runs. */
  readonly running = new Set<number>();
  /** Finished ids, ascending, from {@link JobRunIndex.#head} on (the slots before it are pruned). */
  #finished: number[] = [];
  #head = 0;

  /** Number of finished runs. */
  get finishedCount(): number {
    return this.#finished.length - this.#head;
  }

  /** Records a new run (ids only grow, so a new finished id is the newest). */
  add(id: number, running: boolean): void {
    if (running) this.running.add(id);
    else this.#insertFinished(id);
  }

  /** Moves a run from running to finished. */
  finish(id: number): void {
    if (this.running.delete(id)) this.#insertFinished(id);
  }

  /** Removes and returns the ids of the oldest finished runs beyond the newest `keep`. */
  prune(keep: number): number[] {
    const count = Math.max(0, this.finishedCount - keep);
    const doomed = this.#finished.slice(this.#head, this.#head + count);
    this.#head += count;
    if (this.#head >= COMPACT_MIN && this.#head * 2 >= this.#finished.length) {
      this.#finished = this.#finished.slice(this.#head);
      this.#head = 0;
    }
    return doomed;
  }

  /** The job's run ids below `belowId` (all when undefined), newest first. */
  *newestFirst(belowId: number | undefined): Generator<number> {
    const running = [...this.running].filter((id) => belowId === undefined || id < belowId).sort((a, b) => b - a);
    let index = belowId === undefined ? this.#finished.length - 1 : this.#positionOf(belowId) - 1;
    let next = 0;
    while (index >= this.#head || next < running.length) {
      const finished = index >= this.#head ? (this.#finished[index] as number) : -1;
      const live = next < running.length ? (running[next] as number) : -1;
      if (finished > live) {
        index -= 1;
        yield finished;
      } else {
        next += 1;
        yield live;
      }
    }
  }

  /** Inserts a finished id in order: at the end, unless runs finish out of their claim order. */
  #insertFinished(id: number): void {
    const last = this.#finished.length > this.#head ? (this.#finished[this.#finished.length - 1] as number) : -1;
    if (id > last) this.#finished.push(id);
    else this.#finished.splice(this.#positionOf(id), 0, id);
  }

  /** The first position (at or after the head) whose id is not below `id`. */
  #positionOf(id: number): number {
    let low = this.#head;
    let high = this.#finished.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#finished[middle] as number) < id) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
