/**
 * PostgresStore while its server goes away and comes back. Uses a cluster of its own (not the
 * shared one), since it stops the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors/store-errors.js';
import type { RunClaim } from '../../src/store/job-store.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';

const T0 = Date.UTC(2030, 0, 1);

describe('PostgresStore across PostgreSQL outages', () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  it('rejects with StoreError while the server is down and works again after, without being recreated', async () => {
    const poolErrors: Error[] = [];
    const store = new PostgresStore({
      connectionString: cluster.url,
      schema: 'outage',
      poolSize: 4,
      connectionTimeoutMs: 2_000,
      onPoolError: (e) => poolErrors.push(e),
    });
    await store.open();
    try {
      const before = (await store.claimRun({ job: 'j', owner: 'a', tickAt: T0, startedAt: T0, leaseMs: 60_000 })) as RunClaim;
      expect(before).not.toBeNull();
      await Promise.all([store.ping(), store.ping(), store.ping(), store.ping()]); // idle connections in the pool

      await cluster.kill();
      const calls: Array<[string, Promise<unknown>]> = [
        ['ping', store.ping()],
        ['loadState', store.loadState('j')],
        ['claimRun', store.claimRun({ job: 'j', owner: 'a', tickAt: T0 + 1_000, startedAt: T0, leaseMs: 60_000 })],
        ['renewLease', store.renewLease('j', 'a', before.fence, 60_000)],
        ['finishRun', store.finishRun(before.runId, { status: 'ok', endedAt: T0 + 5, error: null })],
        ['listRuns', store.listRuns()],
        ['skipTicks', store.skipTicks({ job: 'j', owner: 'a', ticks: [T0 + 2_000], status: 'missed' })],
      ];
      for (const [name, call] of calls) {
        const error = await rejection(call);
        expect(error, name).toBeInstanceOf(StoreError);
        expect((error as StoreError).cause, name).toBeDefined();
        expect((error as StoreError).message, name).toContain(name);
      }

      await cluster.start();
      // The same store instance recovers: dead connections are dropped, new ones opened.
      await store.ping();
      expect(await store.renewLease('j', 'a', before.fence, 60_000)).toBe(true);
      expect(await store.finishRun(before.runId, { status: 'ok', endedAt: T0 + 5, error: null })).toBe(true);
      const after = await store.claimRun({ job: 'j', owner: 'a', tickAt: T0 + 1_000, startedAt: T0, leaseMs: 60_000 });
      expect(after?.trigger).toBe(2);
      // Nothing committed before the crash was lost.
      expect((await store.listRuns({ job: 'j' })).map((r) => [r.tickAt, r.status])).toEqual([
        [T0 + 1_000, 'running'],
        [T0, 'ok'],
      ]);
      expect(poolErrors.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('keeps working through a restart under load: every error is a StoreError, every tick claimed at most once', async () => {
    const replicas = Array.from(
      { length: 3 },
      () => new PostgresStore({ connectionString: cluster.url, schema: 'restart_load', poolSize: 3, connectionTimeoutMs: 2_000 }),
    );
    await Promise.all(replicas.map((s) => s.open()));
    const errors: unknown[] = [];
    const wins = new Map<number, number>();
    let stop = false;
    let restartedAt: number | undefined;
    let winsAfterRestart = 0;
    const worker = async (store: PostgresStore, index: number): Promise<void> => {
      while (!stop) {
        const tickAt = T0 + Math.floor(Date.now() / 10) * 10;
        try {
          const claim = await store.claimRun({ job: 'load', owner: `r${index}`, tickAt, startedAt: Date.now(), leaseMs: 1 });
          if (claim) {
            wins.set(tickAt, (wins.get(tickAt) ?? 0) + 1);
            if (restartedAt !== undefined) winsAfterRestart += 1;
          }
        } catch (error) {
          errors.push(error);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    try {
      const running = replicas.map((s, i) => worker(s, i));
      await new Promise((r) => setTimeout(r, 300));
      await cluster.restart();
      restartedAt = Date.now();
      await new Promise((r) => setTimeout(r, 500));
      stop = true;
      await Promise.all(running);
      expect(errors.length, 'the restart happened mid-use').toBeGreaterThan(0);
      for (const error of errors) expect(error).toBeInstanceOf(StoreError);
      expect(winsAfterRestart, 'claims succeed again after the restart').toBeGreaterThan(0);
      expect([...wins.values()].every((count) => count === 1)).toBe(true);
      // After the restart every replica answers again.
      await Promise.all(replicas.map((s) => s.ping()));
      const runs = await replicas[0]!.listRuns({ job: 'load', limit: 100_000 });
      expect(new Set(runs.map((r) => r.tickAt)).size).toBe(runs.length);
      expect(runs.length).toBeGreaterThanOrEqual(wins.size);
    } finally {
      stop = true;
      await Promise.all(replicas.map((s) => s.close()));
    }
  });
});
