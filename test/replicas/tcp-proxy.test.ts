/**
 * The fault proxy itself (test/helpers/tcp-proxy.ts), against the shared PostgreSQL: each fault
 * does what the replica tests rely on.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropSchema, randomSchemaName, withClient } from '../helpers/postgres-cluster.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const url = inject('postgresUrl');

describe('TcpProxy (loopback, in front of PostgreSQL)', () => {
  let proxy: TcpProxy;
  const schema = randomSchemaName('proxy');
  const table = `${pg.escapeIdentifier(schema)}.t`;

  beforeAll(async () => {
    const target = new URL(url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
    await withClient(url, async (client) => {
      await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
      await client.query(`CREATE TABLE ${table} (id integer PRIMARY KEY)`);
    });
  });

  afterAll(async () => {
    await proxy.close();
    await dropSchema(url, schema);
  });

  async function connected(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: proxy.urlFor(url) });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  it('passes queries through unchanged, with parameters (extended protocol) and without', async () => {
    const client = await connected();
    try {
      expect((await client.query<{ n: number }>('SELECT $1::integer + 1 AS n', [41])).rows).toEqual([{ n: 42 }]);
      expect((await client.query<{ s: string }>(`SELECT repeat('x', 100000) AS s`)).rows[0]?.s.length).toBe(100_000);
    } finally {
      await client.end();
    }
  });

  it('fails a statement after it committed: the client gets an error, the row is there', async () => {
    const client = await connected();
    proxy.failAfterCommit((sql) => sql.startsWith(`INSERT INTO ${table}`));
    const before = proxy.stats.failedAfterCommit.length;
    await expect(client.query(`INSERT INTO ${table} (id) VALUES ($1) RETURNING id`, [1])).rejects.toThrow();
    const event = proxy.stats.failedAfterCommit[before];
    expect(event).toMatchObject({ rows: 1, error: false, status: 'I' });
    expect(proxy.armedFaults).toBe(0);
    await client.end().catch(() => undefined);
    const rows = await withClient(url, (direct) => direct.query(`SELECT id FROM ${table}`));
    expect(rows.rows).toEqual([{ id: 1 }]);
  });

  it('drops every connection on demand', async () => {
    const client = await connected();
    await client.query('SELECT 1');
    expect(proxy.dropAll()).toBeGreaterThanOrEqual(1);
    await expect(client.query('SELECT 1')).rejects.toThrow();
  });

  it('refuses new connections for a while, then accepts them again', async () => {
    proxy.refuse(300);
    await expect(connected()).rejects.toThrow();
    expect(proxy.stats.refused).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const client = await connected();
    await client.query('SELECT 1');
    await client.end();
  });

  it('holds traffic during a partition and delivers it when it heals', async () => {
    const client = await connected();
    try {
      proxy.partition(400);
      const started = Date.now();
      const result = await client.query<{ one: number }>('SELECT 1 AS one');
      expect(result.rows).toEqual([{ one: 1 }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    } finally {
      await client.end();
    }
  });
});
