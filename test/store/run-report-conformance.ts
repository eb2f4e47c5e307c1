/**
 * Conformance cases of `JobStore.reportRun` and `JobStore.readRunLog` (run progress and run
 * logs), registered by {@link describeStoreConformance} inside its per-store block.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { JobStore, RunRecord } from '../../src/store/job-store.js';
import { MAX_RUN_LOG_BYTES, MAX_RUN_LOG_LINES } from '../../src/store/run-report-rules.js';

/** What the cases need from the suite's current test: its opened store and clock. */
export interface RunReportCaseContext {
  readonly store: JobStore;
  readonly now: () => number;
}

const LEASE_MS = 60_000;

/** Registers the run report cases; `current` is read in each test (after the suite's `beforeEach`). */
export function describeRunReportCases(current: () => RunReportCaseContext): void {
  describe('run progress and run log', () => {
    async function running(job = 'job'): Promise<string> {
      const { store, now } = current();
      const claim = await store.claimRun({ job, owner: 'a', tickAt: null, startedAt: now(), leaseMs: LEASE_MS });
      expect(claim).not.toBeNull();
      return (claim as { runId: string }).runId;
    }

    async function runById(runId: string): Promise<RunRecord> {
      const runs = await current().store.listRuns({ limit: 10_000 });
      const run = runs.find((candidate) => candidate.id === runId);
      expect(run).toBeDefined();
      return run as RunRecord;
    }

    it('records the latest progress on the running run, readable in listRuns', async () => {
      const { store, now } = current();
      const runId = await running();
      const at = now();
      expect((await runById(runId)).progress).toBeUndefined();
      expect(await store.reportRun({ runId, progress: { fraction: 0.25, message: 'copying', updatedAt: at }, lines: [] })).toBe(true);
      expect(await store.reportRun({ runId, progress: { fraction: 0.5, message: null, updatedAt: at + 1 }, lines: [] })).toBe(true);
      expect((await runById(runId)).progress).toEqual({ fraction: 0.5, message: null, updatedAt: at + 1 });
      // Lines alone leave the progress as it is.
      expect(await store.reportRun({ runId, progress: null, lines: ['one'] })).toBe(true);
      expect((await runById(runId)).progress).toEqual({ fraction: 0.5, message: null, updatedAt: at + 1 });
    });

    it('applies reports only while the run is running, and keeps the last progress after it ends', async () => {
      const { store, now } = current();
      const runId = await running();
      const at = now();
      await store.reportRun({ runId, progress: { fraction: 0.9, message: 'nearly', updatedAt: at }, lines: ['before'] });
      expect(await store.finishRun(runId, { status: 'ok', endedAt: at, error: null })).toBe(true);
      expect(await store.reportRun({ runId, progress: { fraction: 1, message: 'late', updatedAt: at }, lines: ['after'] })).toBe(false);
      expect((await runById(runId)).progress).toEqual({ fraction: 0.9, message: 'nearly', updatedAt: at });
      expect(await store.readRunLog(runId)).toEqual({ lines: ['before'], cut: 0 });
      expect(await store.reportRun({ runId: '999999', progress: null, lines: ['x'] })).toBe(false);
    });

    it('appends log lines in order, across reports', async () => {
      const { store } = current();
      const runId = await running();
      expect(await store.readRunLog(runId)).toEqual({ lines: [], cut: 0 });
      await store.reportRun({ runId, progress: null, lines: ['a', 'b'] });
      await store.reportRun({ runId, progress: null, lines: [] });
      await store.reportRun({ runId, progress: null, lines: ['c', 'é ✓ 😀'] });
      expect(await store.readRunLog(runId)).toEqual({ lines: ['a', 'b', 'c', 'é ✓ 😀'], cut: 0 });
      expect(await store.readRunLog('999999')).toBeNull();
    });

    it('keeps at most 200 lines and counts the rest as cut, keeping no line after a cut one', async () => {
      const { store } = current();
      const runId = await running();
      const lines = Array.from({ length: MAX_RUN_LOG_LINES - 10 }, (_, i) => `line ${i}`);
      await store.reportRun({ runId, progress: null, lines });
      await store.reportRun({ runId, progress: null, lines: Array.from({ length: 25 }, (_, i) => `more ${i}`) });
      const log = await store.readRunLog(runId);
      expect(log?.lines).toHaveLength(MAX_RUN_LOG_LINES);
      expect(log?.lines.at(-1)).toBe('more 9');
      expect(log?.cut).toBe(15);
      await store.reportRun({ runId, progress: null, lines: ['late'] });
      expect((await store.readRunLog(runId))?.cut).toBe(16);
      // Lines the writer already left out count as cut.
      await store.reportRun({ runId, progress: null, lines: [], dropped: 4 });
      expect((await store.readRunLog(runId))?.cut).toBe(20);
    });

    it('keeps at most 64 KiB of UTF-8, cutting whole lines and never leaving a gap', async () => {
      const { store } = current();
      const runId = await running();
      // 100 lines of 998 characters (3 of them 2-byte): 1,001 bytes + newline = 1,002 bytes each.
      const line = (i: number): string => `${String(i).padStart(3, '0')}${'é'.repeat(3)}${'x'.repeat(992)}`;
      await store.reportRun({ runId, progress: null, lines: Array.from({ length: 100 }, (_, i) => line(i)) });
      await store.reportRun({ runId, progress: null, lines: ['short'] });
      const log = await store.readRunLog(runId);
      const kept = Math.floor(MAX_RUN_LOG_BYTES / 1_002);
      expect(log?.lines).toHaveLength(kept);
      expect(log?.lines.at(-1)).toBe(line(kept - 1));
      expect(log?.cut).toBe(100 - kept + 1);
    });

    it('stores a line as one line of at most 1,000 characters with control characters escaped', async () => {
      const { store } = current();
      const runId = await running();
      await store.reportRun({ runId, progress: { fraction: 0, message: 'a\u001b[31mred\nb', updatedAt: current().now() }, lines: ['x\ny\u0000z', 'lone \ud800', 'y'.repeat(5_000)] });
      const log = await store.readRunLog(runId);
      expect(log?.lines).toEqual(['x\\ny\\0z', 'lone \ufffd', `${'y'.repeat(999)}…`]);
      expect((await runById(runId)).progress?.message).toBe('a\\e[31mred\\nb');
    });

    it('rejects bad reports with an error naming the field and the value, recording nothing', async () => {
      const { store, now } = current();
      const runId = await running();
      await expect(store.reportRun({ runId, progress: { fraction: 1.5, message: null, updatedAt: now() }, lines: [] })).rejects.toThrow('progress.fraction must be a finite number from 0 to 1, got 1.5');
      await expect(store.reportRun({ runId, progress: { fraction: Number.NaN, message: null, updatedAt: now() }, lines: [] })).rejects.toThrow(RangeError);
      await expect(store.reportRun({ runId, progress: { fraction: 0.5, message: 7 as unknown as string, updatedAt: now() }, lines: [] })).rejects.toThrow(/progress\.message .* got 7/);
      await expect(store.reportRun({ runId, progress: null, lines: ['ok', 3 as unknown as string] })).rejects.toThrow('lines[1] must be a string, got 3');
      await expect(store.reportRun({ runId: 'x1', progress: null, lines: [] })).rejects.toThrow(/runId .*"x1"/);
      await expect(store.readRunLog('-1')).rejects.toThrow(RangeError);
      await expect(store.reportRun({ runId, progress: null, lines: [], dropped: -1 })).rejects.toThrow('dropped must be a non-negative integer, got -1');
      expect((await runById(runId)).progress).toBeUndefined();
      expect(await store.readRunLog(runId)).toEqual({ lines: [], cut: 0 });
    });

    it('deletes a run log with its run when pruning', async () => {
      const { store, now } = current();
      const first = await running();
      await store.reportRun({ runId: first, progress: null, lines: ['first'] });
      await store.finishRun(first, { status: 'ok', endedAt: now(), error: null });
      const second = await running();
      await store.reportRun({ runId: second, progress: null, lines: ['second'] });
      await store.finishRun(second, { status: 'ok', endedAt: now(), error: null });
      expect(await store.prune('job', 1)).toBe(1);
      expect(await store.readRunLog(first)).toBeNull();
      expect(await store.readRunLog(second)).toEqual({ lines: ['second'], cut: 0 });
    });
  });
}
