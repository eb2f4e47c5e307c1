/**
 * Conformance cases of the batch lease upkeep and retention operations of the
 * {@link JobStore} contract (`acquireLeases`, `renewLeases`, `pruneJobs`). Registered by
 * `describeStoreConformance` (conformance.ts) inside its per-store block, so every store runs
 * them; the context gives the test's store and lease time.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { ClaimRequest, JobStore, RunClaim } from '../../src/store/job-store.js';
import type { Clock } from '../../src/time/clock.js';

/** What the cases need from the conformance suite's current test. */
export interface BatchUpkeepContext {
  /** The test's store (opened). */
  store(): JobStore;
  /** A peer store on the same database, or `undefined` when the store has none. */
  openPeer(): Promise<JobStore | undefined>;
  /** The clock the store judges leases by. */
  clock(): Clock;
  /** Unit of lease tests: a lease of `unit` ms expires after `elapse(2 * unit)`. */
  unit(): number;
  /** Lets `ms` milliseconds pass on the store's lease clock. */
  elapse(ms: number): Promise<void>;
  /** A claim request with the suite's defaults. */
  claimOf(overrides: Partial<ClaimRequest>): ClaimRequest;
  /** The n-th tick of the suite's schedule. */
  tick(n: number): number;
}

/** Long enough to stay live for the whole test in either lease-clock mode. */
const LONG_LEASE_MS = 60_000;

/** Registers the batch upkeep cases (call inside the store's `describe`). */
export function describeBatchUpkeepCases(context: BatchUpkeepContext): void {
  const { claimOf, tick } = context;

  async function claimed(request: ClaimRequest): Promise<RunClaim> {
    const claim = await context.store().claimRun(request);
    expect(claim, `claim of ${JSON.stringify(request)}`).not.toBeNull();
    return claim as RunClaim;
  }

  describe('batches: acquireLeases, renewLeases, pruneJobs', () => {
    it('acquireLeases decides each job as acquireLease would, answering in the order asked', async () => {
      const store = context.store();
      const mine = (await store.acquireLease('mine', 'o', LONG_LEASE_MS)) as number;
      await store.acquireLease('theirs', 'x', LONG_LEASE_MS);
      const released = (await store.acquireLease('released', 'o', LONG_LEASE_MS)) as number;
      await store.releaseLease('released', 'o', released);
      const answers = await store.acquireLeases([
        { job: 'theirs', owner: 'o', leaseMs: LONG_LEASE_MS },
        { job: 'new', owner: 'o', leaseMs: LONG_LEASE_MS },
        { job: 'mine', owner: 'o', leaseMs: LONG_LEASE_MS },
        { job: 'released', owner: 'o', leaseMs: LONG_LEASE_MS },
      ]);
      expect(answers[0]).toBeNull();
      expect(answers[1]).toBeGreaterThanOrEqual(1);
      expect(answers[2]).toBe(mine);
      expect(answers[3]).toBeGreaterThan(released);
      expect(await store.loadState('theirs')).toMatchObject({ leaseOwner: 'x' });
      expect(await store.loadState('new')).toMatchObject({ job: 'new', triggerCount: 0, lastTickAt: null, leaseOwner: 'o' });
      expect(await store.acquireLeases([])).toEqual([]);
    });

    it("acquireLeases takes over expired leases with a greater fence, interrupting the previous owner's runs", async () => {
      const store = context.store();
      const stale = await claimed(claimOf({ job: 'p', tickAt: null, owner: 'a', leaseMs: context.unit() }));
      const kept = await claimed(claimOf({ job: 'q', tickAt: null, owner: 'a', leaseMs: LONG_LEASE_MS }));
      await context.elapse(2 * context.unit());
      const [p, q] = await store.acquireLeases([
        { job: 'p', owner: 'b', leaseMs: LONG_LEASE_MS },
        { job: 'q', owner: 'b', leaseMs: LONG_LEASE_MS },
      ]);
      expect(p).toBeGreaterThan(stale.fence);
      expect(q).toBeNull();
      expect((await store.listRuns({ job: 'p' }))[0]).toMatchObject({ id: stale.runId, status: 'interrupted' });
      expect((await store.listRuns({ job: 'q' }))[0]).toMatchObject({ id: kept.runId, status: 'running' });
      expect(await store.finishRun(stale.runId, { status: 'ok', endedAt: context.clock().now(), error: null })).toBe(false);
    });

    it('renewLeases extends each lease held with its fence and refuses the others, answering in order', async () => {
      const store = context.store();
      const unit = context.unit();
      const [a, b, c] = (await store.acquireLeases(['a', 'b', 'c'].map((job) => ({ job, owner: 'o', leaseMs: 5 * unit })))) as number[];
      await store.acquireLease('other', 'x', LONG_LEASE_MS);
      await context.elapse(3 * unit);
      const answers = await store.renewLeases([
        { job: 'c', owner: 'o', fence: c as number, leaseMs: 5 * unit },
        { job: 'b', owner: 'o', fence: (b as number) + 1, leaseMs: 5 * unit },
        { job: 'other', owner: 'o', fence: 1, leaseMs: 5 * unit },
        { job: 'unknown', owner: 'o', fence: 1, leaseMs: 5 * unit },
        { job: 'a', owner: 'o', fence: a as number, leaseMs: 5 * unit },
      ]);
      expect(answers).toEqual([true, false, false, false, true]);
      await context.elapse(3 * unit);
      // a and c were extended; b expired (nobody took it yet, but it is gone).
      const taken = await store.acquireLeases(['a', 'b', 'c'].map((job) => ({ job, owner: 'x', leaseMs: LONG_LEASE_MS })));
      expect(taken[0]).toBeNull();
      expect(taken[1]).toBeGreaterThan(b as number);
      expect(taken[2]).toBeNull();
      expect(await store.renewLeases([{ job: 'b', owner: 'o', fence: b as number, leaseMs: LONG_LEASE_MS }])).toEqual([false]);
      expect(await store.renewLeases([])).toEqual([]);
    });

    it('renewLeases refuses an expired lease even when nobody took it over', async () => {
      const store = context.store();
      const [fence] = (await store.acquireLeases([{ job: 'job', owner: 'o', leaseMs: context.unit() }])) as number[];
      await context.elapse(2 * context.unit());
      expect(await store.renewLeases([{ job: 'job', owner: 'o', fence: fence as number, leaseMs: LONG_LEASE_MS }])).toEqual([false]);
      expect(await store.loadState('job')).toMatchObject({ leaseOwner: null });
    });

    it('pruneJobs keeps the newest N finished runs of each job asked, never running ones, and counts all deleted', async () => {
      const store = context.store();
      for (const job of ['x', 'y', 'z']) await store.skipTicks({ job, owner: 'a', ticks: [tick(1), tick(2), tick(3)], status: 'missed' });
      const running = await claimed(claimOf({ job: 'x', tickAt: tick(4) }));
      const done = await claimed(claimOf({ job: 'y', tickAt: tick(4), owner: 'b' }));
      await store.finishRun(done.runId, { status: 'ok', endedAt: context.clock().now(), error: null });

      expect(await store.pruneJobs(['y', 'x', 'unknown'], 1)).toBe(2 + 3);
      expect((await store.listRuns({ job: 'x' })).map((run) => [run.status, run.tickAt])).toEqual([
        ['running', tick(4)],
        ['missed', tick(3)],
      ]);
      expect((await store.listRuns({ job: 'y' })).map((run) => [run.status, run.tickAt])).toEqual([['ok', tick(4)]]);
      expect(await store.listRuns({ job: 'z' })).toHaveLength(3);
      expect(await store.pruneJobs(['x', 'y'], 1)).toBe(0);
      expect(await store.pruneJobs(['x', 'y', 'z'], 0)).toBe(1 + 1 + 3);
      expect((await store.listRuns()).map((run) => run.id)).toEqual([running.runId]);
      expect(await store.loadState('y')).toMatchObject({ triggerCount: 1, lastTickAt: tick(4) });
      expect(await store.pruneJobs([], 0)).toBe(0);
    });

    it('pruneJobs of several instances at once deletes each run once and keeps the newest N', async () => {
      const store = context.store();
      const peer = (await context.openPeer()) ?? store;
      const jobs = Array.from({ length: 8 }, (_, i) => `job-${i}`);
      for (const job of jobs) await store.skipTicks({ job, owner: 'a', ticks: Array.from({ length: 20 }, (_, i) => tick(i)), status: 'missed' });
      const deleted = await Promise.all([store.pruneJobs(jobs, 5), peer.pruneJobs([...jobs].reverse(), 5)]);
      expect(deleted[0] + deleted[1]).toBe(jobs.length * 15);
      for (const job of jobs) expect((await store.listRuns({ job })).map((run) => run.tickAt), job).toEqual([19, 18, 17, 16, 15].map(tick));
    });

    it('rejects bad batches naming the item and the field, applying nothing', async () => {
      const store = context.store();
      await expect(store.acquireLeases([{ job: 'a', owner: 'o', leaseMs: 1_000 }, { job: 'a', owner: 'p', leaseMs: 1_000 }])).rejects.toThrow(/acquires\[1\]\.job "a"/);
      await expect(store.acquireLeases([{ job: 'a', owner: 'o', leaseMs: 1_000 }, { job: 'b', owner: 'o', leaseMs: 0 }])).rejects.toThrow(/acquires\[1\]\.leaseMs.*0/);
      await expect(store.acquireLeases([{ job: 'a', owner: '', leaseMs: 1_000 }])).rejects.toThrow(/acquires\[0\]\.owner/);
      await expect(store.acquireLeases('a' as unknown as [])).rejects.toThrow(/acquires must be an array/);
      expect(await store.listStates()).toEqual([]);
      await expect(store.renewLeases([{ job: 'a', owner: 'o', fence: -1, leaseMs: 1_000 }])).rejects.toThrow(/renewals\[0\]\.fence.*-1/);
      await expect(store.renewLeases([{ job: 'a', owner: 'o', fence: 1, leaseMs: 1.5 }])).rejects.toThrow(/renewals\[0\]\.leaseMs.*1\.5/);
      await expect(
        store.renewLeases([
          { job: 'a', owner: 'o', fence: 1, leaseMs: 1_000 },
          { job: 'a', owner: 'o', fence: 1, leaseMs: 1_000 },
        ]),
      ).rejects.toThrow(/renewals\[1\]\.job "a"/);
      await store.skipTicks({ job: 'a', owner: 'o', ticks: [tick(1), tick(2)], status: 'missed' });
      await expect(store.pruneJobs(['a', 'a'], 0)).rejects.toThrow(/jobs\[1\] "a"/);
      await expect(store.pruneJobs(['a', ''], 0)).rejects.toThrow(/jobs\[1\]/);
      await expect(store.pruneJobs(['a'], -1)).rejects.toThrow(/keep/);
      expect(await store.listRuns({ job: 'a' })).toHaveLength(2);
    });
  });
}
