/**
 * The one limit on the items of a batch store call, and the split of larger batches into
 * consecutive chunks within it.
 *
 * @module
 */

/**
 * Most items (jobs, runs) one batch store call carries (`claimRuns`, `finishRuns`,
 * `acquireLeases`, `renewLeases`, `releaseLeases`, `skipTicksOfJobs`, `pruneJobs`,
 * `loadStates`): a runner with more sends several calls, so that one statement's parameters,
 * locks and time stay bounded however many jobs are due at once.
 */
export const MAX_BATCH_ITEMS = 1_000;

/**
 * `items` split into consecutive chunks of at most `size` items, in order (none for no items;
 * `items` itself, not a copy, when it fits in one).
 *
 * @param size - a positive integer; default {@link MAX_BATCH_ITEMS}
 */
export function inChunks<T>(items: readonly T[], size: number = MAX_BATCH_ITEMS): ReadonlyArray<readonly T[]> {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${String(size)}`);
  if (items.length > 0 && items.length <= size) return [items];
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
