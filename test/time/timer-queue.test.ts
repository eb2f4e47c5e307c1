import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CutoffEntry, EARLY_AIM_FRACTION, FINAL_APPROACH_MS, MAX_TIMER_WAIT_MS, TimerEntry, TimerQueue } from '../../src/time/timer-queue.js';

const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

function recorder(): { fired: string[]; entry: (label: string) => TimerEntry } {
  const fired: string[] = [];
  return { fired, entry: (label) => new TimerEntry(() => fired.push(label)) };
}

describe('TimerQueue', () => {
  it('fires entries in due order, equal times in insertion order, from one Node timer', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    queue.schedule(entry('c'), REFERENCE + 300);
    queue.schedule(entry('a'), REFERENCE + 100);
    queue.schedule(entry('b1'), REFERENCE + 200);
    queue.schedule(entry('b2'), REFERENCE + 200);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(300);
    expect(fired).toEqual(['a', 'b1', 'b2', 'c']);
    expect(queue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels entries and moves rescheduled ones', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const a = entry('a');
    const b = entry('b');
    queue.schedule(a, REFERENCE + 100);
    queue.schedule(b, REFERENCE + 200);
    expect(queue.cancel(a)).toBe(true);
    expect(queue.cancel(a)).toBe(false);
    queue.schedule(b, REFERENCE + 50);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['b']);
    expect(a.isQueued).toBe(false);
  });

  it('keeps a heap order under many random operations', () => {
    const queue = new TimerQueue();
    const fired: number[] = [];
    const entries = Array.from({ length: 500 }, (_, index) => new TimerEntry(() => fired.push(index)));
    const due = new Map<number, number>();
    let seed = 7;
    const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let round = 0; round < 2_000; round++) {
      const index = Math.floor(random() * entries.length);
      if (random() < 0.3) {
        queue.cancel(entries[index] as TimerEntry);
        due.delete(index);
      } else {
        const at = REFERENCE + 1 + Math.floor(random() * 10_000);
        queue.schedule(entries[index] as TimerEntry, at);
        due.set(index, at);
      }
    }
    vi.advanceTimersByTime(20_000);
    const expected = [...due.entries()].sort((x, y) => x[1] - y[1]).map(([index]) => index);
    expect(fired.map((index) => due.get(index))).toEqual(expected.map((index) => due.get(index)));
    expect(new Set(fired)).toEqual(new Set(expected));
  });

  it('never arms a Node timer longer than the cap, and still fires a far entry on time', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const year = 40 * 86_400_000; // beyond the 2^31-1 ms (24.8 days) a single Node timer can wait
    queue.schedule(entry('far'), REFERENCE + year);
    const spy = vi.spyOn(globalThis, 'setTimeout');
    vi.advanceTimersByTime(year - 1);
    expect(fired).toEqual([]);
    for (const call of spy.mock.calls) expect(call[1]).toBeLessThanOrEqual(MAX_TIMER_WAIT_MS);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['far']);
    spy.mockRestore();
  });

  it('aims a long wait early, finishes it with a short one, and fires the entry at its time', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const wait = 1_600;
    const lead = wait * EARLY_AIM_FRACTION;
    expect(lead).toBeLessThanOrEqual(FINAL_APPROACH_MS); // so the second wait is the last
    queue.schedule(entry('long'), REFERENCE + wait);
    expect(spy.mock.calls.map((call) => call[1])).toEqual([wait - lead]);
    vi.advanceTimersByTime(wait - lead);
    expect(fired).toEqual([]);
    expect(spy.mock.calls.map((call) => call[1])).toEqual([wait - lead, lead]);
    vi.advanceTimersByTime(lead - 1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['long']);
    queue.schedule(entry('short'), Date.now() + FINAL_APPROACH_MS);
    expect(spy.mock.calls.at(-1)?.[1]).toBe(FINAL_APPROACH_MS); // armed exactly
    vi.advanceTimersByTime(FINAL_APPROACH_MS);
    expect(fired).toEqual(['long', 'short']);
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockRestore();
  });

  it('does not fire early when the wall clock steps backwards', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    queue.schedule(entry('tick'), REFERENCE + 120_000);
    vi.advanceTimersByTime(30_000);
    vi.setSystemTime(REFERENCE - 3_600_000 + 30_000);
    vi.advanceTimersByTime(120_000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(3_600_000 - 30_000 - 120_000 + 120_000);
    expect(fired).toEqual(['tick']);
  });

  it('fires overdue entries at the next wake-up after the wall clock jumps forward', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    queue.schedule(entry('tick'), REFERENCE + 3_600_000);
    vi.setSystemTime(REFERENCE + 7_200_000);
    vi.advanceTimersByTime(MAX_TIMER_WAIT_MS);
    expect(fired).toEqual(['tick']);
  });

  it('keeps firing the other entries when one callback throws, and reports it as a warning', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    queue.schedule(
      new TimerEntry(() => {
        throw new Error('boom');
      }),
      REFERENCE + 10,
    );
    queue.schedule(entry('after'), REFERENCE + 10);
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(['after']);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }), 'EleanorTimerWarning');
    warn.mockRestore();
  });
});

describe('TimerQueue lazy cancellation', () => {
  it('never fires a cancelled entry, and counts only queued entries in size', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const a = entry('a');
    const b = entry('b');
    const c = entry('c');
    queue.schedule(a, REFERENCE + 100);
    queue.schedule(b, REFERENCE + 200);
    queue.schedule(c, REFERENCE + 300);
    expect(queue.cancel(b)).toBe(true);
    expect(queue.size).toBe(2);
    expect(b.isQueued).toBe(false);
    expect(queue.cancel(b)).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['a', 'c']);
    expect(queue.size).toBe(0);
  });

  it('skips an entry cancelled by a callback of the same wake-up', () => {
    const queue = new TimerQueue();
    const fired: string[] = [];
    const victim = new TimerEntry(() => fired.push('victim'));
    queue.schedule(
      new TimerEntry(() => {
        fired.push('canceller');
        queue.cancel(victim);
      }),
      REFERENCE + 100,
    );
    queue.schedule(victim, REFERENCE + 100);
    queue.schedule(new TimerEntry(() => fired.push('last')), REFERENCE + 100);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['canceller', 'last']);
    expect(queue.size).toBe(0);
  });

  it('revives a cancelled entry that is still in the heap when it is scheduled again, and fires it once', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const early = entry('early');
    const late = entry('late');
    const keeper = entry('keeper');
    queue.schedule(keeper, REFERENCE + 200);
    queue.schedule(early, REFERENCE + 100);
    queue.schedule(late, REFERENCE + 150);
    queue.cancel(early); // one of three: stays in the heap, marked
    queue.cancel(late);
    expect(queue.size).toBe(1);
    queue.schedule(early, REFERENCE + 300); // later than it was
    queue.schedule(late, REFERENCE + 50); // earlier than it was
    expect(queue.size).toBe(3);
    expect(early.isQueued).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['late', 'keeper', 'early']);
    expect(queue.size).toBe(0);
  });

  it('clears the Node timer as soon as no entry is queued, wherever the cancelled ones sat', () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const entries = [entry('a'), entry('b'), entry('c'), entry('d')];
    entries.forEach((each, index) => queue.schedule(each, REFERENCE + 100 * (index + 1)));
    queue.cancel(entries[1] as TimerEntry);
    queue.cancel(entries[0] as TimerEntry); // the earliest: the armed timer may outlive it
    queue.cancel(entries[3] as TimerEntry);
    expect(vi.getTimerCount()).toBe(1);
    queue.cancel(entries[2] as TimerEntry);
    expect(vi.getTimerCount()).toBe(0);
    expect(queue.size).toBe(0);
    expect(entries.every((each) => !each.isQueued)).toBe(true);
    // Emptied in one go: the entries' old heap positions are stale, and must not be trusted
    // when the slots fill up again with other entries.
    queue.schedule(entries[3] as TimerEntry, REFERENCE + 400);
    queue.schedule(entries[2] as TimerEntry, REFERENCE + 300);
    queue.schedule(entries[0] as TimerEntry, REFERENCE + 200);
    queue.schedule(entries[1] as TimerEntry, REFERENCE + 100);
    expect(queue.size).toBe(4);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['b', 'a', 'c', 'd']);
    expect(queue.size).toBe(0);
  });

  it('rebuilds the heap once cancelled entries outnumber queued ones, keeping due order and insertion order', async () => {
    const queue = new TimerQueue();
    const fired: number[] = [];
    const entries = Array.from({ length: 40 }, (_, index) => new TimerEntry(() => fired.push(index)));
    // Due times descending, with ties: the heap has to reorder everything.
    entries.forEach((each, index) => queue.schedule(each, REFERENCE + 1_000 - 20 * Math.floor(index / 2)));
    const cancelled = entries.filter((_, index) => index % 5 !== 0 && index % 7 !== 0);
    cancelled.slice(0, 21).forEach((each) => queue.cancel(each));
    expect(cancelled.some((each) => each.heapIndex === -1)).toBe(false); // marked only, so far
    await Promise.resolve(); // the rebuild runs in a microtask
    cancelled.slice(21).forEach((each) => queue.cancel(each));
    // The 21st cancel (21 of 40) had the heap rebuilt without the cancelled entries; the 7
    // after the rebuild (7 of the 19 left) are only marked.
    expect(cancelled.map((each) => each.heapIndex !== -1)).toEqual(cancelled.map((_, order) => order >= 21));
    await Promise.resolve();
    expect(queue.size).toBe(40 - cancelled.length);
    queue.schedule(entries[3] as TimerEntry, REFERENCE + 1); // cancelled and dropped: queued anew
    vi.advanceTimersByTime(2_000);
    const kept = entries.map((_, index) => index).filter((index) => index % 5 === 0 || index % 7 === 0);
    const byDueThenInsertion = [...kept].sort((x, y) => Math.floor(y / 2) - Math.floor(x / 2) || x - y);
    expect(fired).toEqual([3, ...byDueThenInsertion]);
  });
});

describe('TimerQueue cut-offs', () => {
  function kinds(): { fired: string[]; ordinary: (label: string) => TimerEntry; cutoff: (label: string) => CutoffEntry } {
    const fired: string[] = [];
    return { fired, ordinary: (label) => new TimerEntry(() => fired.push(label)), cutoff: (label) => new CutoffEntry(() => fired.push(label)) };
  }

  /** A queue with ordinary entries o1, o2, o3 due at +100, +200, +300 and cut-offs c2, c1 at +150, +250. */
  function interleaved(): ReturnType<typeof kinds> & { queue: TimerQueue } {
    const queue = new TimerQueue();
    const recorded = kinds();
    const { ordinary, cutoff } = recorded;
    queue.schedule(ordinary('o1'), REFERENCE + 100);
    queue.schedule(cutoff('c1'), REFERENCE + 250);
    queue.schedule(ordinary('o2'), REFERENCE + 200);
    queue.schedule(cutoff('c2'), REFERENCE + 150);
    queue.schedule(ordinary('o3'), REFERENCE + 300);
    return { ...recorded, queue };
  }

  it('fires each entry at its time while the timer keeps up, cut-offs among the others', () => {
    const { fired } = interleaved();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(300);
    expect(fired).toEqual(['o1', 'c2', 'o2', 'c1', 'o3']);
  });

  it('fires the cut-offs a late wake-up finds due before the other entries due with them, each kind in due order', () => {
    const { queue, fired, ordinary } = interleaved();
    queue.schedule(ordinary('later'), REFERENCE + 20_000);
    vi.setSystemTime(REFERENCE + 10_000); // a freeze: the wall clock moved, no timer ran
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['c2', 'c1', 'o1', 'o2', 'o3']);
    expect(queue.size).toBe(1);
  });

  it('fires a cut-off that a callback schedules overdue before the other entries still due in that wake-up', () => {
    const queue = new TimerQueue();
    const { fired, ordinary, cutoff } = kinds();
    const lateCutoff = cutoff('c-late');
    queue.schedule(
      new TimerEntry(() => {
        fired.push('o1');
        queue.schedule(lateCutoff, Date.now() - 1);
      }),
      REFERENCE + 100,
    );
    queue.schedule(ordinary('o2'), REFERENCE + 200);
    queue.schedule(ordinary('o3'), REFERENCE + 300);
    vi.setSystemTime(REFERENCE + 10_000);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['o1', 'c-late', 'o2', 'o3']);
  });

  it('cancels, moves and counts cut-offs as it does other entries, and clears the Node timer when neither kind is queued', () => {
    const queue = new TimerQueue();
    const { fired, ordinary, cutoff } = kinds();
    const c = cutoff('c');
    const o = ordinary('o');
    queue.schedule(c, REFERENCE + 100);
    queue.schedule(o, REFERENCE + 200);
    expect(queue.size).toBe(2);
    expect(queue.cancel(c)).toBe(true);
    expect(c.isQueued).toBe(false);
    expect(queue.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    queue.cancel(o);
    expect(queue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    queue.schedule(c, REFERENCE + 300);
    queue.schedule(c, REFERENCE + 50); // moved earlier
    queue.schedule(o, REFERENCE + 100);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['c', 'o']);
    expect(queue.size).toBe(0);
  });

  it('keeps both heaps in order under many random operations, and drains them cut-offs first after a freeze', async () => {
    const queue = new TimerQueue();
    const fired: number[] = [];
    const entries = Array.from({ length: 400 }, (_, index) =>
      index % 3 === 0 ? new CutoffEntry(() => fired.push(index)) : new TimerEntry(() => fired.push(index)),
    );
    const due = new Map<number, number>();
    let seed = 11;
    const random = (): number => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    // Distinct due times, so the expected order needs no insertion sequence.
    const times = Array.from({ length: 20_000 }, (_, index) => REFERENCE + 1 + index).sort(() => random() - 0.5);
    for (let round = 0; round < 3_000; round++) {
      const index = Math.floor(random() * entries.length);
      if (random() < 0.4) {
        queue.cancel(entries[index] as TimerEntry);
        due.delete(index);
      } else {
        const at = times[round] as number;
        queue.schedule(entries[index] as TimerEntry, at);
        due.set(index, at);
      }
      if (round % 500 === 0) await Promise.resolve(); // let compactions run now and then
    }
    expect(queue.size).toBe(due.size);
    vi.setSystemTime(REFERENCE + 30_000);
    vi.advanceTimersByTime(MAX_TIMER_WAIT_MS);
    const inDueOrder = (cutoffs: boolean): number[] =>
      [...due.entries()].filter(([index]) => (index % 3 === 0) === cutoffs).sort((x, y) => x[1] - y[1]).map(([index]) => index);
    expect(fired).toEqual([...inDueOrder(true), ...inDueOrder(false)]);
    expect(queue.size).toBe(0);
  });
});

describe('TimerQueue across clocks', () => {
  it('re-arms when the armed timer belongs to a clock that no longer runs (fake timers swapped out)', async () => {
    const queue = new TimerQueue();
    const { fired, entry } = recorder();
    const far = entry('left-behind');
    queue.schedule(far, REFERENCE + 10); // armed on the fake clock, which will never run again
    vi.useRealTimers();
    queue.schedule(entry('real'), Date.now() + 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fired).toContain('real');
    queue.cancel(far);
  });
});
