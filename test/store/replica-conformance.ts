/**
 * Conformance cases of the replicas table ({@link ReplicaRegistry}, `JobStore.replicas`), run by
 * `describeStoreConformance` (conformance.ts) for every store, with its lease-clock mode: the
 * same clock judges `lastSeenAt` and staleness.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import { REPLICA_STALE_BEATS, REPLICA_TEXT_MAX, type JobStore, type ReplicaBeat } from '../../src/store/job-store.js';
import type { Clock } from '../../src/time/clock.js';

/** What the cases need from the suite, read at test time. */
export interface ReplicaConformanceContext {
  /** The opened store under test. */
  store(): JobStore;
  /** Another opened store on the same database, or `undefined`. */
  openPeer(): Promise<JobStore | undefined>;
  /** The store's clock. */
  clock(): Clock;
  /** The suite's time unit (ms): a heartbeat interval of one unit is stale after `elapse(4 * unit)`. */
  unit(): number;
  /** Lets `ms` pass on the store's clock. */
  elapse(ms: number): Promise<void>;
  /** Checks a time the store read from its clock against the expected one. */
  expectStoreTime(actual: number | null, expected: number): void;
}

/** Registers the replica cases inside the conformance suite's `describe`. */
export function describeReplicaConformance(context: ReplicaConformanceContext): void {
  const beat = (overrides: Partial<ReplicaBeat> = {}): ReplicaBeat => ({
    owner: 'host-a:10:ab12',
    host: 'host-a',
    pid: 10,
    version: '1.2.3',
    startedAt: context.clock().now(),
    heartbeatMs: context.unit(),
    ...overrides,
  });

  describe('replicas', () => {
    it('records a heartbeat with the store clock, once per owner, and lists them in binary owner order', async () => {
      const store = context.store();
      expect(await store.replicas.list()).toEqual([]);
      const first = beat({ owner: 'b' });
      await store.replicas.heartbeat(first);
      const seenAt = context.clock().now();
      await store.replicas.heartbeat(beat({ owner: 'é' }));
      await store.replicas.heartbeat(beat({ owner: 'a' }));
      await store.replicas.heartbeat(beat({ owner: 'Z', host: 'other', pid: 77, version: '2.0.0-rc.1' }));
      const listed = await store.replicas.list();
      expect(listed.map((replica) => replica.owner)).toEqual(['Z', 'a', 'b', 'é']);
      const b = listed[2];
      expect(b).toMatchObject({ ...first, stoppedAt: null, stale: false });
      context.expectStoreTime(b?.lastSeenAt ?? null, seenAt);
      expect(listed[0]).toMatchObject({ host: 'other', pid: 77, version: '2.0.0-rc.1' });
    });

    it('updates the row at each heartbeat (fields and last seen), from any peer', async () => {
      const store = context.store();
      await store.replicas.heartbeat(beat());
      const before = (await store.replicas.list())[0]?.lastSeenAt as number;
      await context.elapse(context.unit());
      const peer = (await context.openPeer()) ?? store;
      await peer.replicas.heartbeat(beat({ pid: 11, version: '1.2.4' }));
      const listed = await store.replicas.list();
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ pid: 11, version: '1.2.4', stale: false });
      expect(listed[0]?.lastSeenAt).toBeGreaterThan(before);
    });

    it(`marks a replica stale after ${REPLICA_STALE_BEATS} heartbeat intervals without one, and fresh at the next`, async () => {
      const store = context.store();
      const unit = context.unit();
      await store.replicas.heartbeat(beat({ heartbeatMs: unit }));
      await store.replicas.heartbeat(beat({ owner: 'slow', heartbeatMs: unit * 100 }));
      expect((await store.replicas.list()).map((replica) => replica.stale)).toEqual([false, false]);
      await context.elapse((REPLICA_STALE_BEATS + 1) * unit);
      expect((await store.replicas.list()).map((replica) => [replica.owner, replica.stale])).toEqual([
        ['host-a:10:ab12', true],
        ['slow', false],
      ]);
      await store.replicas.heartbeat(beat({ heartbeatMs: unit }));
      expect((await store.replicas.list())[0]?.stale).toBe(false);
    });

    it('marks a replica stopped (never stale), and running again at its next heartbeat', async () => {
      const store = context.store();
      await store.replicas.heartbeat(beat());
      await store.replicas.markStopped('host-a:10:ab12');
      await store.replicas.markStopped('unknown');
      const stoppedAt = context.clock().now();
      await context.elapse((REPLICA_STALE_BEATS + 1) * context.unit());
      const [stopped, ...others] = await store.replicas.list();
      expect(others).toEqual([]);
      expect(stopped?.stale).toBe(false);
      context.expectStoreTime(stopped?.stoppedAt ?? null, stoppedAt);
      await store.replicas.heartbeat(beat());
      expect((await store.replicas.list())[0]).toMatchObject({ stoppedAt: null, stale: false });
    });

    it('prunes the rows not seen for longer than asked, and only those', async () => {
      const store = context.store();
      const unit = context.unit();
      await store.replicas.heartbeat(beat({ owner: 'old' }));
      await store.replicas.heartbeat(beat({ owner: 'stopped' }));
      await store.replicas.markStopped('stopped');
      await context.elapse(4 * unit);
      await store.replicas.heartbeat(beat({ owner: 'recent' }));
      expect(await store.replicas.prune(100 * unit)).toBe(0);
      expect(await store.replicas.prune(2 * unit)).toBe(2);
      expect((await store.replicas.list()).map((replica) => replica.owner)).toEqual(['recent']);
    });

    it('rejects a bad heartbeat with an error naming the field, storing nothing', async () => {
      const store = context.store();
      await expect(store.replicas.heartbeat(beat({ host: 'a\u001b[2Jb' }))).rejects.toThrow('host must not contain control characters, got "a\\u001b[2Jb"');
      await expect(store.replicas.heartbeat(beat({ version: 'v'.repeat(REPLICA_TEXT_MAX + 1) }))).rejects.toThrow(
        `version must be at most ${REPLICA_TEXT_MAX} characters, got ${REPLICA_TEXT_MAX + 1}`,
      );
      await expect(store.replicas.heartbeat(beat({ owner: '' }))).rejects.toThrow(TypeError);
      await expect(store.replicas.heartbeat(beat({ pid: 0 }))).rejects.toThrow('pid must be a positive integer up to 2147483647, got 0');
      await expect(store.replicas.heartbeat(beat({ pid: 2 ** 31 }))).rejects.toThrow(/pid must be a positive integer up to 2147483647, got 2147483648/);
      await expect(store.replicas.heartbeat(beat({ heartbeatMs: 1.5 }))).rejects.toThrow(/heartbeatMs must be a positive integer up to \d+, got 1.5/);
      await expect(store.replicas.heartbeat(beat({ startedAt: Number.NaN }))).rejects.toThrow(/startedAt/);
      await expect(store.replicas.markStopped('a\u0000')).rejects.toThrow(/owner must not contain control characters/);
      await expect(store.replicas.prune(-1)).rejects.toThrow(/notSeenForMs.*-1/);
      expect(await store.replicas.list()).toEqual([]);
    });
  });
}
