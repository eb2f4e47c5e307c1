import { describe, expect, it } from 'vitest';
import { inChunks, MAX_BATCH_ITEMS } from '../../src/runner/in-chunks.js';

describe('inChunks', () => {
  it('splits items into consecutive chunks of at most MAX_BATCH_ITEMS, in order', () => {
    const items = Array.from({ length: 2_500 }, (_, index) => index);
    const chunks = inChunks(items);
    expect(MAX_BATCH_ITEMS).toBe(1_000);
    expect(chunks.map((chunk) => chunk.length)).toEqual([1_000, 1_000, 500]);
    expect(chunks.flat()).toEqual(items);
    expect(chunks[1]?.[0]).toBe(1_000);
  });

  it('gives one chunk for a batch within the limit, none for no items, and honours a given size', () => {
    const fits = [1, 2, 3];
    expect(inChunks(fits)).toEqual([[1, 2, 3]]);
    expect(inChunks(fits)[0], 'not copied').toBe(fits);
    expect(inChunks(Array.from({ length: MAX_BATCH_ITEMS }, () => 0))).toHaveLength(1);
    expect(inChunks([])).toEqual([]);
    expect(inChunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects a size that is not a positive integer, naming it', () => {
    expect(() => inChunks([1], 0)).toThrow(/size must be a positive integer, got 0/);
    expect(() => inChunks([1], 1.5)).toThrow(RangeError);
  });
});
