import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import { MAX_LEASES_LISTED, replicaViews, type ReplicasResponse } from '../../src/http/replicas-route.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import type { ReplicaRecord } from '../../src/store/job-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { RecordingJob } from '../helpers/recording-job.js';

let store: MemoryStore;
let runner: JobRunner;
let server: RunnerHttpServer;

beforeEach(async () => {
  const logger = new CaptureLogger();
  store = new MemoryStore();
  runner = new JobRunner({ store, logger, pollInterval: 0.05 });
  // An interval job keeps its lease while it sleeps.
  runner.add(new RecordingJob({ name: 'keeper', interval: 60, triggerOnStart: true }));
  server = await startHttpServer(runner, { port: 0, logger });
  await runner.start();
});

afterEach(async () => {
  await server.close();
  await runner.stop({ timeout: 5 });
});

async function replicas(): Promise<ReplicasResponse> {
  const response = await fetch(`${server.url}/api/replicas`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReplicasResponse;
}

describe('GET /api/replicas', () => {
  it('lists this runner and its peers with their leases, marking a peer that stopped heartbeating stale', async () => {
    const peerBeat = { owner: 'peer<b>', host: 'other-host', pid: 4242, version: '0.0.9', startedAt: Date.now() - 60_000, heartbeatMs: 1 };
    await store.replicas.heartbeat(peerBeat);
    await store.acquireLease('peer-job', 'peer<b>', 60_000);
    await expect.poll(async () => (await replicas()).replicas.find((replica) => replica.self)?.leases).toEqual(['keeper']);
    const body = await replicas();
    expect(Math.abs(body.now - Date.now())).toBeLessThan(5_000);
    expect(body.staleAfterBeats).toBe(3);
    const self = body.replicas.find((replica) => replica.self);
    expect(self).toMatchObject({ owner: runner.owner, pid: process.pid, heartbeatMs: 50, status: 'running', stale: false, stoppedAt: null, leaseCount: 1 });
    expect(body.replicas.find((replica) => !replica.self)).toMatchObject({ ...peerBeat, status: 'stale', stale: true, leaseCount: 1, leases: ['peer-job'] });
    await store.replicas.markStopped('peer<b>');
    expect((await replicas()).replicas.find((replica) => !replica.self)).toMatchObject({ status: 'stopped', stale: false });
  });

  it('answers HEAD with the headers only, and 503 naming the store when it fails', async () => {
    const head = await fetch(`${server.url}/api/replicas`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
    store.replicas.list = () => Promise.reject(new Error('connection refused'));
    const failed = await fetch(`${server.url}/api/replicas`);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ error: 'the store (memory) did not answer: connection refused' });
  });
});

describe('replicaViews', () => {
  it(`lists at most ${MAX_LEASES_LISTED} leases per replica and counts them all`, () => {
    const replica: ReplicaRecord = { owner: 'a', host: 'h', pid: 1, version: '1', startedAt: 0, heartbeatMs: 1000, lastSeenAt: 0, stoppedAt: null, stale: false };
    const states = Array.from({ length: MAX_LEASES_LISTED + 5 }, (_, index) => ({
      job: `job-${String(index).padStart(3, '0')}`,
      triggerCount: 0,
      lastTickAt: null,
      leaseOwner: index === 0 ? null : 'a',
      leaseExpiresAt: null,
    }));
    const [view] = replicaViews([replica], states, 'b');
    expect(view?.leaseCount).toBe(MAX_LEASES_LISTED + 4);
    expect(view?.leases).toHaveLength(MAX_LEASES_LISTED);
    expect(view?.leases[0]).toBe('job-001');
    expect(view?.self).toBe(false);
  });
});
