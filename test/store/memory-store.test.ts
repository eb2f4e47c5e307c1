import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors/store-errors.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { describeStoreConformance } from './conformance.js';

describeStoreConformance('memory', async (clock) => ({
  store: new MemoryStore({ clock }),
  cleanup: async () => {},
}));

describe('MemoryStore', () => {
  it('judges leases by the system clock by default', async () => {
    const store = new MemoryStore();
    await store.open();
    const before = Date.now();
    await store.acquireLease('job', 'a', 60_000);
    const state = await store.loadState('job');
    expect(state?.leaseExpiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(state?.leaseExpiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('rejects every call with a StoreError once closed', async () => {
    const store = new MemoryStore();
    await store.open();
    await store.close();
    await expect(store.ping()).rejects.toThrow(StoreError);
    await expect(store.open()).rejects.toThrow(/closed/);
    await expect(store.listRuns()).rejects.toThrow(StoreError);
  });
});
