/**
 * Commits whose outcome the client never hears: a loopback proxy between the store and the
 * shared cluster drops the connection right when the server's reply (sent after the commit)
 * arrives. The store must resolve such claims by re-reading, never by running a tick twice.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StoreError } from '../../src/errors/store-errors.js';
import type { ClaimRequest, RunClaim } from '../../src/store/job-store.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { dropSchema, randomSchemaName, withClient } from '../helpers/postgres-cluster.js';

const url = new URL(inject('postgresUrl'));
const T0 = Date.UTC(2030, 0, 1);

/** A TCP proxy to the test server that can drop the next reply (after the server committed). */
class ReplyDroppingProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #dropNext = false;
  /** How many replies were dropped. */
  dropped = 0;
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      this.#sockets.add(client).add(upstream);
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => {
        if (this.#dropNext) {
          this.#dropNext = false;
          this.dropped += 1;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      const close = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** Drop every open connection now. */
  dropAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Drop the connection carrying the next reply from the server. */
  dropNextReply(): void {
    this.#dropNext = true;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe('PostgresStore when a reply is lost after the commit', () => {
  let proxy: ReplyDroppingProxy;
  let proxiedUrl: string;

  beforeAll(async () => {
    proxy = new ReplyDroppingProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.listen();
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    proxiedUrl = proxied.toString();
  });

  afterAll(async () => {
    await proxy.close();
  });

  async function withStores<T>(
    fn: (proxied: PostgresStore, direct: PostgresStore, schema: string, appName: string) => Promise<T>,
  ): Promise<T> {
    const schema = randomSchemaName();
    const appName = `eleanor-${schema}`;
    const proxied = new PostgresStore({ connectionString: proxiedUrl, schema, poolSize: 1, applicationName: appName });
    const direct = new PostgresStore({ connectionString: url.toString(), schema, poolSize: 1 });
    await direct.open();
    await proxied.open();
    try {
      return await fn(proxied, direct, schema, appName);
    } finally {
      await proxied.close();
      await direct.close();
      await dropSchema(url.toString(), schema);
    }
  }

  const request: ClaimRequest = { job: 'j', owner: 'a', tickAt: T0, startedAt: T0, leaseMs: 60_000 };

  it('a claim whose reply is lost on a pooled connection is resolved to the same claim, transparently', async () => {
    await withStores(async (proxied, direct) => {
      await proxied.ping(); // the pool's one connection has now served a statement
      const dropsBefore = proxy.dropped;
      proxy.dropNextReply();
      const claim = await proxied.claimRun(request);
      expect(proxy.dropped).toBe(dropsBefore + 1);
      expect(claim).not.toBeNull();
      const runs = await direct.listRuns({ job: 'j' });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ id: claim?.runId, tickAt: T0, status: 'running', owner: 'a' });
      expect(await direct.loadState('j')).toMatchObject({ triggerCount: 1, lastTickAt: T0, leaseOwner: 'a' });
    });
  });

  it('a claim whose reply is lost on a new connection rejects; the retry returns the committed claim', async () => {
    await withStores(async (proxied, direct) => {
      // Right after open() the pooled connection has served no statement of the store's, so a
      // failure on it is not taken for staleness and the claim is not re-sent.
      proxy.dropNextReply();
      const error = await proxied.claimRun(request).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreError);
      // The outcome is unknown to the caller, but the claim committed:
      expect(await direct.listRuns({ job: 'j' })).toHaveLength(1);
      expect(await proxied.claimRun(request)).toBeNull();
      const resolved = (await proxied.claimRun({ ...request, retry: true })) as RunClaim;
      expect(resolved).not.toBeNull();
      expect(resolved.runId).toBe((await direct.listRuns({ job: 'j' }))[0]?.id);
      expect(await direct.claimRun({ ...request, owner: 'b', retry: true })).toBeNull();
      expect(await direct.listRuns({ job: 'j' })).toHaveLength(1);
    });
  });

  it('a tickless claim whose reply is lost on a pooled connection is resolved by its key: one run, one trigger', async () => {
    await withStores(async (proxied, direct) => {
      const tickless: ClaimRequest = { job: 'j', owner: 'a', tickAt: null, startedAt: T0, leaseMs: 60_000, key: 'a:1' };
      await proxied.ping();
      const dropsBefore = proxy.dropped;
      proxy.dropNextReply();
      const claim = await proxied.claimRun(tickless);
      expect(proxy.dropped).toBe(dropsBefore + 1);
      const runs = await direct.listRuns({ job: 'j' });
      expect(runs).toHaveLength(1);
      expect(claim?.runId).toBe(runs[0]?.id);
      expect(await direct.loadState('j')).toMatchObject({ triggerCount: 1, leaseOwner: 'a' });
    });
  });

  it('a tickless claim re-sent with retry after a lost reply returns the committed claim, once', async () => {
    await withStores(async (proxied, direct) => {
      const tickless: ClaimRequest = { job: 'j', owner: 'a', tickAt: null, startedAt: T0, leaseMs: 60_000, key: 'a:1' };
      proxy.dropNextReply();
      await expect(proxied.claimRun(tickless)).rejects.toBeInstanceOf(StoreError);
      const resolved = (await proxied.claimRun({ ...tickless, retry: true })) as RunClaim;
      const runs = await direct.listRuns({ job: 'j' });
      expect(runs).toHaveLength(1);
      expect(resolved.runId).toBe(runs[0]?.id);
      expect(resolved.trigger).toBe(1);
      expect(await direct.loadState('j')).toMatchObject({ triggerCount: 1 });
      // Another request (another key) is a new claim.
      expect((await proxied.claimRun({ ...tickless, key: 'a:2' }))?.trigger).toBe(2);
    });
  });

  it('a finish whose reply is lost is recorded once and reported as done', async () => {
    await withStores(async (proxied, direct) => {
      const claim = (await proxied.claimRun(request)) as RunClaim;
      proxy.dropNextReply();
      expect(await proxied.finishRun(claim.runId, { status: 'ok', endedAt: T0 + 1, error: null })).toBe(true);
      expect((await direct.listRuns({ job: 'j' }))[0]).toMatchObject({ status: 'ok', endedAt: T0 + 1 });
    });
  });

  it('a lost claim that was still committing when re-sent is found by the retry, not run twice', async () => {
    await withStores(async (proxied, direct, schema, appName) => {
      await direct.acquireLease('j', 'a', 60_000); // the state row exists, held by the claimer
      await proxied.ping();
      await withClient(url.toString(), async (blocker) => {
        // Hold the job's row so that the claim waits inside its statement.
        await blocker.query('BEGIN');
        await blocker.query(`SELECT 1 FROM "${schema}".job_state WHERE job = 'j' FOR UPDATE`);
        const claiming = proxied.claimRun(request);
        await expect
          .poll(
            async () =>
              (
                await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [
                  appName,
                ])
              ).rows[0]?.n,
            { timeout: 5_000 },
          )
          .toBe(1);
        // The client loses the connection while the statement waits; the server will still commit it.
        proxy.dropAll();
        await new Promise((r) => setTimeout(r, 200));
        await blocker.query('COMMIT');
        const claim = await claiming;
        expect(claim).not.toBeNull();
        const runs = await direct.listRuns({ job: 'j' });
        expect(runs).toHaveLength(1);
        expect(runs[0]?.id).toBe(claim?.runId);
        expect(await direct.loadState('j')).toMatchObject({ triggerCount: 1, lastTickAt: T0 });
      });
    });
  });
});
