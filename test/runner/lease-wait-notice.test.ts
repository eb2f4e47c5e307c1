import { describe, expect, it } from 'vitest';
import { LeaseWaitNotice } from '../../src/runner/lease-wait-notice.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

const LEASE_MS = 60_000;

async function heldStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.open();
  expect(await store.acquireLease('report', 'replica-a', LEASE_MS)).not.toBeNull();
  return store;
}

/** Lets the notice's background read settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('LeaseWaitNotice', () => {
  it('logs the first refusal of a wait once, with the holder and when its lease expires', async () => {
    const store = await heldStore();
    const logger = new CaptureLogger();
    const notice = new LeaseWaitNotice((job) => store.loadState(job), logger);
    for (let i = 0; i < 5; i++) notice.refused('report');
    await settle();
    const waits = logger.events('lease-wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]?.bindings).toMatchObject({ job: 'report', holder: 'replica-a' });
    const expiresAt = waits[0]?.bindings.expiresAt as number;
    expect(expiresAt).toBe((await store.loadState('report'))?.leaseExpiresAt);
    expect(waits[0]?.message).toContain('"replica-a"');
    expect(waits[0]?.message).toContain(new Date(expiresAt).toISOString());
  });

  it('logs again after a grant ended the previous wait, and per job', async () => {
    const store = await heldStore();
    const logger = new CaptureLogger();
    const notice = new LeaseWaitNotice((job) => store.loadState(job), logger);
    notice.refused('report');
    await settle();
    notice.refused('other');
    await settle();
    notice.granted('report');
    notice.refused('report');
    notice.refused('report');
    await settle();
    expect(logger.events('lease-wait').map((entry) => entry.bindings.job)).toEqual(['report', 'other', 'report']);
  });

  it('logs the waits whose holders are read together as one line naming at most 10 jobs', async () => {
    const store = new MemoryStore();
    await store.open();
    const names = Array.from({ length: 50 }, (_, index) => `job-${index}`);
    for (const [index, name] of names.entries()) expect(await store.acquireLease(name, index < 40 ? 'replica-a' : 'replica-b', LEASE_MS)).not.toBeNull();
    const logger = new CaptureLogger();
    // One batched read answers every job at once, as the host's loadStates batch does.
    let answer: (() => void) | undefined;
    const batch = new Promise<void>((resolve) => (answer = resolve));
    const notice = new LeaseWaitNotice(async (job) => {
      await batch;
      return store.loadState(job);
    }, logger);
    for (const name of names) notice.refused(name);
    answer?.();
    await settle();
    const waits = logger.events('lease-wait');
    expect(waits).toHaveLength(1);
    expect(waits[0]?.bindings).toMatchObject({ count: 50, jobs: names.slice(0, 10), holders: ['replica-a', 'replica-b'] });
    expect(waits[0]?.message).toMatch(/^50 jobs are waiting for leases of "replica-a", "replica-b"; the first expires at \d{4}-/);
  });

  it('still says why when the holder cannot be read', async () => {
    const store = await heldStore();
    store.loadState = () => Promise.reject(new Error('connection refused'));
    const logger = new CaptureLogger();
    new LeaseWaitNotice((job) => store.loadState(job), logger).refused('report');
    await settle();
    expect(logger.events('lease-wait')).toMatchObject([{ bindings: { holder: null, expiresAt: null }, message: expect.stringContaining('could not be read') }]);
  });
});
