import { describe, expect, it } from 'vitest';
import { CallBatcher } from '../../src/runner/call-batcher.js';
import { MAX_BATCH_ITEMS } from '../../src/runner/in-chunks.js';

/** A batcher whose sends are recorded and answered when the test says so. */
function recordingBatcher() {
  const sent: number[][] = [];
  const pending: Array<{ resolve: (answers: string[]) => void; reject: (error: Error) => void }> = [];
  const batcher = new CallBatcher<number, string>(
    (items) =>
      new Promise<string[]>((resolve, reject) => {
        sent.push([...items]);
        pending.push({ resolve, reject });
      }),
  );
  return { batcher, sent, pending };
}

describe('CallBatcher', () => {
  it('sends the calls made while the microtask queue drains as one batch, and routes each answer', async () => {
    const { batcher, sent, pending } = recordingBatcher();
    // Calls from several async chains, some a few microtasks deep.
    const chains = [1, 2, 3].map(async (item) => {
      for (let hop = 0; hop < item * 3; hop++) await Promise.resolve();
      return batcher.call(item);
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([[1, 2, 3]]);
    pending[0]?.resolve(['one', 'two', 'three']);
    expect(await Promise.all(chains)).toEqual(['one', 'two', 'three']);
  });

  it('puts calls made while a batch is in flight into the next batch', async () => {
    const { batcher, sent, pending } = recordingBatcher();
    const first = batcher.call(1);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batcher.call(2);
    const third = batcher.call(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([[1], [2, 3]]);
    pending[1]?.resolve(['b', 'c']);
    pending[0]?.resolve(['a']);
    expect(await Promise.all([first, second, third])).toEqual(['a', 'b', 'c']);
  });

  it('rejects every call of a batch whose send fails, and keeps working afterwards', async () => {
    const { batcher, sent, pending } = recordingBatcher();
    const calls = [batcher.call(1), batcher.call(2)];
    await new Promise((resolve) => setImmediate(resolve));
    pending[0]?.reject(new Error('store down'));
    for (const call of calls) await expect(call).rejects.toThrow('store down');
    const next = batcher.call(3);
    await new Promise((resolve) => setImmediate(resolve));
    pending[1]?.resolve(['ok']);
    expect(await next).toBe('ok');
    expect(sent).toEqual([[1, 2], [3]]);
  });

  it('sends a batch again item by item when its error may come from one bad item, so only that call fails', async () => {
    const sent: number[][] = [];
    const batcher = new CallBatcher<number, string>(
      async (items) => {
        sent.push([...items]);
        if (items.includes(13)) throw new RangeError('item 13 is bad');
        if (items.includes(99)) throw new Error('store down');
        return items.map((item) => `ok ${item}`);
      },
      (error) => error instanceof RangeError,
    );
    const results = await Promise.allSettled([1, 13, 2].map((item) => batcher.call(item)));
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual(['ok 1', 'item 13 is bad', 'ok 2']);
    expect(sent).toEqual([[1, 13, 2], [1], [13], [2]]);
    // Any other error fails the whole batch at once, without sending it again.
    const outage = await Promise.allSettled([99, 3].map((item) => batcher.call(item)));
    expect(outage.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(sent.slice(4)).toEqual([[99, 3]]);
  });

  it('sends a batch of more than MAX_BATCH_ITEMS calls as consecutive chunks, answering each call in order', async () => {
    const { batcher, sent, pending } = recordingBatcher();
    const items = Array.from({ length: 2_500 }, (_, index) => index);
    const calls = items.map((item) => batcher.call(item));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.map((chunk) => chunk.length)).toEqual([MAX_BATCH_ITEMS, MAX_BATCH_ITEMS, 500]);
    expect(sent.flat()).toEqual(items);
    // Chunks answer in any order; each call gets its own item's answer.
    for (const index of [2, 0, 1]) pending[index]?.resolve((sent[index] ?? []).map((item) => `answer ${item}`));
    expect(await Promise.all(calls)).toEqual(items.map((item) => `answer ${item}`));
  });

  it('fails only the calls of the chunk whose send fails', async () => {
    const { batcher, sent, pending } = recordingBatcher();
    const calls = Array.from({ length: 2_500 }, (_, index) => batcher.call(index));
    await new Promise((resolve) => setImmediate(resolve));
    pending[0]?.resolve((sent[0] ?? []).map(String));
    pending[1]?.reject(new Error('store down'));
    pending[2]?.resolve((sent[2] ?? []).map(String));
    const results = await Promise.allSettled(calls);
    const rejected = results.flatMap((result, index) => (result.status === 'rejected' ? [index] : []));
    expect(rejected).toEqual(Array.from({ length: 1_000 }, (_, index) => 1_000 + index));
    expect(results[999]).toEqual({ status: 'fulfilled', value: '999' });
    expect(results[2_000]).toEqual({ status: 'fulfilled', value: '2000' });
  });
});
