import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionGrant, HostedJob } from '../../src/job/job-host.js';
import type { RunnerEventMap, RunProgressEvent } from '../../src/runner/runner-events.js';
import { REPORT_EVERY_MS } from '../../src/runner/run-report-writer.js';
import { StoreHost } from '../../src/runner/store-host.js';
import { TypedEmitter } from '../../src/runner/typed-emitter.js';
import type { RunProgress, RunReport } from '../../src/store/job-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { sharedTimerQueue } from '../../src/time/timer-queue.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

const REFERENCE = Date.UTC(2026, 0, 5, 12, 0, 0);
const POLL_MS = 500;
const job: HostedJob = { name: 'report', cron: '* * * * *', interval: null };

/** A memory store whose reportRun can fail or hang, recording every report. */
class ReportingStore extends MemoryStore {
  readonly reports: RunReport[] = [];
  failReports = 0;
  hangReports = false;

  override async reportRun(report: RunReport): Promise<boolean> {
    this.reports.push(report);
    if (this.hangReports) return new Promise<boolean>(() => undefined);
    if (this.failReports > 0) {
      this.failReports--;
      throw new Error('scripted reportRun failure');
    }
    return super.reportRun(report);
  }
}

let store: ReportingStore;
let events: TypedEmitter<RunnerEventMap>;
let logger: CaptureLogger;
let host: StoreHost;
let progressEvents: RunProgressEvent[];

const at = (fraction: number, message: string | null = null): RunProgress => ({ fraction, message, updatedAt: Date.now() });

async function claimed(): Promise<ExecutionGrant & { runId: string }> {
  const grant = await host.claim(job, { reason: 'schedule', tickAt: Date.now(), startedAt: Date.now(), unexecuted: null, controller: new AbortController() });
  if (grant === null || grant === 'busy' || grant.runId === null) throw new Error('expected a grant');
  return grant as ExecutionGrant & { runId: string };
}

async function storedProgress(runId: string): Promise<RunProgress | undefined> {
  return (await store.listRuns()).find((run) => run.id === runId)?.progress;
}

beforeEach(async () => {
  vi.useFakeTimers({ now: REFERENCE, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
  store = new ReportingStore();
  await store.open();
  events = new TypedEmitter();
  progressEvents = [];
  events.on('run:progress', (event) => progressEvents.push(event));
  logger = new CaptureLogger();
  host = new StoreHost({ store, owner: 'host-a', leaseMs: 30_000, pollMs: POLL_MS, retention: 1000, events, logger });
});

afterEach(async () => {
  host.close();
  await store.close();
  expect(sharedTimerQueue.size, 'timer entries left queued').toBe(0);
  vi.useRealTimers();
});

describe('run progress and log under a store host', () => {
  it('writes at most once a second per run, the first at once, the latest progress winning', async () => {
    const grant = await claimed();
    const runId = grant.runId;
    host.reportProgress(job, runId, at(0.1, 'first'));
    expect(store.reports).toHaveLength(0); // never synchronously
    await vi.advanceTimersByTimeAsync(0);
    expect(store.reports.map((report) => report.progress?.fraction)).toEqual([0.1]);
    for (let i = 2; i <= 9; i++) {
      host.reportProgress(job, runId, at(i / 10));
      await vi.advanceTimersByTimeAsync(100);
    }
    // 800 ms later: still the one write.
    expect(store.reports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(REPORT_EVERY_MS);
    expect(store.reports.map((report) => report.progress?.fraction)).toEqual([0.1, 0.9]);
    expect(await storedProgress(runId)).toEqual({ fraction: 0.9, message: null, updatedAt: REFERENCE + 700 });
    expect(progressEvents.map((event) => event.progress.fraction)).toEqual([0.1, 0.9]);
    await vi.advanceTimersByTimeAsync(10 * REPORT_EVERY_MS);
    expect(store.reports).toHaveLength(2); // nothing new, nothing written
    await host.finish(job, grant, { status: 'ok', endedAt: Date.now(), error: null });
    expect(store.reports).toHaveLength(2); // nothing left to write at the finish
  });

  it('writes the last progress and lines before the finish', async () => {
    const grant = await claimed();
    const runId = grant.runId;
    host.reportProgress(job, runId, at(0.2));
    await vi.advanceTimersByTimeAsync(0);
    host.reportProgress(job, runId, at(1, 'done'));
    host.reportLine(job, runId, 'last line');
    await host.finish(job, grant, { status: 'ok', endedAt: Date.now(), error: null });
    expect(store.reports.at(-1)).toMatchObject({ runId, progress: { fraction: 1, message: 'done' }, lines: ['last line'] });
    const run = (await store.listRuns()).find((candidate) => candidate.id === runId);
    expect(run).toMatchObject({ status: 'ok', progress: { fraction: 1, message: 'done' } });
    expect(await store.readRunLog(runId)).toEqual({ lines: ['last line'], cut: 0 });
  });

  it('sends the lines and progress of a failed write with the next one (announcing each line once), and logs the failure', async () => {
    const grant = await claimed();
    const announced: string[] = [];
    events.on('run:log', ({ lines }) => announced.push(...lines));
    const runId = grant.runId;
    store.failReports = 1;
    host.reportLine(job, runId, 'one');
    host.reportProgress(job, runId, at(0.3));
    await vi.advanceTimersByTimeAsync(0);
    expect(logger.events('report-failed')).toHaveLength(1);
    host.reportLine(job, runId, 'two');
    await vi.advanceTimersByTimeAsync(REPORT_EVERY_MS);
    expect(store.reports.at(-1)).toMatchObject({ progress: { fraction: 0.3 }, lines: ['one', 'two'] });
    expect(await store.readRunLog(runId)).toEqual({ lines: ['one', 'two'], cut: 0 });
    expect(announced).toEqual(['one', 'two']);
    await host.finish(job, grant, { status: 'ok', endedAt: Date.now(), error: null });
  });

  it('counts lines past what a log keeps instead of buffering them', async () => {
    const grant = await claimed();
    for (let i = 0; i < 5_000; i++) host.reportLine(job, grant.runId, `line ${i}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.reports[0]?.lines).toHaveLength(200);
    expect(store.reports[0]?.dropped).toBe(4_800);
    expect(await store.readRunLog(grant.runId)).toMatchObject({ cut: 4_800 });
    await host.finish(job, grant, { status: 'ok', endedAt: Date.now(), error: null });
  });

  it('does not hold the finish longer than pollMs when the store hangs on a report', async () => {
    const grant = await claimed();
    store.hangReports = true;
    host.reportProgress(job, grant.runId, at(0.5));
    await vi.advanceTimersByTimeAsync(0);
    host.reportProgress(job, grant.runId, at(0.6));
    let finished = false;
    const finish = host.finish(job, grant, { status: 'ok', endedAt: Date.now(), error: null }).then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(POLL_MS - 1);
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await finish;
    expect((await store.listRuns())[0]?.status).toBe('ok');
  });

  it('ends the wait on a hanging report at once when the host closes (a stop)', async () => {
    const grant = await claimed();
    store.hangReports = true;
    host.reportProgress(job, grant.runId, at(0.5));
    await vi.advanceTimersByTimeAsync(0);
    host.reportLine(job, grant.runId, 'pending');
    let finished = false;
    const finish = host.finish(job, grant, { status: 'ok', endedAt: Date.now(), error: null }).then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(1);
    expect(finished).toBe(false);
    host.close();
    await finish;
    expect(finished).toBe(true);
  });

  it('stops writing a run the store no longer has running', async () => {
    const grant = await claimed();
    await store.finishRun(grant.runId, { status: 'interrupted', endedAt: Date.now(), error: 'taken over' });
    host.reportProgress(job, grant.runId, at(0.5));
    await vi.advanceTimersByTimeAsync(0);
    host.reportProgress(job, grant.runId, at(0.7));
    host.reportLine(job, grant.runId, 'late');
    await vi.advanceTimersByTimeAsync(5 * REPORT_EVERY_MS);
    expect(store.reports).toHaveLength(1); // the refused write only
    await host.finish(job, grant, { status: 'ok', endedAt: Date.now(), error: null });
    expect(store.reports).toHaveLength(1);
  });
});
