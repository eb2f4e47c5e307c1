/**
 * The per-job run index of `MemoryStore` (src/store/job-run-index.ts): order kept when runs
 * finish out of their claim order, running runs never pruned, listings merged newest first,
 * and the same answers after the pruned head is compacted away.
 */
import { describe, expect, it } from 'vitest';
import { JobRunIndex } from '../../src/store/job-run-index.js';

describe('JobRunIndex', () => {
  it('lists running and finished runs newest first, below an id, with runs finished out of order', () => {
    const index = new JobRunIndex();
    for (const id of [1, 2, 3, 4, 5]) index.add(id, true);
    index.add(6, false);
    index.finish(4);
    index.finish(2);
    index.finish(5);
    expect([...index.running].sort()).toEqual([1, 3]);
    expect(index.finishedCount).toBe(4);
    expect([...index.newestFirst(undefined)]).toEqual([6, 5, 4, 3, 2, 1]);
    expect([...index.newestFirst(5)]).toEqual([4, 3, 2, 1]);
    expect([...index.newestFirst(1)]).toEqual([]);
    index.finish(2); // not running any more: nothing changes
    expect(index.finishedCount).toBe(4);
  });

  it('prunes the oldest finished runs only, and answers the same after compacting', () => {
    const index = new JobRunIndex();
    index.add(1, true);
    for (let id = 2; id <= 5_001; id++) index.add(id, false);
    expect(index.prune(10)).toEqual(Array.from({ length: 4_990 }, (_, i) => i + 2));
    expect(index.finishedCount).toBe(10);
    expect([...index.newestFirst(undefined)]).toEqual([5_001, 5_000, 4_999, 4_998, 4_997, 4_996, 4_995, 4_994, 4_993, 4_992, 1]);
    index.add(5_002, false);
    expect(index.prune(10)).toEqual([4_992]);
    expect([...index.newestFirst(4_995)]).toEqual([4_994, 4_993, 1]);
    index.finish(1);
    expect(index.prune(0)).toEqual([1, ...Array.from({ length: 10 }, (_, i) => 4_993 + i)]);
    expect([...index.newestFirst(undefined)]).toEqual([]);
    expect(index.prune(0)).toEqual([]);
  });
});
