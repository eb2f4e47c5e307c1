import { describe, expect, it } from 'vitest';
import { CallBatcher } from '../../src/runner/call-batcher.js';

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
});
