/**
 * PostgresStore against a real PostgreSQL (the cluster started by the vitest global setup):
 * the shared conformance suite, then what is specific to PostgreSQL (migrations, versions,
 * claims across pools, retries after an unknown outcome, dropped connections).
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { StoreError, StoreSchemaError, UnsupportedDatabaseVersionError } from '../../src/errors/store-errors.js';
import type { RunClaim } from '../../src/store/job-store.js';
import {
  assertSupportedServerVersion,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  PostgresStore,
  quoteSchemaName,
  type PostgresStoreOptions,
} from '../../src/store/postgres/index.js';
import { dropSchema, randomSchemaName, withClient } from '../helpers/postgres-cluster.js';
import { describeStoreConformance } from './conformance.js';

const url = inject('postgresUrl');
const T0 = Date.UTC(2030, 0, 1);

describeStoreConformance(
  'postgres',
  async (clock) => {
    const schema = randomSchemaName();
    const make = (): PostgresStore => new PostgresStore({ connectionString: url, schema, poolSize: 4, clock });
    return {
      store: make(),
      openPeer: async () => make(),
      cleanup: () => dropSchema(url, schema),
    };
  },
  { leaseClock: 'real' },
);

describe('PostgresStore (PostgreSQL specifics)', () => {
  const stores: PostgresStore[] = [];
  const schemas: string[] = [];

  /** A store on a fresh schema (or on `schema`), closed and dropped after the test. */
  function storeOn(schema?: string, options: Partial<PostgresStoreOptions> = {}): PostgresStore {
    const name = schema ?? randomSchemaName();
    if (!schemas.includes(name)) schemas.push(name);
    const store = new PostgresStore({ connectionString: url, schema: name, poolSize: 2, ...options });
    stores.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(schemas.splice(0).map((s) => dropSchema(url, s)));
  });

  describe('options', () => {
    it('defaults to the eleanor schema and kind postgres', () => {
      const store = new PostgresStore({ connectionString: url });
      expect(store.schema).toBe('eleanor');
      expect(store.kind).toBe('postgres');
    });

    it('rejects a bad schema name with a TypeError naming it', () => {
      for (const bad of ['Eleanor', 'a-b', '1abc', 'x"; DROP TABLE y; --', '', 'pg_temp', 'a'.repeat(64)]) {
        expect(() => new PostgresStore({ connectionString: url, schema: bad })).toThrow(TypeError);
        expect(() => quoteSchemaName(bad)).toThrow(/schema/);
      }
      expect(() => quoteSchemaName('Eleanor')).toThrow(/"Eleanor"/);
      expect(quoteSchemaName('jobs_2')).toBe('"jobs_2"');
    });

    it('rejects a missing connection string and a bad pool size', () => {
      expect(() => new PostgresStore({ connectionString: '' })).toThrow(/connectionString/);
      expect(() => new PostgresStore({ connectionString: url, poolSize: 0 })).toThrow(/poolSize.*0/);
    });

    it('rejects calls before open with a StoreError', async () => {
      const store = storeOn();
      await expect(store.ping()).rejects.toThrow(StoreError);
      await expect(store.loadState('job')).rejects.toThrow(/not open/);
    });

    it('rejects calls and open after close', async () => {
      const store = storeOn();
      await store.open();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/closed/);
      await expect(store.open()).rejects.toThrow(StoreError);
    });
  });

  describe('migrations', () => {
    it('creates the schema and records every migration', async () => {
      const store = storeOn();
      await store.open();
      const rows = await withClient(url, (c) =>
        c.query<{ version: number; name: string }>(`SELECT version, name FROM ${quoteSchemaName(store.schema)}.schema_migrations ORDER BY version`),
      );
      expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(LATEST_SCHEMA_VERSION).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    });

    it('runs each migration once when many stores open the same new schema at once', async () => {
      const schema = randomSchemaName();
      const many = Array.from({ length: 8 }, () => storeOn(schema));
      await Promise.all(many.map((s) => s.open()));
      const rows = await withClient(url, (c) =>
        c.query<{ version: number }>(`SELECT version FROM ${quoteSchemaName(schema)}.schema_migrations`),
      );
      expect(rows.rows).toHaveLength(MIGRATIONS.length);
      // Every instance works on the shared schema.
      const claims = await Promise.all(many.map((s, i) => s.claimRun({ job: 'j', owner: `o${i}`, tickAt: T0, startedAt: T0, leaseMs: 60_000 })));
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
    });

    it('reopens an existing schema without migrating again, and keeps its data', async () => {
      const first = storeOn();
      await first.open();
      await first.skipTicks({ job: 'j', owner: 'o', ticks: [T0], status: 'missed' });
      await first.close();
      const second = storeOn(first.schema);
      await second.open();
      expect(await second.loadState('j')).toMatchObject({ lastTickAt: T0 });
    });

    it('refuses a schema newer than the code with StoreSchemaError', async () => {
      const first = storeOn();
      await first.open();
      const future = LATEST_SCHEMA_VERSION + 5;
      await withClient(url, (c) =>
        c.query(`INSERT INTO ${quoteSchemaName(first.schema)}.schema_migrations (version, name) VALUES ($1, 'from the future')`, [future]),
      );
      const second = storeOn(first.schema);
      const error = await second.open().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreSchemaError);
      expect(error).toMatchObject({ databaseVersion: future, codeVersion: LATEST_SCHEMA_VERSION });
      await expect(second.ping()).rejects.toThrow(/not open/);
    });

    it('accepts PostgreSQL 13 and newer and refuses older servers', async () => {
      expect(() => assertSupportedServerVersion(130000, '13.0')).not.toThrow();
      expect(() => assertSupportedServerVersion(150018, '15.18')).not.toThrow();
      expect(() => assertSupportedServerVersion(120017, '12.17')).toThrow(UnsupportedDatabaseVersionError);
      expect(() => assertSupportedServerVersion(90624, '9.6.24')).toThrow(/9\.6\.24.*13/);
      const version = await withClient(url, (c) => c.query<{ server_version_num: string }>('SHOW server_version_num'));
      expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(130000);
    });
  });

  describe('claims across pools', () => {
    it('lets exactly one of 10 store instances (separate pools) claim each tick', async () => {
      const schema = randomSchemaName();
      const replicas = Array.from({ length: 10 }, () => storeOn(schema));
      await Promise.all(replicas.map((s) => s.open()));
      const ticks = 20;
      for (let n = 0; n < ticks; n++) {
        const tickAt = T0 + n * 1_000;
        const results = await Promise.all(
          replicas.map((s, i) =>
            s.claimRun({ job: 'shared', owner: `replica-${i}`, tickAt, startedAt: Date.now(), leaseMs: 1 }),
          ),
        );
        expect(results.filter((r) => r !== null), `tick ${n}`).toHaveLength(1);
      }
      const runs = await replicas[0]!.listRuns({ job: 'shared', limit: 1_000 });
      expect(runs).toHaveLength(ticks);
      expect(new Set(runs.map((r) => r.tickAt)).size).toBe(ticks);
      expect(await replicas[0]!.loadState('shared')).toMatchObject({ triggerCount: ticks, lastTickAt: T0 + (ticks - 1) * 1_000 });
    });

    it('judges the mark, not the replica clocks: a late replica cannot claim a tick already claimed', async () => {
      const schema = randomSchemaName();
      const [a, b] = [storeOn(schema), storeOn(schema)];
      await Promise.all([a.open(), b.open()]);
      await a.claimRun({ job: 'j', owner: 'a', tickAt: T0 + 5_000, startedAt: T0 + 5_000, leaseMs: 1 });
      // b's clock is behind: it still believes an older tick is due; the mark refuses it.
      expect(await b.claimRun({ job: 'j', owner: 'b', tickAt: T0 + 4_000, startedAt: T0 - 60_000, leaseMs: 1 })).toBeNull();
      expect(await b.skipTicks({ job: 'j', owner: 'b', ticks: [T0 + 3_000, T0 + 4_000], status: 'missed' })).toBe(false);
    });
  });

  describe('a call whose outcome is unknown', () => {
    it('a retried claim returns the claim that already committed, for its owner only', async () => {
      const store = storeOn();
      await store.open();
      const request = { job: 'j', owner: 'a', tickAt: T0, startedAt: T0, leaseMs: 60_000 };
      const first = (await store.claimRun(request)) as RunClaim;
      expect(first).not.toBeNull();
      expect(await store.claimRun(request)).toBeNull();
      expect(await store.claimRun({ ...request, retry: true })).toEqual(first);
      expect(await store.claimRun({ ...request, owner: 'b', retry: true })).toBeNull();
      expect(await store.listRuns({ job: 'j' })).toHaveLength(1);
      expect(await store.loadState('j')).toMatchObject({ triggerCount: 1 });
      // Once the run has finished, a retry is no longer that claim.
      await store.finishRun(first.runId, { status: 'ok', endedAt: T0 + 1, error: null });
      expect(await store.claimRun({ ...request, retry: true })).toBeNull();
    });

    it('a retried claim is refused once the lease has passed to another owner', async () => {
      const store = storeOn();
      await store.open();
      const request = { job: 'j', owner: 'a', tickAt: T0, startedAt: T0, leaseMs: 200 };
      await store.claimRun(request);
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.acquireLease('j', 'b', 60_000)).not.toBeNull();
      expect(await store.claimRun({ ...request, retry: true })).toBeNull();
    });

    it('a repeated finish with the same outcome succeeds again; another outcome does not', async () => {
      const store = storeOn();
      await store.open();
      const claim = (await store.claimRun({ job: 'j', owner: 'a', tickAt: T0, startedAt: T0, leaseMs: 60_000 })) as RunClaim;
      const outcome = { status: 'failed', endedAt: T0 + 10, error: 'Error: boom' } as const;
      expect(await store.finishRun(claim.runId, outcome)).toBe(true);
      expect(await store.finishRun(claim.runId, outcome)).toBe(true);
      expect(await store.finishRun(claim.runId, { ...outcome, status: 'ok', error: null })).toBe(false);
    });
  });

  describe('fencing', () => {
    it('a replica that lost its lease to another cannot finish its run', async () => {
      const store = storeOn();
      await store.open();
      const stale = (await store.claimRun({ job: 'j', owner: 'a', tickAt: T0, startedAt: T0, leaseMs: 200 })) as RunClaim;
      await new Promise((r) => setTimeout(r, 400));
      const current = (await store.claimRun({ job: 'j', owner: 'b', tickAt: T0 + 1_000, startedAt: T0, leaseMs: 60_000 })) as RunClaim;
      expect(current.fence).toBeGreaterThan(stale.fence);
      expect(await store.finishRun(stale.runId, { status: 'ok', endedAt: T0 + 2_000, error: null })).toBe(false);
      expect(await store.renewLease('j', 'a', stale.fence, 60_000)).toBe(false);
      expect(await store.finishRun(current.runId, { status: 'ok', endedAt: T0 + 2_000, error: null })).toBe(true);
    });

    it('lease expiry follows the database clock', async () => {
      const store = storeOn();
      await store.open();
      await store.acquireLease('j', 'a', 60_000);
      const dbNow = await withClient(url, (c) =>
        c.query<{ ms: string }>(`SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS ms`),
      );
      const expiresAt = (await store.loadState('j'))?.leaseExpiresAt ?? 0;
      expect(Math.abs(expiresAt - (Number(dbNow.rows[0]?.ms) + 60_000))).toBeLessThan(2_000);
    });

    it('never uses session advisory locks for leases', async () => {
      const store = storeOn(undefined, { applicationName: 'eleanor-advisory-check' });
      await store.open();
      await store.acquireLease('j', 'a', 60_000);
      await store.claimRun({ job: 'j', owner: 'a', tickAt: T0, startedAt: T0, leaseMs: 60_000 });
      const locks = await withClient(url, (c) =>
        c.query(
          `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND a.application_name = 'eleanor-advisory-check'`,
        ),
      );
      expect(locks.rows).toHaveLength(0);
    });
  });

  describe('database trouble', () => {
    it('rejects with a StoreError (cause attached) when the server is unreachable', async () => {
      const store = new PostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMs: 2_000 });
      stores.push(store);
      const error = await store.open().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toMatch(/127\.0\.0\.1:1\/none.*open/);
      expect((error as StoreError).cause).toBeInstanceOf(Error);
      expect((error as StoreError).message).not.toMatch(/password/);
    });

    it('survives an idle pooled connection killed by pg_terminate_backend', async () => {
      const appName = `eleanor-kill-${Math.random().toString(16).slice(2, 10)}`;
      const poolErrors: Error[] = [];
      const store = storeOn(undefined, { applicationName: appName, poolSize: 3, onPoolError: (e) => poolErrors.push(e) });
      await store.open();
      // Fill the pool with idle connections.
      await Promise.all([store.ping(), store.ping(), store.ping()]);
      const killed = await withClient(url, (c) =>
        c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [appName]),
      );
      expect(killed.rows.length).toBeGreaterThan(0);
      await expect.poll(() => poolErrors.length, { timeout: 5_000 }).toBeGreaterThan(0);
      // The process is alive and the store carries on: a stale connection is replaced (and the
      // statement re-sent) without the caller seeing an error.
      await store.ping();
      await store.loadState('j');
      expect(await store.acquireLease('j', 'a', 60_000)).toBe(1);
    });
  });
});
