/**
 * Conformance cases of `skipTicksOfJobs`, the batch form of `skipTicks` in the {@link JobStore}
 * contract. Registered by `describeStoreConformance` (conformance.ts) inside its per-store block,
 * so every store runs them.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { ClaimRequest, JobStore, SkipRequest } from '../../src/store/job-store.js';

/** What the cases need from the conformance suite's current test. */
export interface SkipBatchContext {
  /** The test's store (opened). */
  store(): JobStore;
  /** A peer store on the same database, or `undefined` when the store has none. */
  openPeer(): Promise<JobStore | undefined>;
  /** A claim request with the suite's defaults. */
  claimOf(overrides: Partial<ClaimRequest>): ClaimRequest;
  /** The n-th tick of the suite's schedule. */
  tick(n: number): number;
}

/** Long enough to stay live for the whole test in either lease-clock mode. */
const LONG_LEASE_MS = 60_000;

/** Registers the `skipTicksOfJobs` cases (call inside the store's `describe`). */
export function describeSkipBatchCases(context: SkipBatchContext): void {
  const { claimOf, tick } = context;

  function skipOf(job: string, ticks: readonly number[], overrides: Partial<SkipRequest> = {}): SkipRequest {
    return { job, owner: 'a', ticks: ticks.map(tick), status: 'missed', ...overrides };
  }

  async function ticksOf(job: string): Promise<Array<[string, number | null, string | null]>> {
    return (await context.store().listRuns({ job })).map((run) => [run.status, run.tickAt, run.owner]);
  }

  describe('batches: skipTicksOfJobs', () => {
    it('decides each request as skipTicks would, answering in the order asked', async () => {
      const store = context.store();
      for (const job of ['behind', 'partly']) expect(await store.claimRun(claimOf({ job, tickAt: tick(5) }))).not.toBeNull();
      await store.acquireLease('leased', 'other', LONG_LEASE_MS);

      const answers = await store.skipTicksOfJobs([
        skipOf('behind', [4, 5], { status: 'skipped' }),
        skipOf('fresh', [1, 2, 3]),
        skipOf('partly', [4, 5, 6, 7], { owner: 'b', status: 'skipped' }),
        skipOf('leased', [1]),
      ]);

      expect(answers).toEqual([false, true, true, true]);
      expect(await ticksOf('behind')).toEqual([['running', tick(5), 'a']]);
      expect(await ticksOf('fresh')).toEqual([
        ['missed', tick(3), 'a'],
        ['missed', tick(2), 'a'],
        ['missed', tick(1), 'a'],
      ]);
      expect(await ticksOf('partly')).toEqual([
        ['skipped', tick(7), 'b'],
        ['skipped', tick(6), 'b'],
        ['running', tick(5), 'a'],
      ]);
      expect(await ticksOf('leased')).toEqual([['missed', tick(1), 'a']]);
      const states = await store.loadStates(['behind', 'fresh', 'partly', 'leased']);
      expect(states.map((state) => state?.lastTickAt)).toEqual([tick(5), tick(3), tick(7), tick(1)]);
      expect(states.map((state) => state?.triggerCount)).toEqual([1, 0, 1, 0]);
      expect(states[3]).toMatchObject({ leaseOwner: 'other' });
    });

    it('advances each mark: the skipped ticks can no longer be claimed, later ones can', async () => {
      const store = context.store();
      expect(await store.skipTicksOfJobs([skipOf('x', [1, 2]), skipOf('y', [3])])).toEqual([true, true]);
      expect(await store.claimRun(claimOf({ job: 'x', tickAt: tick(2) }))).toBeNull();
      expect(await store.claimRun(claimOf({ job: 'y', tickAt: tick(3) }))).toBeNull();
      expect(await store.claimRun(claimOf({ job: 'y', tickAt: tick(1) }))).toBeNull();
      expect(await store.claimRun(claimOf({ job: 'x', tickAt: tick(3) }))).toMatchObject({ trigger: 1 });
    });

    it('records nothing twice when the same batch is sent again (answering false)', async () => {
      const store = context.store();
      const batch = [skipOf('x', [1, 2]), skipOf('y', [1])];
      expect(await store.skipTicksOfJobs(batch)).toEqual([true, true]);
      expect(await store.skipTicksOfJobs(batch)).toEqual([false, false]);
      expect(await store.listRuns()).toHaveLength(3);
    });

    it('answers an empty batch with no answers, recording nothing', async () => {
      const store = context.store();
      expect(await store.skipTicksOfJobs([])).toEqual([]);
      expect(await store.listStates()).toEqual([]);
      expect(await store.listRuns()).toEqual([]);
    });

    it('records each tick once when several instances skip the same jobs at once', async () => {
      const store = context.store();
      const peer = (await context.openPeer()) ?? store;
      const jobs = Array.from({ length: 8 }, (_, i) => `job-${i}`);
      const [mine, theirs] = await Promise.all([
        store.skipTicksOfJobs(jobs.map((job) => skipOf(job, [1, 2, 3]))),
        peer.skipTicksOfJobs([...jobs].reverse().map((job) => skipOf(job, [1, 2, 3], { owner: 'b' }))),
      ]);
      const theirsInJobOrder = [...(theirs as boolean[])].reverse();
      for (const [index, job] of jobs.entries()) {
        expect([mine[index], theirsInJobOrder[index]].filter(Boolean), job).toHaveLength(1);
        expect((await ticksOf(job)).map(([, tickAt]) => tickAt), job).toEqual([tick(3), tick(2), tick(1)]);
      }
    });

    it('rejects bad batches naming the item and the field, recording nothing', async () => {
      const store = context.store();
      await expect(store.skipTicksOfJobs([skipOf('a', [1]), skipOf('a', [2])])).rejects.toThrow(/requests\[1\]\.job "a"/);
      await expect(store.skipTicksOfJobs([skipOf('a', [1]), skipOf('b', [])])).rejects.toThrow(/requests\[1\]\.ticks must hold at least one tick/);
      await expect(store.skipTicksOfJobs([skipOf('a', [1]), skipOf('b', [2, 1])])).rejects.toThrow(/requests\[1\]\.ticks must be strictly ascending/);
      await expect(store.skipTicksOfJobs([skipOf('a', [1], { status: 'ok' as 'missed' })])).rejects.toThrow(/requests\[0\]\.status.*"ok"/);
      await expect(store.skipTicksOfJobs([skipOf('a', [1], { owner: '' })])).rejects.toThrow(/requests\[0\]\.owner/);
      await expect(store.skipTicksOfJobs([skipOf('a', [1]), null as unknown as SkipRequest])).rejects.toThrow(/requests\[1\] must be an object/);
      await expect(store.skipTicksOfJobs('a' as unknown as [])).rejects.toThrow(/requests must be an array/);
      expect(await store.listStates()).toEqual([]);
      expect(await store.listRuns()).toEqual([]);
    });
  });
}
