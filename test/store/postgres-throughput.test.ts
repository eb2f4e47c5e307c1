/**
 * Measured claim throughput of PostgresStore on the shared test cluster (printed, with only
 * loose floors asserted, since CI machines vary): sequential claims from one pool, concurrent
 * claims from one pool, and replicas (several pools) racing for the same ticks.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { dropSchema, randomSchemaName } from '../helpers/postgres-cluster.js';

const url = inject('postgresUrl');
const T0 = Date.UTC(2030, 0, 1);
const WINDOW_MS = 1_500;

describe('PostgresStore claim throughput', () => {
  const stores: PostgresStore[] = [];
  const schemas: string[] = [];

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(schemas.splice(0).map((s) => dropSchema(url, s)));
  });

  async function openStores(count: number, poolSize: number): Promise<PostgresStore[]> {
    const schema = randomSchemaName('bench');
    schemas.push(schema);
    const made = Array.from({ length: count }, () => new PostgresStore({ connectionString: url, schema, poolSize }));
    stores.push(...made);
    for (const store of made) await store.open();
    return made;
  }

  function report(label: string, count: number, ms: number): number {
    const perSecond = Math.round((count * 1_000) / ms);
    console.log(`[postgres throughput] ${label}: ${count} in ${ms} ms = ${perSecond}/s`);
    return perSecond;
  }

  it('sequential claims from one pool', async () => {
    const [store] = await openStores(1, 1);
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < WINDOW_MS) {
      const claim = await store!.claimRun({ job: 'seq', owner: 'a', tickAt: T0 + n * 1_000, startedAt: T0, leaseMs: 60_000 });
      expect(claim).not.toBeNull();
      n++;
    }
    expect(report('sequential, 1 connection', n, Math.round(performance.now() - start))).toBeGreaterThan(20);
  });

  it('concurrent claims from one pool (10 connections, 10 jobs)', async () => {
    const [store] = await openStores(1, 10);
    let total = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let n = 0; performance.now() - start < WINDOW_MS; n++) {
          const claim = await store!.claimRun({ job: `job-${worker}`, owner: 'a', tickAt: T0 + n * 1_000, startedAt: T0, leaseMs: 60_000 });
          expect(claim).not.toBeNull();
          total++;
        }
      }),
    );
    expect(report('concurrent, 1 pool x 10 connections', total, Math.round(performance.now() - start))).toBeGreaterThan(20);
  });

  it('replicas racing for the same ticks (4 pools x 3 connections, 6 jobs)', async () => {
    const replicas = await openStores(4, 3);
    let attempts = 0;
    let wins = 0;
    const winsByTick = new Map<string, number>();
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < WINDOW_MS) {
      const tickAt = T0 + n++ * 1_000;
      const round = replicas.flatMap((store, r) =>
        Array.from({ length: 6 }, (_, job) =>
          store.claimRun({ job: `job-${job}`, owner: `replica-${r}`, tickAt, startedAt: T0, leaseMs: 1 }).then((claim) => {
            attempts++;
            if (claim) {
              wins++;
              const key = `${job}@${tickAt}`;
              winsByTick.set(key, (winsByTick.get(key) ?? 0) + 1);
            }
          }),
        ),
      );
      await Promise.all(round);
    }
    const ms = Math.round(performance.now() - start);
    report('racing replicas, attempts', attempts, ms);
    report('racing replicas, winning claims', wins, ms);
    expect([...winsByTick.values()].every((count) => count === 1)).toBe(true);
    expect(winsByTick.size).toBe(n * 6);
  });
});
