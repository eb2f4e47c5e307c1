import { describe, expect, it, vi } from 'vitest';
import { StoreError } from '../../src/errors/store-errors.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { PRUNE_EVERY_BEATS, REPLICA_RETENTION_MS, ReplicaHeartbeat } from '../../src/runner/replica-heartbeat.js';
import type { JobStore, ReplicaBeat, ReplicaRegistry } from '../../src/store/job-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { REFERENCE, SECOND, useFakeTime } from '../helpers/fake-time.js';

useFakeTime();

/** A replicas registry whose calls are counted and whose answers the test decides. */
class ScriptedReplicas implements ReplicaRegistry {
  readonly beats: ReplicaBeat[] = [];
  readonly stopped: string[] = [];
  readonly prunes: number[] = [];
  /** What the next heartbeats do: answer, fail, or never answer. */
  mode: 'ok' | 'fail' | 'hang' = 'ok';

  async heartbeat(beat: ReplicaBeat): Promise<void> {
    this.beats.push(beat);
    if (this.mode === 'fail') throw new StoreError('the database is down');
    if (this.mode === 'hang') await new Promise<never>(() => undefined);
  }
  async markStopped(owner: string): Promise<void> {
    this.stopped.push(owner);
  }
  async list(): Promise<never[]> {
    return [];
  }
  async prune(notSeenForMs: number): Promise<number> {
    this.prunes.push(notSeenForMs);
    return 0;
  }
}

function heartbeatOn(replicas: ReplicaRegistry, logger = new CaptureLogger()): ReplicaHeartbeat {
  const store = { replicas } as Pick<JobStore, 'replicas'> as JobStore;
  return new ReplicaHeartbeat({ store, owner: 'me', intervalMs: 2 * SECOND, logger });
}

/** A heartbeat started at REFERENCE on a store whose heartbeats do as `mode` says. */
function startedIn(mode: ScriptedReplicas['mode']): { replicas: ScriptedReplicas; logger: CaptureLogger; heartbeat: ReplicaHeartbeat } {
  const replicas = new ScriptedReplicas();
  const logger = new CaptureLogger();
  const heartbeat = heartbeatOn(replicas, logger);
  replicas.mode = mode;
  heartbeat.start(REFERENCE);
  return { replicas, logger, heartbeat };
}

/** Whether `promise` has settled yet, asked after fake time moved. */
function settled(promise: Promise<unknown>): () => boolean {
  let done = false;
  void promise.finally(() => {
    done = true;
  });
  return () => done;
}

describe('ReplicaHeartbeat', () => {
  it('beats at start and every interval, pruning on the first beat and every PRUNE_EVERY_BEATS, then marks the row stopped', async () => {
    const replicas = new ScriptedReplicas();
    const heartbeat = heartbeatOn(replicas);
    heartbeat.start(REFERENCE - 5 * SECOND);
    await vi.advanceTimersByTimeAsync(0);
    expect(replicas.beats).toHaveLength(1);
    expect(replicas.beats[0]).toMatchObject({ owner: 'me', pid: process.pid, startedAt: REFERENCE - 5 * SECOND, heartbeatMs: 2 * SECOND });
    expect(replicas.beats[0]?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(replicas.prunes).toEqual([REPLICA_RETENTION_MS]);
    await vi.advanceTimersByTimeAsync(PRUNE_EVERY_BEATS * 2 * SECOND);
    expect(replicas.beats).toHaveLength(PRUNE_EVERY_BEATS + 1);
    expect(replicas.prunes).toHaveLength(2);
    await heartbeat.stop(SECOND);
    expect(replicas.stopped).toEqual(['me']);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(replicas.beats).toHaveLength(PRUNE_EVERY_BEATS + 1);
  });

  it('logs a failing store once until a beat succeeds again, and never throws', async () => {
    const { replicas, logger, heartbeat } = startedIn('fail');
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(replicas.beats).toHaveLength(6);
    expect(logger.events('heartbeat-failed')).toHaveLength(1);
    expect(logger.events('heartbeat-failed')[0]?.message).toContain('the database is down');
    replicas.mode = 'ok';
    await vi.advanceTimersByTimeAsync(2 * SECOND);
    expect(logger.events('heartbeat-recovered')).toHaveLength(1);
    replicas.mode = 'fail';
    await vi.advanceTimersByTimeAsync(4 * SECOND);
    expect(logger.events('heartbeat-failed')).toHaveLength(2);
    await heartbeat.stop(SECOND);
  });

  it('sends one beat at a time to a hanging store, and a stop ends within its timeout', async () => {
    const { replicas, logger, heartbeat } = startedIn('hang');
    await vi.advanceTimersByTimeAsync(20 * SECOND);
    expect(replicas.beats).toHaveLength(1);
    const stopping = heartbeat.stop(3 * SECOND);
    const stopped = settled(stopping);
    await vi.advanceTimersByTimeAsync(3 * SECOND - 1);
    expect(stopped()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(logger.events('replica-stop-timeout')).toHaveLength(1);
    // The stop did not mark the row (the beat never answered); it goes stale.
    expect(replicas.stopped).toEqual([]);
  });
});

describe('JobRunner replicas', () => {
  it('heartbeats into its store while running and marks itself stopped on a clean stop', async () => {
    const store = new (class extends MemoryStore {
      override async close(): Promise<void> {}
    })();
    const runner = new JobRunner({ store, pollInterval: 1, logger: new CaptureLogger() });
    await runner.start();
    await vi.advanceTimersByTimeAsync(0);
    const [row] = await store.replicas.list();
    expect(row).toMatchObject({ owner: runner.owner, heartbeatMs: SECOND, startedAt: REFERENCE, lastSeenAt: REFERENCE, stoppedAt: null, stale: false });
    await vi.advanceTimersByTimeAsync(5 * SECOND);
    expect((await store.replicas.list())[0]?.lastSeenAt).toBe(REFERENCE + 5 * SECOND);
    const stopping = runner.stop({ timeout: 1 });
    await vi.advanceTimersByTimeAsync(SECOND);
    await stopping;
    expect((await store.replicas.list())[0]).toMatchObject({ stoppedAt: REFERENCE + 5 * SECOND, stale: false });
  });

  it('stops within its timeout while the store never answers a heartbeat, the row left to go stale', async () => {
    const store = new MemoryStore();
    const logger = new CaptureLogger();
    store.replicas.heartbeat = () => new Promise<never>(() => undefined);
    const runner = new JobRunner({ store, pollInterval: 1, logger });
    await runner.start();
    const stopping = runner.stop({ timeout: 2 });
    const stopped = settled(stopping);
    await vi.advanceTimersByTimeAsync(2 * SECOND - 1);
    expect(stopped()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(logger.events('replica-stop-timeout')).toHaveLength(1);
  });
});
