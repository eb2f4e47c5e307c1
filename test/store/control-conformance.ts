/**
 * Conformance cases of the cluster controls ({@link JobControls}: pause/resume and queued
 * manual triggers), run by `conformance.ts` for every store inside its own `describe` block.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { JobStore } from '../../src/store/job-store.js';
import { MAX_OPERATOR_LENGTH, MAX_PAUSE_REASON_LENGTH } from '../../src/store/job-store.js';

/** What the cases need of the suite around them (read per test). */
export interface ControlConformanceContext {
  /** The opened store of the current test. */
  store(): JobStore;
  /** Another opened store on the same database, or `undefined` if the store has none. */
  openPeer(): Promise<JobStore | undefined>;
  /** Lets `ms` pass on the store's lease clock. */
  elapse(ms: number): Promise<void>;
  /** The lease-test unit: a lease of `unit` ms expires after `elapse(2 * unit)`. */
  unit(): number;
  /** The clock the store reads (for the times it records). */
  now(): number;
}

/** Registers the control cases (see the module documentation). */
export function describeControlConformance(context: ControlConformanceContext): void {
  describe('controls: pause and resume', () => {
    it('starts with no pause and no queued trigger', async () => {
      expect(await context.store().controls.list()).toEqual({ pauses: [], triggers: [] });
    });

    it('records who paused, when and why; pausing again keeps the first pause; resume returns it', async () => {
      const store = context.store();
      const before = context.now();
      const pause = await store.controls.pause({ job: 'report', by: 'alice', reason: 'database migration' });
      expect(pause).toMatchObject({ job: 'report', by: 'alice', reason: 'database migration' });
      expect(pause.at).toBeGreaterThanOrEqual(before - 5_000);
      expect(pause.at).toBeLessThanOrEqual(context.now() + 5_000);
      expect(await store.controls.pause({ job: 'report', by: 'bob' })).toEqual(pause);
      await store.controls.pause({ job: 'a-job', by: 'carol' });
      expect((await store.controls.list()).pauses).toEqual([{ job: 'a-job', by: 'carol', at: expect.any(Number), reason: null }, pause]);
      expect(await store.controls.resume('report')).toEqual(pause);
      expect(await store.controls.resume('report')).toBeNull();
      expect((await store.controls.list()).pauses.map((p) => p.job)).toEqual(['a-job']);
    });

    it('is shared by every store on the same database', async () => {
      const peer = await context.openPeer();
      if (peer === undefined) return;
      const pause = await context.store().controls.pause({ job: 'report', by: 'alice' });
      expect((await peer.controls.list()).pauses).toEqual([pause]);
      expect(await peer.controls.resume('report')).toEqual(pause);
      expect((await context.store().controls.list()).pauses).toEqual([]);
    });

    it('refuses bad names, operators and reasons naming the field, and stores nothing', async () => {
      const controls = context.store().controls;
      await expect(controls.pause({ job: '', by: 'alice' })).rejects.toThrow(/job must be a non-empty string/);
      await expect(controls.pause({ job: 'report', by: 'eve\u001b[2J' })).rejects.toThrow(TypeError);
      await expect(controls.pause({ job: 'report', by: 'eve\u001b[2J' })).rejects.toThrow(/by must not contain control characters, got "eve\\u001b\[2J"/);
      await expect(controls.pause({ job: 'report', by: 'x'.repeat(MAX_OPERATOR_LENGTH + 1) })).rejects.toThrow(RangeError);
      await expect(controls.pause({ job: 'report', by: 'x'.repeat(MAX_OPERATOR_LENGTH + 1) })).rejects.toThrow(/by must be at most 200 characters/);
      await expect(controls.pause({ job: 'report', by: 'alice', reason: 'r'.repeat(MAX_PAUSE_REASON_LENGTH + 1) })).rejects.toThrow(/reason must be at most 500 characters, got "r+"\.\.\. \(501 characters\)/);
      await expect(controls.pause({ job: 'report', by: 'alice', reason: 'line\nbreak' })).rejects.toThrow(/reason must not contain control characters/);
      await expect(controls.requestTrigger({ job: 'report', by: '' })).rejects.toThrow(/by must be a non-empty string/);
      await expect(controls.takeTrigger('report', '')).rejects.toThrow(/owner/);
      await expect(controls.resume('a\u0000b')).rejects.toThrow(/job must not contain control characters/);
      expect(await controls.list()).toEqual({ pauses: [], triggers: [] });
      expect(await context.store().listStates()).toEqual([]);
    });
  });

  describe('controls: queued triggers', () => {
    it('queues one trigger per job, refuses a second while it is queued, and lets one owner take it', async () => {
      const controls = context.store().controls;
      const answer = await controls.requestTrigger({ job: 'report', by: 'alice' });
      expect(answer).toMatchObject({ status: 'queued', trigger: { job: 'report', by: 'alice' } });
      const queued = answer.status === 'queued' ? answer.trigger : null;
      expect(queued?.id).toMatch(/^[0-9]+$/);
      expect(await controls.requestTrigger({ job: 'report', by: 'bob' })).toEqual({ status: 'refused', reason: 'already-queued' });
      expect((await controls.list()).triggers).toEqual([queued]);
      expect(await controls.takeTrigger('report', 'replica-1')).toEqual(queued);
      expect(await controls.takeTrigger('report', 'replica-2')).toBeNull();
      expect((await controls.list()).triggers).toEqual([]);
      const again = await controls.requestTrigger({ job: 'report', by: 'bob' });
      expect(again.status).toBe('queued');
      if (again.status === 'queued' && queued !== null) expect(Number(again.trigger.id)).toBeGreaterThan(Number(queued.id));
    });

    it('refuses a trigger of a paused job, and keeps one queued before the pause until the resume', async () => {
      const controls = context.store().controls;
      await controls.requestTrigger({ job: 'queued', by: 'alice' });
      await controls.pause({ job: 'queued', by: 'ops' });
      await controls.pause({ job: 'paused', by: 'ops' });
      expect(await controls.requestTrigger({ job: 'paused', by: 'alice' })).toEqual({ status: 'refused', reason: 'paused' });
      expect(await controls.takeTrigger('queued', 'replica-1')).toBeNull();
      await controls.resume('queued');
      expect(await controls.takeTrigger('queued', 'replica-1')).toMatchObject({ job: 'queued', by: 'alice' });
      expect((await controls.list()).triggers).toEqual([]);
    });

    it('leaves the trigger to the owner of the live lease, and to anyone once it has expired', async () => {
      const store = context.store();
      const unit = context.unit();
      expect(await store.acquireLease('report', 'holder', unit)).not.toBeNull();
      await store.controls.requestTrigger({ job: 'report', by: 'alice' });
      expect(await store.controls.takeTrigger('report', 'other')).toBeNull();
      expect(await store.controls.takeTrigger('report', 'holder')).toMatchObject({ job: 'report' });
      await store.controls.requestTrigger({ job: 'report', by: 'alice' });
      await context.elapse(2 * unit);
      expect(await store.controls.takeTrigger('report', 'other')).toMatchObject({ job: 'report' });
    });

    it('gives a trigger raced for by several stores to exactly one of them', async () => {
      const peer = await context.openPeer();
      const stores = peer === undefined ? [context.store()] : [context.store(), peer];
      for (let round = 0; round < 5; round++) {
        await context.store().controls.requestTrigger({ job: `race-${round}`, by: 'alice' });
        const takes = await Promise.all(stores.flatMap((store, index) => [0, 1, 2].map((n) => store.controls.takeTrigger(`race-${round}`, `owner-${index}-${n}`))));
        expect(takes.filter((taken) => taken !== null)).toHaveLength(1);
      }
    });
  });
}
