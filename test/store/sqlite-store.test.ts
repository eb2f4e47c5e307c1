import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, StoreSchemaError } from '../../src/errors/store-errors.js';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.js';

import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreConformance } from './conformance.js';

/** The newest migration's version (versions may leave gaps: each branch is assigned its own). */
const NEWEST_VERSION = Math.max(...sqliteMigrations.map((migration) => migration.version));

describeStoreConformance('sqlite', async (clock) => {
  const dir = await mkdtemp(join(tmpdir(), 'eleanor-sqlite-'));
  const path = join(dir, 'jobs.db');
  return {
    store: new SqliteStore({ path, clock }),
    openPeer: async () => new SqliteStore({ path, clock }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SqliteStore', () => {
  let dir: string;
  const open: SqliteStore[] = [];

  async function opened(path: string, options: { busyTimeoutMs?: number } = {}): Promise<SqliteStore> {
    const store = new SqliteStore({ path, ...options });
    open.push(store);
    await store.open();
    return store;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eleanor-sqlite-'));
  });

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('opening', () => {
    it('creates missing parent directories, uses WAL and records the applied migrations', async () => {
      const path = join(dir, 'a', 'b', 'jobs.db');
      await opened(path, { busyTimeoutMs: 1234 });
      const db = new Database(path, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        const migrations = db.prepare('SELECT version, name FROM eleanor_migrations ORDER BY version').all();
        expect(migrations).toEqual(sqliteMigrations.map(({ version, name }) => ({ version, name })));
      } finally {
        db.close();
      }
    });

    it('keeps its data across reopening and applies migrations once', async () => {
      const path = join(dir, 'jobs.db');
      const first = await opened(path);
      const claim = await first.claimRun({ job: 'j', owner: 'a', tickAt: 1_000, startedAt: 1_001, leaseMs: 10_000 });
      await first.close();
      const second = await opened(path);
      expect(await second.loadState('j')).toMatchObject({ triggerCount: 1, lastTickAt: 1_000 });
      expect((await second.listRuns())[0]?.id).toBe(claim?.runId);
      const db = new Database(path, { readonly: true });
      expect(db.prepare('SELECT count(*) AS n FROM eleanor_migrations').get()).toEqual({ n: sqliteMigrations.length });
      db.close();
    });

    it('resolves a relative path against the working directory', () => {
      expect(new SqliteStore({ path: 'x/jobs.db' }).path).toBe(join(process.cwd(), 'x', 'jobs.db'));
    });

    it('supports a private in-memory database', async () => {
      const store = await opened(':memory:');
      await store.skipTicks({ job: 'j', owner: 'a', ticks: [1], status: 'missed' });
      expect(await store.listRuns()).toHaveLength(1);
    });

    it('rejects a file that is not a SQLite database, leaving its bytes untouched', async () => {
      const path = join(dir, 'garbage.db');
      const garbage = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256));
      writeFileSync(path, garbage);
      const error = await new SqliteStore({ path }).open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(/not a SQLite database.*left untouched/);
      expect((error as Error).message).not.toContain('\n');
      expect(readFileSync(path).equals(garbage)).toBe(true);
    });

    it('rejects a corrupt database, leaving its bytes untouched', async () => {
      const path = join(dir, 'corrupt.db');
      const store = await opened(path);
      const ticks = Array.from({ length: 2_000 }, (_, i) => i);
      await store.skipTicks({ job: 'job-with-a-long-name', owner: 'owner', ticks, status: 'missed' });
      await store.close();
      const bytes = readFileSync(path);
      expect(bytes.length).toBeGreaterThan(16_384);
      bytes.fill(0xa5, 8_192, 12_288);
      writeFileSync(path, bytes);
      const error = await new SqliteStore({ path }).open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(/corrupt.*left untouched/);
      expect((error as Error).message).not.toContain('\n');
      expect(readFileSync(path).equals(bytes)).toBe(true);
    });

    it('rejects a directory', async () => {
      const path = join(dir, 'a-directory');
      mkdirSync(path);
      await expect(new SqliteStore({ path }).open()).rejects.toThrow(new StoreError(`The SQLite store ${path} is a directory, not a database file.`));
    });

    it('rejects a path that is not a regular file', async () => {
      await expect(new SqliteStore({ path: '/dev/null' }).open()).rejects.toThrow(
        new StoreError('The SQLite store /dev/null is not a regular file.'),
      );
    });

    it('rejects a path below a regular file', async () => {
      const file = join(dir, 'file');
      writeFileSync(file, 'x');
      const path = join(file, 'jobs.db');
      const error = await new SqliteStore({ path }).open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(path);
      expect(readFileSync(file, 'utf8')).toBe('x');
    });

    it.skipIf(process.getuid?.() === 0)('rejects an unreadable file (skipped as root, who can read anything)', async () => {
      const path = join(dir, 'unreadable.db');
      await (await opened(path)).close();
      chmodSync(path, 0o000);
      const error = await new SqliteStore({ path }).open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(path);
    });

    it('refuses a schema newer than the code with StoreSchemaError', async () => {
      const path = join(dir, 'jobs.db');
      await (await opened(path)).close();
      const db = new Database(path);
      db.prepare("INSERT INTO eleanor_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
      db.close();
      const error = await new SqliteStore({ path }).open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreSchemaError);
      expect(error).toMatchObject({ databaseVersion: 99, codeVersion: NEWEST_VERSION });
    });

    it('applies a new migration to an existing database exactly once', () => {
      const path = join(dir, 'jobs.db');
      const db = new Database(path);
      try {
        expect(migrate(db, 1)).toBe(NEWEST_VERSION);
        const extra = NEWEST_VERSION + 1;
        const next = [...sqliteMigrations, { version: extra, name: 'extra', sql: 'CREATE TABLE eleanor_extra (x INTEGER) STRICT' }];
        expect(migrate(db, 2, next)).toBe(extra);
        expect(migrate(db, 3, next)).toBe(extra);
        expect(db.prepare('SELECT version, applied_at FROM eleanor_migrations ORDER BY version').all()).toEqual([
          ...sqliteMigrations.map(({ version }) => ({ version, applied_at: 1 })),
          { version: extra, applied_at: 2 },
        ]);
        expect(() => migrate(db, 4)).toThrow(StoreSchemaError);
      } finally {
        db.close();
      }
    });
  });

  describe('use', () => {
    it('rejects calls before open and after close with a StoreError', async () => {
      const store = new SqliteStore({ path: join(dir, 'jobs.db') });
      await expect(store.listRuns()).rejects.toThrow(/not open/);
      await store.open();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/closed/);
      await expect(store.open()).rejects.toThrow(StoreError);
    });

    it('checks its options', () => {
      expect(() => new SqliteStore({ path: '' })).toThrow(TypeError);
      expect(() => new SqliteStore({ path: 'x.db', busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs.*-1/);
    });

    it('waits busyTimeoutMs for a lock held by another connection, then fails with a StoreError', async () => {
      const path = join(dir, 'jobs.db');
      const store = await opened(path, { busyTimeoutMs: 100 });
      const other = new Database(path);
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      const error = await store.acquireLease('job', 'a', 1_000).catch((e: unknown) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(/locked/);
      other.exec('COMMIT');
      other.close();
      expect(await store.acquireLease('job', 'a', 1_000)).toBe(1);
    });

    it('renders run ids as integers and pages past id 9 numerically', async () => {
      const store = await opened(join(dir, 'jobs.db'));
      await store.skipTicks({ job: 'j', owner: 'a', ticks: Array.from({ length: 12 }, (_, i) => i), status: 'missed' });
      const page = await store.listRuns({ beforeId: '10' });
      expect(page.map((r) => r.id)).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1']);
    });
  });
});
