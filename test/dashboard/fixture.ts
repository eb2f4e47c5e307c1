/**
 * A runner with demo-like jobs for the dashboard tests: a past hour of history seeded into
 * its MemoryStore (as if written by a previous process), one job whose name and error carry
 * `<script>` markup, and the HTTP server with the dashboard mounted.
 */
import { z } from 'zod';
import { dashboardRoutes } from '../../src/dashboard/dashboard-routes.js';
import { startHttpServer, type RunnerHttpServer } from '../../src/http/http-server.js';
import { BaseJob, type RunContext } from '../../src/index.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { CaptureLogger } from '../helpers/capture-logger.js';

/** The markup a hostile job name and error message carry. */
export const SCRIPT = '<script>alert(1)</script>';
/** Missed ticks in a row that the fixture seeds into `run-report` (one outage). */
export const OUTAGE_TICKS = 29;
/** The hostile job's name. */
export const HOSTILE_NAME = `<img src=x onerror=alert(2)>${SCRIPT}`;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });

/** Quick work of a few tens of milliseconds. */
class QuickJob extends BaseJob {
  async execute(signal: AbortSignal): Promise<void> {
    await sleep(20 + Math.random() * 60, signal);
  }
}

/** Always fails, with markup in its message. */
class HostileJob extends BaseJob {
  execute(): void {
    throw new Error(`upstream said ${SCRIPT} & gave up`);
  }
}

/** A job with a data model of its own (shown on its page). */
export class ExportJob extends BaseJob<{ folder: string; maxFiles: number }> {
  static override fields = {
    ...BaseJob.fields,
    folder: z.string().min(1).meta({ title: 'Export Folder', description: 'Where the nightly export files are written.', readOnly: true }),
    maxFiles: z.number().int().positive().meta({ title: 'Maximum Files', description: 'Older export files beyond this count are deleted.' }),
  };
  declare readonly folder: string;
  declare maxFiles: number;

  async execute(signal: AbortSignal, _run: RunContext): Promise<void> {
    await sleep(150, signal);
  }
}

/** A running demo runner and its servers. */
export interface DashboardFixture {
  readonly runner: JobRunner;
  readonly store: MemoryStore;
  /** The server with a token (actions on). */
  readonly server: RunnerHttpServer;
  /** A second server without a token (actions off). */
  readonly readOnly: RunnerHttpServer;
  readonly token: string;
  /** The jobs' names, in runner order. */
  readonly names: readonly string[];
  /** Starts one more server with the token, on `port` (default: a free one); the caller closes it. */
  serve(port?: number): Promise<RunnerHttpServer>;
  close(): Promise<void>;
}

/** Seeds an hour of runs of `job` (one every `everyMs`, `failEvery`-th failing). */
async function seed(store: MemoryStore, job: string, now: number, everyMs: number, durationMs: number, failEvery: number, cron = false): Promise<void> {
  let n = 0;
  for (let at = now - 3_600_000 + everyMs / 2; at < now - 60_000; at += everyMs) {
    n++;
    const tickAt = cron ? Math.floor(at / 60_000) * 60_000 : null;
    const startedAt = cron ? (tickAt as number) + 40 + (n % 7) * 90 : at;
    if (tickAt !== null && (n === 5 || n === 9)) {
      // Ticks the misfire policy passed over, recorded before the next claim (as the runner does).
      const status = n === 5 ? 'missed' : 'skipped';
      await store.skipTicks({ job, owner: 'previous-process', ticks: [tickAt - 120_000, tickAt - 60_000], status });
    }
    if (tickAt !== null && n === 7) {
      // An outage: 29 ticks in a row missed (drawn as one band).
      const ticks = Array.from({ length: OUTAGE_TICKS }, (_, index) => tickAt - (OUTAGE_TICKS - index) * 10_000);
      await store.skipTicks({ job, owner: 'previous-process', ticks, status: 'missed' });
    }
    const claim = await store.claimRun({ job, owner: 'previous-process', tickAt, startedAt, leaseMs: 60_000 });
    if (claim === null) continue;
    const failed = failEvery > 0 && n % failEvery === 0;
    const duration = durationMs * (0.6 + ((n * 37) % 10) / 10);
    await store.finishRun(claim.runId, {
      status: failed ? 'failed' : 'ok',
      endedAt: startedAt + duration,
      error: failed ? `Error: upstream answered 503 Service Unavailable\n    at FlakyUpstream.execute (demo.ts:97:40)\n    at run (base-job.ts:311:7)` : null,
    });
    await store.releaseLease(job, 'previous-process', claim.fence);
  }
}

/** Starts the fixture. */
export async function startDashboardFixture(): Promise<DashboardFixture> {
  const token = 'dashboard-test-token';
  const logger = new CaptureLogger();
  const store = new MemoryStore();
  await store.open();
  const now = Date.now();
  await seed(store, 'system-load', now, 60_000, 60, 0);
  await seed(store, 'flaky-upstream', now, 90_000, 900, 3);
  await seed(store, 'run-report', now, 300_000, 2_500, 0, true);

  const runner = new JobRunner({ store, logger });
  const jobs = [
    new QuickJob({ name: 'system-load', interval: 2, triggerOnStart: true, logger }),
    new QuickJob({ name: 'flaky-upstream', interval: 60, logger }),
    new QuickJob({ name: 'run-report', cron: '*/5 * * * *', timezone: 'Europe/Berlin', logger }),
    new ExportJob({ name: 'manual-export', interval: 3_600, folder: '/var/exports', maxFiles: 30, logger }),
    new HostileJob({ name: HOSTILE_NAME, interval: 3_600, triggerOnStart: true, retryWait: 3_600, logger }),
  ];
  runner.add(...jobs);
  await runner.start();
  const routes = dashboardRoutes();
  const server = await startHttpServer(runner, { port: 0, token, logger, routes });
  const readOnly = await startHttpServer(runner, { port: 0, logger, routes });
  return {
    runner,
    store,
    server,
    readOnly,
    token,
    names: jobs.map((job) => job.name),
    serve: (port = 0) => startHttpServer(runner, { port, token, logger, routes }),
    close: async () => {
      await server.close();
      await readOnly.close();
      await runner.stop({ timeout: 5 });
    },
  };
}
