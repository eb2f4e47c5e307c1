/**
 * The one conformance suite of the {@link JobStore} contract (`src/store/job-store.ts`).
 * Every store runs it:
 *
 * ```ts
 * describeStoreConformance('sqlite', async (clock) => {
 *   const dir = await mkdtemp(join(tmpdir(), 'eleanor-'));
 *   const path = join(dir, 'jobs.db');
 *   return {
 *     store: new SqliteStore({ path, clock }),
 *     openPeer: async () => new SqliteStore({ path, clock }),
 *     cleanup: () => rm(dir, { recursive: true, force: true }),
 *   };
 * });
 * ```
 *
 * The factory is called once per test and must return a store on an EMPTY database (no jobs,
 * no runs). The suite calls `open()` itself (open is idempotent, so an already opened store is
 * fine), and after each test it closes the store and every peer, then calls `cleanup()`.
 * `openPeer`, when given, returns another, unopened store on the same database (a second
 * replica); the suite then also races claims across instances.
 *
 * Lease expiry, two modes (`options.leaseClock`):
 * - `'injected'` (default; memory and SQLite): the factory receives a manual clock the suite
 *   controls and MUST hand it to the store (and to its peers) as the clock that judges lease
 *   expiry. Expiry is tested by moving that clock; tests take no real time.
 * - `'real'` (PostgreSQL, whose lease expiry uses the database server's clock): the factory
 *   receives the system clock (it may ignore it). Expiry tests use leases of a few hundred
 *   milliseconds and real waits with generous margins (a lease that must still be live is
 *   checked with at least 600 ms to spare), so they take a few seconds in all.
 *
 * Ticks are fixed times in 2030; `startedAt` values are read from the clock.
 *
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimRequest, JobStore, RunClaim, RunRecord } from '../../src/store/job-store.js';
import { systemClock, type Clock } from '../../src/time/clock.js';
import { describeBatchUpkeepCases } from './batch-upkeep-conformance.js';
import { describeControlConformance } from './control-conformance.js';
import { ManualClock } from './fixtures/manual-clock.js';
import { describeReplicaConformance } from './replica-conformance.js';
import { describeRunReportCases } from './run-report-conformance.js';
import { describeSkipBatchCases } from './skip-batch-conformance.js';

/** What a conformance factory returns for one test. */
export interface StoreFixture {
  /** A store on an empty database; the suite opens and closes it. */
  readonly store: JobStore;
  /** Another (unopened) store on the same database, as a second replica would have. Optional. */
  readonly openPeer?: () => Promise<JobStore>;
  /** Removes the database (called after the store and its peers are closed). */
  cleanup(): Promise<void>;
}

/** Options of {@link describeStoreConformance}. */
export interface StoreConformanceOptions {
  /**
   * `'injected'` (default): the store judges lease expiry by the clock passed to the factory.
   * `'real'`: it uses a clock the suite cannot move (a database server's); the suite waits.
   */
  readonly leaseClock?: 'injected' | 'real';
}

const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);
/** The n-th tick of the suite's schedule (one per second). */
const tick = (n: number): number => T0 + n * 1_000;
/** Long enough to stay live for the whole test in either mode. */
const LONG_LEASE_MS = 60_000;
/** The manual clock's start: a little after the suite's ticks. */
const MANUAL_START = T0 + 3_600_000;

/** How the suite makes time pass, per lease-clock mode. */
interface LeaseTime {
  readonly clock: Clock;
  /** Unit of lease tests: a lease of `unit` ms expires after `elapse(2 * unit)`. */
  readonly unit: number;
  /** Lets `ms` milliseconds pass on the store's lease clock. */
  elapse(ms: number): Promise<void>;
  /** Checks a reported lease expiry against the expected one. */
  expectExpiry(actual: number | null, expected: number): void;
}

function leaseTime(mode: 'injected' | 'real'): LeaseTime {
  if (mode === 'real') {
    return {
      clock: systemClock,
      unit: 300,
      elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      expectExpiry: (actual, expected) => {
        expect(actual).not.toBeNull();
        expect(Math.abs((actual as number) - expected)).toBeLessThan(5_000);
      },
    };
  }
  const clock = new ManualClock(MANUAL_START);
  return {
    clock,
    unit: 1_000,
    elapse: async (ms) => clock.advance(ms),
    expectExpiry: (actual, expected) => expect(actual).toBe(expected),
  };
}

/**
 * Registers a vitest `describe` block that checks every rule of the {@link JobStore} contract
 * against the stores `createStore` makes. See the module comment for the factory's duties.
 *
 * @param name - the store's name in test titles
 * @param createStore - called once per test with the clock the store must judge leases by
 * @param options - see {@link StoreConformanceOptions}
 */
export function describeStoreConformance(
  name: string,
  createStore: (clock: Clock) => Promise<StoreFixture>,
  options: StoreConformanceOptions = {},
): void {
  const mode = options.leaseClock ?? 'injected';

  describe(`JobStore conformance: ${name} (lease clock: ${mode})`, () => {
    let time: LeaseTime;
    let fixture: StoreFixture;
    let store: JobStore;
    let peers: JobStore[];

    beforeEach(async () => {
      time = leaseTime(mode);
      fixture = await createStore(time.clock);
      store = fixture.store;
      peers = [];
      await store.open();
    });

    afterEach(async () => {
      for (const peer of peers) await peer.close();
      await store.close();
      await fixture.cleanup();
    });

    /** Opens a peer store on the same database, or returns `undefined` if the store has none. */
    async function openPeer(): Promise<JobStore | undefined> {
      if (fixture.openPeer === undefined) return undefined;
      const peer = await fixture.openPeer();
      peers.push(peer);
      await peer.open();
      return peer;
    }

    function claimOf(overrides: Partial<ClaimRequest>): ClaimRequest {
      return { job: 'job', owner: 'a', tickAt: tick(1), startedAt: time.clock.now(), leaseMs: LONG_LEASE_MS, ...overrides };
    }

    async function claimed(request: ClaimRequest, on: JobStore = store): Promise<RunClaim> {
      const claim = await on.claimRun(request);
      expect(claim, `claim of ${JSON.stringify(request)}`).not.toBeNull();
      return claim as RunClaim;
    }

    async function runsOf(job = 'job'): Promise<RunRecord[]> {
      return store.listRuns({ job, limit: 10_000 });
    }

    describeReplicaConformance({
      store: () => store,
      openPeer,
      clock: () => time.clock,
      unit: () => time.unit,
      elapse: (ms) => time.elapse(ms),
      expectStoreTime: (actual, expected) => time.expectExpiry(actual, expected),
    });

    describe('lifecycle', () => {
      it('has a kind, opens idempotently and answers ping', async () => {
        expect(typeof store.kind).toBe('string');
        expect(store.kind.length).toBeGreaterThan(0);
        await store.open();
        await store.open();
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('closes idempotently', async () => {
        await store.close();
        await store.close();
      });
    });

    describe('state', () => {
      it('loadState is null for an unknown job and listStates is empty', async () => {
        expect(await store.loadState('nobody')).toBeNull();
        expect(await store.listStates()).toEqual([]);
      });

      it('loadState reports the trigger count, mark and lease after a claim', async () => {
        const before = time.clock.now();
        await claimed(claimOf({ tickAt: tick(5), owner: 'replica-1', leaseMs: 30_000 }));
        const state = await store.loadState('job');
        expect(state).toMatchObject({ job: 'job', triggerCount: 1, lastTickAt: tick(5), leaseOwner: 'replica-1' });
        time.expectExpiry(state?.leaseExpiresAt ?? null, before + 30_000);
      });

      it('loadStates answers in the order asked, null for jobs never seen, as loadState does', async () => {
        await claimed(claimOf({ job: 'b', tickAt: tick(2), owner: 'x' }));
        await claimed(claimOf({ job: 'a', tickAt: tick(1), owner: 'y' }));
        const states = await store.loadStates(['b', 'nobody', 'a']);
        expect(states).toEqual([await store.loadState('b'), null, await store.loadState('a')]);
        expect(states[0]).toMatchObject({ job: 'b', triggerCount: 1, lastTickAt: tick(2), leaseOwner: 'x' });
        expect(await store.loadStates([])).toEqual([]);
        await expect(store.loadStates(['a', ''])).rejects.toThrow(/jobs\[1\]/);
        await expect(store.loadStates('a' as unknown as string[])).rejects.toThrow(TypeError);
      });

      it('listStates orders jobs by name in binary order', async () => {
        for (const job of ['b', 'a-2', 'B', 'a', '_']) await store.acquireLease(job, 'o', LONG_LEASE_MS);
        const states = await store.listStates();
        expect(states.map((s) => s.job)).toEqual(['B', '_', 'a', 'a-2', 'b']);
        expect(states[0]).toMatchObject({ triggerCount: 0, lastTickAt: null, leaseOwner: 'o' });
      });

      it('reports an expired lease as free', async () => {
        await store.acquireLease('job', 'a', time.unit);
        await time.elapse(2 * time.unit);
        expect(await store.loadState('job')).toMatchObject({ leaseOwner: null, leaseExpiresAt: null });
      });
    });

    describe('claimRun', () => {
      it('advances the mark and trigger count and inserts a running row', async () => {
        const startedAt = time.clock.now();
        const claim = await claimed(claimOf({ tickAt: tick(1), owner: 'replica-1', startedAt }));
        expect(claim.runId).toMatch(/^[0-9]+$/);
        expect(claim.fence).toBeGreaterThanOrEqual(1);
        expect(claim.trigger).toBe(1);
        expect(await runsOf()).toEqual([
          {
            id: claim.runId,
            job: 'job',
            tickAt: tick(1),
            startedAt,
            endedAt: null,
            status: 'running',
            error: null,
            trigger: 1,
            owner: 'replica-1',
          },
        ]);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 1, lastTickAt: tick(1) });
      });

      it('never claims the same tick or an older one twice', async () => {
        const first = await claimed(claimOf({ tickAt: tick(2) }));
        expect(await store.claimRun(claimOf({ tickAt: tick(2) }))).toBeNull();
        expect(await store.claimRun(claimOf({ tickAt: tick(1) }))).toBeNull();
        await store.finishRun(first.runId, { status: 'ok', endedAt: time.clock.now(), error: null });
        await store.releaseLease('job', 'a', first.fence);
        expect(await store.claimRun(claimOf({ tickAt: tick(2), owner: 'b' }))).toBeNull();
        expect(await store.claimRun(claimOf({ tickAt: tick(1), owner: 'b' }))).toBeNull();
        expect(await runsOf()).toHaveLength(1);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 1, lastTickAt: tick(2) });
        const next = await claimed(claimOf({ tickAt: tick(3), owner: 'b' }));
        expect(next.trigger).toBe(2);
      });

      it('lets exactly one of many concurrent claims of one tick win', async () => {
        const claims = await Promise.all(
          Array.from({ length: 24 }, (_, i) => store.claimRun(claimOf({ tickAt: tick(7), owner: `owner-${i % 6}` }))),
        );
        expect(claims.filter((c) => c !== null)).toHaveLength(1);
        expect(await runsOf()).toHaveLength(1);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 1, lastTickAt: tick(7) });
      });

      it('lets exactly one claim per tick win when claims race on successive ticks', async () => {
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => store.claimRun(claimOf({ tickAt: tick(1 + (i % 3)), owner: 'same' }))),
        );
        const winners = results.filter((c) => c !== null);
        const ticks = (await runsOf()).map((r) => r.tickAt);
        expect(new Set(ticks).size).toBe(ticks.length);
        expect(winners.length).toBe(ticks.length);
        expect(winners.length).toBeGreaterThanOrEqual(1);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: winners.length, lastTickAt: tick(3) });
      });

      it('lets exactly one of many claims of one tick win across store instances', async () => {
        const peer = await openPeer();
        if (peer === undefined) return;
        const other = await openPeer();
        const instances = [store, peer, other as JobStore];
        const claims = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            (instances[i % 3] as JobStore).claimRun(claimOf({ tickAt: tick(9), owner: `replica-${i % 3}` })),
          ),
        );
        expect(claims.filter((c) => c !== null)).toHaveLength(1);
        expect(await runsOf()).toHaveLength(1);
        expect(await peer.loadState('job')).toMatchObject({ triggerCount: 1, lastTickAt: tick(9) });
      });

      it('does not touch the mark for a claim without a tick, but counts the trigger', async () => {
        await claimed(claimOf({ tickAt: tick(4) }));
        const manual = await claimed(claimOf({ tickAt: null }));
        expect(manual.trigger).toBe(2);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 2, lastTickAt: tick(4) });
        const [newest] = await runsOf();
        expect(newest).toMatchObject({ id: manual.runId, tickAt: null, status: 'running', trigger: 2 });
        expect(await store.claimRun(claimOf({ tickAt: tick(4) }))).toBeNull();
      });

      it('lets the owner of a live lease claim again, keeping its fence', async () => {
        const fence = await store.acquireLease('job', 'a', LONG_LEASE_MS);
        const first = await claimed(claimOf({ tickAt: tick(1), owner: 'a' }));
        const second = await claimed(claimOf({ tickAt: tick(2), owner: 'a' }));
        expect(first.fence).toBe(fence);
        expect(second.fence).toBe(fence);
        expect(second.trigger).toBe(2);
      });

      it('is blocked by a live lease of another owner, recording nothing', async () => {
        await claimed(claimOf({ tickAt: tick(1), owner: 'a' }));
        const blocked = claimOf({
          tickAt: tick(5),
          owner: 'b',
          unexecuted: { ticks: [tick(2), tick(3)], status: 'missed' },
        });
        expect(await store.claimRun(blocked)).toBeNull();
        expect(await store.claimRun(claimOf({ tickAt: null, owner: 'b' }))).toBeNull();
        expect(await store.acquireLease('job', 'b', LONG_LEASE_MS)).toBeNull();
        expect(await runsOf()).toHaveLength(1);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 1, lastTickAt: tick(1), leaseOwner: 'a' });
      });

      it('takes over an expired lease with a greater fence', async () => {
        const first = await claimed(claimOf({ tickAt: tick(1), owner: 'a', leaseMs: time.unit }));
        await time.elapse(2 * time.unit);
        const second = await claimed(claimOf({ tickAt: tick(2), owner: 'b' }));
        expect(second.fence).toBeGreaterThan(first.fence);
        expect(second.trigger).toBe(2);
        expect(await store.loadState('job')).toMatchObject({ leaseOwner: 'b', lastTickAt: tick(2) });
      });

      it("interrupts the previous owner's running runs on a takeover, so they cannot finish", async () => {
        const stale = await claimed(claimOf({ tickAt: tick(1), owner: 'a', leaseMs: time.unit }));
        const manual = await claimed(claimOf({ tickAt: null, owner: 'a', leaseMs: time.unit }));
        const other = await claimed(claimOf({ job: 'other', tickAt: tick(1), owner: 'a', leaseMs: time.unit }));
        await time.elapse(2 * time.unit);
        const fresh = await claimed(claimOf({ tickAt: tick(2), owner: 'b' }));
        const byId = new Map((await store.listRuns()).map((r) => [r.id, r]));
        for (const id of [stale.runId, manual.runId]) {
          expect(byId.get(id)).toMatchObject({ status: 'interrupted', endedAt: expect.any(Number), error: expect.any(String) });
          expect(await store.finishRun(id, { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(false);
        }
        expect(byId.get(fresh.runId)?.status).toBe('running');
        expect(byId.get(other.runId)?.status).toBe('running');
      });

      it("keeps the owner's own running runs when it takes its expired lease again", async () => {
        const first = await claimed(claimOf({ tickAt: tick(1), owner: 'a', leaseMs: time.unit }));
        await time.elapse(2 * time.unit);
        const second = await claimed(claimOf({ tickAt: tick(2), owner: 'a' }));
        expect(second.fence).toBeGreaterThan(first.fence);
        expect((await runsOf()).map((r) => r.status)).toEqual(['running', 'running']);
      });

      it('sees claims made through another instance', async () => {
        const peer = await openPeer();
        if (peer === undefined) return;
        await claimed(claimOf({ tickAt: tick(1), owner: 'a' }));
        expect(await peer.claimRun(claimOf({ tickAt: tick(2), owner: 'b' }))).toBeNull();
        expect(await peer.claimRun(claimOf({ tickAt: tick(1), owner: 'a' }))).toBeNull();
        const again = await claimed(claimOf({ tickAt: tick(2), owner: 'a' }), peer);
        expect(again.trigger).toBe(2);
      });
    });

    describe('unexecuted ticks in a claim', () => {
      it('records them with the claim, older than the run', async () => {
        const claim = await claimed(
          claimOf({ tickAt: tick(4), owner: 'a', unexecuted: { ticks: [tick(1), tick(2), tick(3)], status: 'missed' } }),
        );
        const runs = await runsOf();
        expect(runs.map((r) => [r.status, r.tickAt])).toEqual([
          ['running', tick(4)],
          ['missed', tick(3)],
          ['missed', tick(2)],
          ['missed', tick(1)],
        ]);
        expect(runs[0]?.id).toBe(claim.runId);
        expect(runs[1]).toMatchObject({ job: 'job', startedAt: null, endedAt: null, error: null, trigger: null, owner: 'a' });
        expect(claim.trigger).toBe(1);
        expect(claim.unexecutedRecorded).toBe(3);
      });

      it('says it recorded none for a claim without them, in a batch as alone', async () => {
        expect((await claimed(claimOf({ tickAt: tick(1) }))).unexecutedRecorded).toBe(0);
        const [answer] = await store.claimRuns([claimOf({ job: 'other', tickAt: tick(1) })]);
        expect(answer).toMatchObject({ unexecutedRecorded: 0 });
      });

      it('records nothing when the claim fails on the mark', async () => {
        await claimed(claimOf({ tickAt: tick(5) }));
        const stale = claimOf({ tickAt: tick(5), unexecuted: { ticks: [tick(3), tick(4)], status: 'skipped' } });
        expect(await store.claimRun(stale)).toBeNull();
        expect(await runsOf()).toHaveLength(1);
      });

      it('records only the ticks after the previous mark', async () => {
        await store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(1), tick(2)], status: 'skipped' });
        const claim = await claimed(claimOf({ tickAt: tick(4), unexecuted: { ticks: [tick(1), tick(2), tick(3)], status: 'missed' } }));
        // Only what it recorded: another replica's ticks are not this claim's to count.
        expect(claim.unexecutedRecorded).toBe(1);
        expect((await runsOf()).map((r) => [r.status, r.tickAt])).toEqual([
          ['running', tick(4)],
          ['missed', tick(3)],
          ['skipped', tick(2)],
          ['skipped', tick(1)],
        ]);
      });
    });

    describe('leases', () => {
      it('acquireLease creates the job state and returns a fence', async () => {
        const fence = await store.acquireLease('job', 'a', LONG_LEASE_MS);
        expect(fence).toBeGreaterThanOrEqual(1);
        expect(await store.loadState('job')).toMatchObject({
          job: 'job',
          triggerCount: 0,
          lastTickAt: null,
          leaseOwner: 'a',
        });
      });

      it('acquireLease keeps the fence for the live holder and extends the expiry', async () => {
        const fence = await store.acquireLease('job', 'a', 5 * time.unit);
        await time.elapse(3 * time.unit);
        const again = await store.acquireLease('job', 'a', 5 * time.unit);
        expect(again).toBe(fence);
        await time.elapse(3 * time.unit);
        expect(await store.acquireLease('job', 'b', LONG_LEASE_MS)).toBeNull();
      });

      it('acquireLease takes over an expired lease with a greater fence', async () => {
        const first = (await store.acquireLease('job', 'a', time.unit)) as number;
        await time.elapse(2 * time.unit);
        const second = await store.acquireLease('job', 'b', LONG_LEASE_MS);
        expect(second).toBeGreaterThan(first);
        expect(await store.renewLease('job', 'a', first, LONG_LEASE_MS)).toBe(false);
      });

      it("acquireLease interrupts the previous owner's running runs on a takeover", async () => {
        const stale = await claimed(claimOf({ tickAt: null, owner: 'a', leaseMs: time.unit }));
        await time.elapse(2 * time.unit);
        await store.acquireLease('job', 'b', LONG_LEASE_MS);
        expect((await runsOf())[0]).toMatchObject({ id: stale.runId, status: 'interrupted' });
        expect(await store.finishRun(stale.runId, { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(false);
      });

      it('renewLease extends the lease of the holder with its fence', async () => {
        const fence = (await store.acquireLease('job', 'a', 5 * time.unit)) as number;
        await time.elapse(3 * time.unit);
        expect(await store.renewLease('job', 'a', fence, 5 * time.unit)).toBe(true);
        await time.elapse(3 * time.unit);
        expect(await store.acquireLease('job', 'b', LONG_LEASE_MS)).toBeNull();
        expect(await store.loadState('job')).toMatchObject({ leaseOwner: 'a' });
      });

      it('renewLease refuses a stale fence, another owner, an unknown job and an expired lease', async () => {
        const fence = (await store.acquireLease('job', 'a', time.unit)) as number;
        expect(await store.renewLease('job', 'a', fence + 1, LONG_LEASE_MS)).toBe(false);
        expect(await store.renewLease('job', 'b', fence, LONG_LEASE_MS)).toBe(false);
        expect(await store.renewLease('other', 'a', fence, LONG_LEASE_MS)).toBe(false);
        await time.elapse(2 * time.unit);
        expect(await store.renewLease('job', 'a', fence, LONG_LEASE_MS)).toBe(false);
        expect(await store.loadState('job')).toMatchObject({ leaseOwner: null });
      });

      it('releaseLease frees the lease only for its owner and fence', async () => {
        const fence = (await store.acquireLease('job', 'a', LONG_LEASE_MS)) as number;
        await store.releaseLease('job', 'a', fence + 1);
        await store.releaseLease('job', 'b', fence);
        await store.releaseLease('other', 'a', fence);
        expect(await store.acquireLease('job', 'b', LONG_LEASE_MS)).toBeNull();
        await store.releaseLease('job', 'a', fence);
        expect(await store.loadState('job')).toMatchObject({ leaseOwner: null, leaseExpiresAt: null });
        const next = await store.acquireLease('job', 'b', LONG_LEASE_MS);
        expect(next).toBeGreaterThan(fence);
      });

      it('a stale holder cannot release the lease of the one that took it over', async () => {
        const stale = (await store.acquireLease('job', 'a', time.unit)) as number;
        await time.elapse(2 * time.unit);
        const current = (await store.acquireLease('job', 'b', LONG_LEASE_MS)) as number;
        await store.releaseLease('job', 'a', stale);
        expect(await store.loadState('job')).toMatchObject({ leaseOwner: 'b' });
        expect(await store.renewLease('job', 'b', current, LONG_LEASE_MS)).toBe(true);
      });

      it('never reuses a fence, even for the same owner after a release', async () => {
        const first = (await store.acquireLease('job', 'a', LONG_LEASE_MS)) as number;
        await store.releaseLease('job', 'a', first);
        const second = (await store.acquireLease('job', 'a', LONG_LEASE_MS)) as number;
        expect(second).toBeGreaterThan(first);
        expect(await store.renewLease('job', 'a', first, LONG_LEASE_MS)).toBe(false);
      });
    });

    describe('finishRun', () => {
      it('records the outcome of a running run once', async () => {
        const claim = await claimed(claimOf({}));
        const endedAt = time.clock.now() + 5;
        expect(await store.finishRun(claim.runId, { status: 'failed', endedAt, error: 'Error: boom\n    at x' })).toBe(true);
        expect(await store.finishRun(claim.runId, { status: 'ok', endedAt: endedAt + 1, error: null })).toBe(false);
        expect((await runsOf())[0]).toMatchObject({ status: 'failed', endedAt, error: 'Error: boom\n    at x' });
      });

      it('accepts every final status', async () => {
        for (const [n, status] of (['ok', 'failed', 'timeout', 'interrupted'] as const).entries()) {
          const claim = await claimed(claimOf({ tickAt: tick(n + 1) }));
          expect(await store.finishRun(claim.runId, { status, endedAt: time.clock.now(), error: null })).toBe(true);
        }
        expect((await runsOf()).map((r) => r.status)).toEqual(['interrupted', 'timeout', 'failed', 'ok']);
      });

      it('returns false for an unknown run and for skipped ticks', async () => {
        expect(await store.finishRun('987654321', { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(false);
        await store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(1)], status: 'skipped' });
        const [skipped] = await runsOf();
        expect(await store.finishRun(skipped?.id as string, { status: 'ok', endedAt: 1, error: null })).toBe(false);
        expect((await runsOf())[0]?.status).toBe('skipped');
      });

      it('stores any error text: NUL made visible, lone surrogates replaced, other characters kept, all stores alike', async () => {
        const claim = await claimed(claimOf({ tickAt: tick(1) }));
        const error = 'Error: bad \u0000 byte\u0000 \u001b[2J \ud800 ✓ 日本\n    at x';
        expect(await store.finishRun(claim.runId, { status: 'failed', endedAt: time.clock.now(), error })).toBe(true);
        expect((await runsOf())[0]?.error).toBe('Error: bad \\0 byte\\0 \u001b[2J \ufffd ✓ 日本\n    at x');
        const batched = await claimed(claimOf({ tickAt: tick(2) }));
        expect(await store.finishRuns([{ runId: batched.runId, outcome: { status: 'failed', endedAt: time.clock.now(), error: '\u0000' } }])).toEqual([true]);
        expect((await runsOf())[0]?.error).toBe('\\0');
        expect((await store.listStates()).map((state) => state.job)).toEqual(['job']);
      });

      it('bounds a huge error text (1 MB) and says how long it was', async () => {
        const claim = await claimed(claimOf({}));
        const huge = `Error: ${'x'.repeat(1_048_576)}\u0000`;
        expect(await store.finishRun(claim.runId, { status: 'failed', endedAt: time.clock.now(), error: huge })).toBe(true);
        const stored = (await runsOf())[0]?.error as string;
        expect(stored.startsWith('Error: xxx')).toBe(true);
        expect(stored.length).toBeLessThan(17_000);
        expect(stored).toMatch(/\[cut: \d+ more characters, 1048584 in all\]$/);
      });

      it('does not apply to a run already marked interrupted', async () => {
        const claim = await claimed(claimOf({ owner: 'a' }));
        expect(await store.interruptStaleRuns('a')).toBe(1);
        expect(await store.finishRun(claim.runId, { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(false);
        expect((await runsOf())[0]?.status).toBe('interrupted');
      });
    });

    describe('skipTicks', () => {
      it('records the ticks and advances the mark to the newest', async () => {
        const ok = await store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(1), tick(2), tick(3)], status: 'missed' });
        expect(ok).toBe(true);
        const runs = await runsOf();
        expect(runs.map((r) => [r.status, r.tickAt])).toEqual([
          ['missed', tick(3)],
          ['missed', tick(2)],
          ['missed', tick(1)],
        ]);
        expect(runs[0]).toMatchObject({ startedAt: null, endedAt: null, error: null, trigger: null, owner: 'a' });
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 0, lastTickAt: tick(3), leaseOwner: null });
      });

      it('only moves the mark forwards', async () => {
        await claimed(claimOf({ tickAt: tick(5) }));
        expect(await store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(4), tick(5)], status: 'skipped' })).toBe(false);
        expect(await store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(2)], status: 'skipped' })).toBe(false);
        expect(await runsOf()).toHaveLength(1);
        expect(await store.loadState('job')).toMatchObject({ lastTickAt: tick(5) });
      });

      it('records only the ticks after the mark', async () => {
        await claimed(claimOf({ tickAt: tick(5) }));
        expect(await store.skipTicks({ job: 'job', owner: 'b', ticks: [tick(4), tick(5), tick(6)], status: 'skipped' })).toBe(
          true,
        );
        expect((await runsOf()).map((r) => [r.status, r.tickAt])).toEqual([
          ['skipped', tick(6)],
          ['running', tick(5)],
        ]);
      });

      it('makes skipped ticks unclaimable, later ones still claimable', async () => {
        await store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(1), tick(2)], status: 'skipped' });
        expect(await store.claimRun(claimOf({ tickAt: tick(2) }))).toBeNull();
        expect(await store.claimRun(claimOf({ tickAt: tick(1) }))).toBeNull();
        const claim = await claimed(claimOf({ tickAt: tick(3) }));
        expect(claim.trigger).toBe(1);
      });

      it('is not blocked by a lease (the mark alone decides)', async () => {
        await store.acquireLease('job', 'a', LONG_LEASE_MS);
        expect(await store.skipTicks({ job: 'job', owner: 'b', ticks: [tick(1)], status: 'missed' })).toBe(true);
      });
    });

    describe('interruptStaleRuns', () => {
      it("marks the owner's own running runs, even under a live lease", async () => {
        const mine = await claimed(claimOf({ job: 'mine', owner: 'me' }));
        await claimed(claimOf({ job: 'theirs', owner: 'them' }));
        expect(await store.interruptStaleRuns('me')).toBe(1);
        const [run] = await store.listRuns({ job: 'mine' });
        expect(run).toMatchObject({ id: mine.runId, status: 'interrupted' });
        expect(run?.endedAt).toEqual(expect.any(Number));
        expect(run?.error).toEqual(expect.any(String));
        expect((await store.listRuns({ job: 'theirs' }))[0]?.status).toBe('running');
      });

      it('lets a restarted owner take back its live leases at once after marking its dead runs', async () => {
        const dead = await claimed(claimOf({ tickAt: tick(1), owner: 'me' }));
        const fence = await store.acquireLease('sampler', 'me', LONG_LEASE_MS);
        expect(await store.interruptStaleRuns('me')).toBe(1);
        const next = await claimed(claimOf({ tickAt: tick(2), owner: 'me' }));
        expect(next.trigger).toBe(2);
        expect(await store.acquireLease('sampler', 'me', LONG_LEASE_MS)).toBe(fence);
        expect(await store.claimRun(claimOf({ tickAt: tick(3), owner: 'other' }))).toBeNull();
        expect(await store.finishRun(dead.runId, { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(false);
        expect((await runsOf()).map((r) => [r.id, r.status])).toEqual([
          [next.runId, 'running'],
          [dead.runId, 'interrupted'],
        ]);
      });

      it('marks runs whose lease expired', async () => {
        await claimed(claimOf({ job: 'job', owner: 'them', leaseMs: time.unit }));
        await claimed(claimOf({ job: 'live', owner: 'them', leaseMs: LONG_LEASE_MS }));
        await time.elapse(2 * time.unit);
        expect(await store.interruptStaleRuns('me')).toBe(1);
        expect((await runsOf('job'))[0]?.status).toBe('interrupted');
        expect((await runsOf('live'))[0]?.status).toBe('running');
      });

      it('marks runs whose owner released the lease', async () => {
        const released = await claimed(claimOf({ job: 'other', owner: 'them' }));
        const held = await claimed(claimOf({ job: 'job', owner: 'them' }));
        await store.releaseLease('other', 'them', released.fence);
        expect(await store.interruptStaleRuns('me')).toBe(1);
        const byId = new Map((await store.listRuns()).map((r) => [r.id, r.status]));
        expect(byId.get(released.runId)).toBe('interrupted');
        expect(byId.get(held.runId)).toBe('running');
      });

      it('leaves finished runs and unexecuted ticks alone', async () => {
        const claim = await claimed(claimOf({ owner: 'me', unexecuted: { ticks: [tick(0)], status: 'missed' } }));
        await store.finishRun(claim.runId, { status: 'ok', endedAt: time.clock.now(), error: null });
        expect(await store.interruptStaleRuns('me')).toBe(0);
        expect((await runsOf()).map((r) => r.status)).toEqual(['ok', 'missed']);
      });
    });

    describe('listRuns', () => {
      it('lists newest first, at most 100 by default', async () => {
        const ticks = Array.from({ length: 105 }, (_, i) => tick(i));
        await store.skipTicks({ job: 'job', owner: 'a', ticks, status: 'skipped' });
        const runs = await store.listRuns();
        expect(runs).toHaveLength(100);
        expect(runs[0]?.tickAt).toBe(tick(104));
        expect(runs[99]?.tickAt).toBe(tick(5));
        const ids = runs.map((r) => Number(r.id));
        expect(ids).toEqual([...ids].sort((x, y) => y - x));
      });

      it('filters by job, since and limit', async () => {
        await store.skipTicks({ job: 'a', owner: 'o', ticks: [tick(1), tick(2), tick(3)], status: 'skipped' });
        await store.skipTicks({ job: 'b', owner: 'o', ticks: [tick(1), tick(2)], status: 'missed' });
        await claimed(claimOf({ job: 'a', tickAt: tick(9), startedAt: tick(10) }));
        expect((await store.listRuns({ job: 'b' })).map((r) => r.tickAt)).toEqual([tick(2), tick(1)]);
        expect((await store.listRuns({ job: 'a', since: tick(3) })).map((r) => r.tickAt)).toEqual([tick(9), tick(3)]);
        expect((await store.listRuns({ job: 'a', since: tick(10) })).map((r) => r.tickAt)).toEqual([tick(9)]);
        expect((await store.listRuns({ job: 'a', since: tick(11) })).map((r) => r.tickAt)).toEqual([]);
        expect((await store.listRuns({ limit: 2 })).map((r) => [r.job, r.tickAt])).toEqual([
          ['a', tick(9)],
          ['b', tick(2)],
        ]);
        expect(await store.listRuns({ job: 'nobody' })).toEqual([]);
      });

      it('pages back with beforeId, comparing ids numerically', async () => {
        await store.skipTicks({ job: 'job', owner: 'o', ticks: Array.from({ length: 25 }, (_, i) => tick(i)), status: 'missed' });
        await store.skipTicks({ job: 'other', owner: 'o', ticks: [tick(1)], status: 'missed' });
        const seen: RunRecord[] = [];
        let beforeId: string | undefined;
        for (;;) {
          const page = await store.listRuns({ job: 'job', limit: 4, ...(beforeId === undefined ? {} : { beforeId }) });
          if (page.length === 0) break;
          seen.push(...page);
          beforeId = page[page.length - 1]?.id;
        }
        expect(seen.map((r) => r.tickAt)).toEqual(Array.from({ length: 25 }, (_, i) => tick(24 - i)));
        const all = await runsOf();
        const tenth = all[all.length - 10] as RunRecord;
        const older = await store.listRuns({ job: 'job', beforeId: tenth.id });
        expect(older).toHaveLength(9);
        expect(older.every((r) => Number(r.id) < Number(tenth.id))).toBe(true);
      });
    });

    describe('prune', () => {
      it('keeps the newest N finished runs of the job and never deletes running ones', async () => {
        await store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(1), tick(2), tick(3)], status: 'missed' });
        const running = await claimed(claimOf({ tickAt: tick(4), owner: 'a' }));
        const done = await claimed(claimOf({ tickAt: tick(5), owner: 'a' }));
        await store.finishRun(done.runId, { status: 'ok', endedAt: time.clock.now(), error: null });
        await store.skipTicks({ job: 'other', owner: 'a', ticks: [tick(1), tick(2)], status: 'missed' });

        expect(await store.prune('job', 2)).toBe(2);
        expect((await runsOf()).map((r) => [r.status, r.tickAt])).toEqual([
          ['ok', tick(5)],
          ['running', tick(4)],
          ['missed', tick(3)],
        ]);
        expect(await store.prune('job', 2)).toBe(0);
        expect(await store.prune('job', 0)).toBe(2);
        expect((await runsOf()).map((r) => r.id)).toEqual([running.runId]);
        expect(await runsOf('other')).toHaveLength(2);
        expect(await store.prune('nobody', 0)).toBe(0);
      });

      it('keeps the state (mark and trigger count) when runs are pruned', async () => {
        const claim = await claimed(claimOf({ tickAt: tick(3) }));
        await store.finishRun(claim.runId, { status: 'ok', endedAt: time.clock.now(), error: null });
        await store.prune('job', 0);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 1, lastTickAt: tick(3) });
        expect(await store.claimRun(claimOf({ tickAt: tick(3) }))).toBeNull();
      });

      it('keeps every answer right with thousands of runs per job (claim, finish out of order, prune, list, interrupt)', async () => {
        const many = 3_000;
        await store.skipTicks({ job: 'job', owner: 'a', ticks: Array.from({ length: many }, (_, i) => tick(i)), status: 'missed' });
        await store.skipTicks({ job: 'other', owner: 'a', ticks: Array.from({ length: 10 }, (_, i) => tick(i)), status: 'skipped' });
        const first = await claimed(claimOf({ tickAt: tick(many) }));
        const second = await claimed(claimOf({ tickAt: tick(many + 1) }));
        const left = await claimed(claimOf({ tickAt: tick(many + 2) }));
        expect(await store.finishRun(second.runId, { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(true);
        expect(await store.finishRun(first.runId, { status: 'failed', endedAt: time.clock.now(), error: 'boom' })).toBe(true);
        expect(await store.finishRun(first.runId, { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(false);

        expect(await store.prune('job', 1_000)).toBe(many + 2 - 1_000);
        expect(await store.prune('job', 1_000)).toBe(0);
        const kept = await store.listRuns({ job: 'job', limit: 5_000 });
        expect(kept.map((r) => r.tickAt)).toEqual(Array.from({ length: 1_001 }, (_, i) => tick(many + 2 - i)));
        expect(kept.slice(0, 3).map((r) => r.status)).toEqual(['running', 'ok', 'failed']);
        expect(kept.map((r) => Number(r.id))).toEqual(kept.map((r) => Number(r.id)).sort((x, y) => y - x));
        expect(await store.listRuns({ limit: 5_000 })).toHaveLength(1_011);
        const page = await store.listRuns({ job: 'job', beforeId: second.runId, limit: 3 });
        expect(page.map((r) => r.tickAt)).toEqual([tick(many), tick(many - 1), tick(many - 2)]);

        expect(await store.interruptStaleRuns('a')).toBe(1);
        expect((await store.listRuns({ job: 'job', limit: 1 }))[0]).toMatchObject({ id: left.runId, status: 'interrupted' });
        expect(await store.prune('job', 0)).toBe(1_001);
        expect(await store.listRuns({ limit: 5_000 })).toHaveLength(10);
        expect(await store.loadState('job')).toMatchObject({ triggerCount: 3, lastTickAt: tick(many + 2) });
      });
    });

    describe('batches: claimRuns, finishRuns, releaseLeases', () => {
      it('claimRuns decides each request as claimRun would, answering in order with the reason of each refusal', async () => {
        await claimed(claimOf({ job: 'taken', tickAt: tick(1), owner: 'a' }));
        await claimed(claimOf({ job: 'busy', tickAt: tick(1), owner: 'x' }));
        const startedAt = time.clock.now();
        const answers = await store.claimRuns([
          claimOf({ job: 'fresh', tickAt: tick(2), owner: 'o', startedAt }),
          claimOf({ job: 'taken', tickAt: tick(1), owner: 'o' }),
          claimOf({ job: 'busy', tickAt: tick(2), owner: 'o' }),
          claimOf({ job: 'manual', tickAt: null, owner: 'o' }),
          claimOf({ job: 'gap', tickAt: tick(4), owner: 'o', unexecuted: { ticks: [tick(2), tick(3)], status: 'missed' } }),
        ]);
        expect(answers.map((answer) => (typeof answer === 'string' ? answer : 'claim'))).toEqual(['claim', 'taken', 'busy', 'claim', 'claim']);
        const [fresh, , , manual, gap] = answers as RunClaim[];
        expect(fresh).toMatchObject({ trigger: 1, runId: expect.stringMatching(/^[0-9]+$/) });
        expect(fresh?.fence).toBeGreaterThanOrEqual(1);
        expect(await runsOf('fresh')).toEqual([
          { id: fresh?.runId, job: 'fresh', tickAt: tick(2), startedAt, endedAt: null, status: 'running', error: null, trigger: 1, owner: 'o' },
        ]);
        expect(await store.loadState('fresh')).toMatchObject({ triggerCount: 1, lastTickAt: tick(2), leaseOwner: 'o' });
        expect(await store.loadState('manual')).toMatchObject({ triggerCount: 1, lastTickAt: null, leaseOwner: 'o' });
        expect((await runsOf('manual'))[0]).toMatchObject({ id: manual?.runId, tickAt: null, status: 'running' });
        expect((await runsOf('gap')).map((run) => [run.status, run.tickAt])).toEqual([
          ['running', tick(4)],
          ['missed', tick(3)],
          ['missed', tick(2)],
        ]);
        expect((await runsOf('gap'))[0]?.id).toBe(gap?.runId);
        // The refused requests changed nothing.
        expect(await runsOf('taken')).toHaveLength(1);
        expect(await runsOf('busy')).toHaveLength(1);
        expect(await store.loadState('busy')).toMatchObject({ triggerCount: 1, lastTickAt: tick(1), leaseOwner: 'x' });
      });

      it('claimRuns answers busy for a request without a tick under another live lease, and [] for no requests', async () => {
        await claimed(claimOf({ job: 'held', tickAt: tick(1), owner: 'x' }));
        expect(await store.claimRuns([claimOf({ job: 'held', tickAt: null, owner: 'y' })])).toEqual(['busy']);
        expect(await store.claimRuns([])).toEqual([]);
      });

      it("claimRuns takes over expired leases with a greater fence, interrupting the previous owner's runs", async () => {
        const stale = await claimed(claimOf({ job: 'p', tickAt: tick(1), owner: 'a', leaseMs: time.unit }));
        const staleQ = await claimed(claimOf({ job: 'q', tickAt: tick(1), owner: 'a', leaseMs: time.unit }));
        await time.elapse(2 * time.unit);
        const answers = await store.claimRuns([claimOf({ job: 'q', tickAt: tick(2), owner: 'b' }), claimOf({ job: 'p', tickAt: tick(2), owner: 'b' })]);
        const [q, p] = answers as RunClaim[];
        expect(q?.fence).toBeGreaterThan(staleQ.fence);
        expect(p?.fence).toBeGreaterThan(stale.fence);
        expect(p?.trigger).toBe(2);
        for (const id of [stale.runId, staleQ.runId]) {
          expect(await store.finishRun(id, { status: 'ok', endedAt: time.clock.now(), error: null })).toBe(false);
        }
        expect((await runsOf('p')).map((run) => run.status)).toEqual(['running', 'interrupted']);
      });

      it('grants each job-tick exactly once when batches of several owners race (across instances when the store has them)', async () => {
        const peer = await openPeer();
        const instances = peer === undefined ? [store] : [store, peer, (await openPeer()) as JobStore];
        const jobs = Array.from({ length: 12 }, (_, i) => `job-${i}`);
        const batches = await Promise.all(
          Array.from({ length: 6 }, (_, i) => {
            // Each batch in its own order: the store must lock in one order whatever it is given.
            const order = i % 2 === 0 ? jobs : [...jobs].reverse();
            return (instances[i % instances.length] as JobStore).claimRuns(order.map((job) => claimOf({ job, tickAt: tick(5), owner: `owner-${i % 3}` })));
          }),
        );
        const answers = batches.flat();
        expect(answers.filter((answer) => typeof answer !== 'string')).toHaveLength(jobs.length);
        expect(answers.filter((answer) => typeof answer === 'string').every((answer) => answer === 'taken')).toBe(true);
        for (const job of jobs) {
          expect(await runsOf(job), job).toHaveLength(1);
          expect(await store.loadState(job)).toMatchObject({ triggerCount: 1, lastTickAt: tick(5) });
        }
      });

      it('finishRuns records each outcome as finishRun would, answering in order', async () => {
        const [first, second] = (await store.claimRuns([claimOf({ job: 'x' }), claimOf({ job: 'y' })])) as RunClaim[];
        const endedAt = time.clock.now() + 5;
        const results = await store.finishRuns([
          { runId: second?.runId as string, outcome: { status: 'failed', endedAt, error: 'Error: boom' } },
          { runId: '987654321', outcome: { status: 'ok', endedAt, error: null } },
          { runId: first?.runId as string, outcome: { status: 'ok', endedAt, error: null } },
        ]);
        expect(results).toEqual([true, false, true]);
        expect(await store.finishRuns([{ runId: first?.runId as string, outcome: { status: 'failed', endedAt: endedAt + 1, error: 'late' } }])).toEqual([false]);
        expect((await runsOf('x'))[0]).toMatchObject({ status: 'ok', endedAt, error: null });
        expect((await runsOf('y'))[0]).toMatchObject({ status: 'failed', endedAt, error: 'Error: boom' });
        expect(await store.finishRuns([])).toEqual([]);
      });

      it('releaseLeases frees each lease only for its owner and fence', async () => {
        const fences = await Promise.all(['r1', 'r2', 'r3'].map((job) => store.acquireLease(job, 'o', LONG_LEASE_MS)));
        const [f1, f2, f3] = fences as number[];
        await store.releaseLeases([
          { job: 'r3', owner: 'someone-else', fence: f3 as number },
          { job: 'r1', owner: 'o', fence: f1 as number },
          { job: 'r2', owner: 'o', fence: (f2 as number) + 1 },
          { job: 'unknown', owner: 'o', fence: 1 },
        ]);
        expect(await store.loadState('r1')).toMatchObject({ leaseOwner: null });
        expect(await store.loadState('r2')).toMatchObject({ leaseOwner: 'o' });
        expect(await store.loadState('r3')).toMatchObject({ leaseOwner: 'o' });
        await store.releaseLeases([]);
      });

      it('rejects bad batches naming the item and the field, applying nothing', async () => {
        await expect(store.claimRuns([claimOf({ job: 'a' }), claimOf({ job: 'a', tickAt: tick(2) })])).rejects.toThrow(/requests\[1\]\.job "a"/);
        await expect(store.claimRuns([claimOf({ job: 'a' }), claimOf({ job: 'b', leaseMs: -5 })])).rejects.toThrow(/requests\[1\]\.leaseMs.*-5/);
        await expect(store.claimRuns([claimOf({ job: 'a' }), claimOf({ job: '' })])).rejects.toThrow(TypeError);
        await expect(store.claimRuns('a' as unknown as ClaimRequest[])).rejects.toThrow(/requests must be an array/);
        expect(await runsOf('a')).toEqual([]);
        expect(await store.listStates()).toEqual([]);
        await expect(store.finishRuns([{ runId: 'x1', outcome: { status: 'ok', endedAt: 1, error: null } }])).rejects.toThrow(/finishes\[0\]\.runId/);
        await expect(store.finishRuns([{ runId: '1', outcome: { status: 'done' as 'ok', endedAt: 1, error: null } }])).rejects.toThrow(/finishes\[0\]\.status/);
        await expect(
          store.finishRuns([
            { runId: '1', outcome: { status: 'ok', endedAt: 1, error: null } },
            { runId: '1', outcome: { status: 'ok', endedAt: 1, error: null } },
          ]),
        ).rejects.toThrow(/finishes\[1\]\.runId "1"/);
        await expect(store.releaseLeases([{ job: 'a', owner: 'o', fence: -1 }])).rejects.toThrow(/releases\[0\]\.fence/);
      });
    });

    describeBatchUpkeepCases({
      store: () => store,
      openPeer,
      clock: () => time.clock,
      unit: () => time.unit,
      elapse: (ms) => time.elapse(ms),
      claimOf,
      tick,
    });
    describeSkipBatchCases({ store: () => store, openPeer, claimOf, tick });

    describe('bad input', () => {
      it('rejects empty names with a TypeError naming the field', async () => {
        await expect(store.loadState('')).rejects.toThrow(TypeError);
        await expect(store.claimRun(claimOf({ job: '' }))).rejects.toThrow(/job/);
        await expect(store.claimRun(claimOf({ owner: '' }))).rejects.toThrow(/owner/);
        await expect(store.acquireLease('job', '', 1_000)).rejects.toThrow(TypeError);
      });

      it('rejects names with control characters with a TypeError naming the field, the value escaped and the character', async () => {
        await expect(store.claimRun(claimOf({ job: 'a\u0000b' }))).rejects.toThrow(TypeError);
        await expect(store.claimRun(claimOf({ job: 'a\u0000b' }))).rejects.toThrow('job must not contain control characters, got "a\\u0000b" (U+0000 at index 1)');
        await expect(store.claimRun(claimOf({ owner: 'me\u009b' }))).rejects.toThrow('owner must not contain control characters, got "me\\u009b" (U+009B at index 2)');
        await expect(store.loadStates(['ok', 'bad\u001b'])).rejects.toThrow(/jobs\[1\] must not contain control characters/);
        expect(await store.listStates()).toEqual([]);
      });

      it('rejects bad lease lengths, limits, keeps and ticks with a RangeError naming the field', async () => {
        await expect(store.claimRun(claimOf({ leaseMs: -5 }))).rejects.toThrow(RangeError);
        await expect(store.claimRun(claimOf({ leaseMs: -5 }))).rejects.toThrow(/leaseMs.*-5/);
        await expect(store.acquireLease('job', 'a', 0)).rejects.toThrow(/leaseMs/);
        await expect(store.renewLease('job', 'a', 1, Number.NaN)).rejects.toThrow(/leaseMs/);
        await expect(store.listRuns({ limit: 0 })).rejects.toThrow(/limit/);
        await expect(store.prune('job', -1)).rejects.toThrow(/keep/);
        await expect(store.skipTicks({ job: 'job', owner: 'a', ticks: [], status: 'missed' })).rejects.toThrow(/ticks/);
        await expect(
          store.skipTicks({ job: 'job', owner: 'a', ticks: [tick(2), tick(1)], status: 'missed' }),
        ).rejects.toThrow(/ascending/);
        await expect(
          store.claimRun(claimOf({ tickAt: tick(2), unexecuted: { ticks: [tick(2)], status: 'missed' } })),
        ).rejects.toThrow(RangeError);
        expect(await runsOf()).toEqual([]);
        expect(await store.listStates()).toEqual([]);
      });
    });

    describeControlConformance({ store: () => store, openPeer, elapse: (ms) => time.elapse(ms), unit: () => time.unit, now: () => time.clock.now() });
    describeRunReportCases(() => ({ store, now: () => time.clock.now() }));
  });
}
