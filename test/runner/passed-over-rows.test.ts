/**
 * A cron job restarted while a dead process's lease still holds the job (the CLI killed mid-run
 * and restarted at once): its claims are refused `busy` until the lease lapses, and then every
 * tick after the stored mark has exactly one row, under every misfire policy, on every store
 * whose lease clock fake time drives (issue 12, defect 4).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BaseJob, MemoryStore, type JobStore, type MisfirePolicy } from '../../src/index.js';
import type { RunnerEventMap } from '../../src/runner/runner-events.js';
import { StoreHost } from '../../src/runner/store-host.js';
import { TypedEmitter } from '../../src/runner/typed-emitter.js';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { CaptureLogger } from '../helpers/capture-logger.js';
import { REFERENCE, SECOND, useFakeTime } from '../helpers/fake-time.js';

useFakeTime();

class Tick extends BaseJob {
  execute(): void {}
}

const stores: Array<[string, () => Promise<{ store: JobStore; cleanup: () => Promise<void> }>]> = [
  ['memory', () => Promise.resolve({ store: new MemoryStore(), cleanup: () => Promise.resolve() })],
  [
    'sqlite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'eleanor-rows-'));
      return { store: new SqliteStore({ path: join(dir, 'jobs.db') }), cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(stores)('every tick after the mark gets one row (%s store)', (_name, open) => {
  it.each(['once', 'all', 'skip'] as MisfirePolicy[])('misfire %s, restarted under a dead process lease', async (misfire) => {
    const { store, cleanup } = await open();
    await store.open();
    try {
      // The killed process claimed the tick at REFERENCE and its lease lives 5 s more.
      expect(await store.claimRun({ job: 'seconds', owner: 'dead', tickAt: REFERENCE, startedAt: REFERENCE, leaseMs: 5 * SECOND })).not.toBeNull();
      const host = new StoreHost({ store, owner: 'alive', leaseMs: 5 * SECOND, pollMs: SECOND, retention: 1000, events: new TypedEmitter<RunnerEventMap>(), logger: new CaptureLogger() });
      const job = new Tick({ name: 'seconds', cron: '* * * * * *', timezone: 'UTC', misfire, maxCatchUp: 100, logger: new CaptureLogger() });
      job.bindHost(host);
      job.start();
      await vi.advanceTimersByTimeAsync(12 * SECOND + 500);
      job.requestStop();
      await vi.advanceTimersByTimeAsync(SECOND);
      await job.waitUntilDone();
      expect(await host.drain(1_000)).toBe(true);
      host.close();
      const rows = (await store.listRuns({ job: 'seconds', limit: 1000 })).filter((run) => run.tickAt !== null && run.tickAt > REFERENCE);
      const ticks = rows.map((run) => run.tickAt as number).sort((a, b) => a - b);
      expect(ticks).toEqual(Array.from({ length: 12 }, (_, index) => REFERENCE + (index + 1) * SECOND));
      expect(job.missedTicks + job.skippedTicks).toBe(rows.filter((run) => run.status === 'missed' || run.status === 'skipped').length);
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
