/**
 * Replicas are visible (issue 15): three replica processes on one PostgreSQL schema heartbeat
 * into its replicas table, and `GET /api/replicas` of a fourth runner (this process, no jobs)
 * lists them all with host, pid and version, and which holds the job's lease. A replica
 * frozen with SIGSTOP and one killed with SIGKILL show as stale within a few heartbeat
 * intervals; one stopped with SIGTERM shows as stopped; the frozen one is running again once
 * it thaws.
 */
import { hostname } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { startHttpServer } from '../../src/http/http-server.js';
import type { ReplicasResponse, ReplicaView } from '../../src/http/replicas-route.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { PACKAGE_VERSION } from '../../src/runner/package-version.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { POLL_S, replicaSetPerTest, type ReplicaProcess } from './replica-harness.js';

const url = inject('postgresUrl');
/** Every replica heartbeats every POLL_S; stale after 3 intervals: allow generous slack on a loaded machine. */
const STALE_WITHIN_MS = 15_000;

describe('replicas are visible', () => {
  const replicaSet = replicaSetPerTest(url);

  it('lists three replica processes with their leases; a frozen and a killed one go stale, a stopped one shows stopped', { timeout: 120_000 }, async () => {
    const set = replicaSet('rep_visible');
    const [a, b, c] = ['a', 'b', 'c'].map((name) => set.start(name, { workMs: 800 })) as [ReplicaProcess, ReplicaProcess, ReplicaProcess];
    await Promise.all(set.live.map((replica) => replica.ready(60_000)));
    const observer = new JobRunner({ store: new PostgresStore({ connectionString: url, schema: set.schema, poolSize: 2 }), logger: new CaptureLogger(), pollInterval: POLL_S });
    await observer.start();
    const server = await startHttpServer(observer, { port: 0, logger: new CaptureLogger() });
    try {
      const list = async (): Promise<ReplicasResponse> => (await (await fetch(`${server.url}/api/replicas`)).json()) as ReplicasResponse;
      const of = async (replica: ReplicaProcess): Promise<ReplicaView | undefined> => (await list()).replicas.find((view) => view.owner === replica.owner);
      const statusOf = async (replica: ReplicaProcess): Promise<string | undefined> => (await of(replica))?.status;

      await expect.poll(async () => (await list()).replicas.filter((view) => view.status === 'running').length, { timeout: 10_000 }).toBe(4);
      for (const replica of [a, b, c]) {
        expect(await of(replica)).toMatchObject({ host: hostname(), pid: replica.pid, version: PACKAGE_VERSION, heartbeatMs: POLL_S * 1000, stale: false, self: false });
      }
      expect((await list()).replicas.find((view) => view.self)?.owner).toBe(observer.owner);
      // The job runs 800 ms of each second: its lease shows on whichever replica runs it.
      await expect.poll(async () => (await list()).replicas.flatMap((view) => view.leases), { timeout: 10_000 }).toEqual(['tick']);

      a.signal('SIGSTOP');
      const frozenAt = Date.now();
      await expect.poll(() => statusOf(a), { timeout: STALE_WITHIN_MS, interval: 100 }).toBe('stale');
      const frozenStaleAfter = Date.now() - frozenAt;
      expect(await statusOf(b)).toBe('running');

      await b.kill();
      const killedAt = Date.now();
      await expect.poll(() => statusOf(b), { timeout: STALE_WITHIN_MS, interval: 100 }).toBe('stale');
      const killedStaleAfter = Date.now() - killedAt;

      await c.stop();
      expect(await of(c)).toMatchObject({ status: 'stopped', stale: false, leaseCount: 0 });
      expect((await of(c))?.stoppedAt).not.toBeNull();

      a.signal('SIGCONT');
      await expect.poll(() => statusOf(a), { timeout: STALE_WITHIN_MS, interval: 100 }).toBe('running');
      console.log(
        `[replicas] heartbeat every ${POLL_S * 1000} ms, stale after 3: a SIGSTOPped replica showed stale after ${frozenStaleAfter} ms, ` +
          `a SIGKILLed one after ${killedStaleAfter} ms`,
      );
      expect(frozenStaleAfter).toBeGreaterThanOrEqual(3 * POLL_S * 1000 - POLL_S * 1000);
    } finally {
      await server.close();
      await observer.stop({ timeout: 5 });
    }
  });
});
