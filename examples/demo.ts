/**
 * The demo: a handful of jobs doing plausible backend work on this machine, under the CLI.
 *
 *   npm run example      (= npm run build && node dist/cli/main.js run examples/demo.ts)
 *
 * Then look at http://127.0.0.1:8321/api/jobs, /metrics and /healthz; `node dist/cli/main.js
 * history flaky-upstream` shows the run history kept in ./.eleanor/jobs.db. Ctrl-C stops it.
 *
 * - `system-load`: samples the load average and memory every 3 s into a JSON-lines file.
 * - `prune-scratch`: a scratch folder gets a few files each round; files older than 20 s go.
 * - `flaky-upstream`: calls a pretend upstream that fails now and then; retries back off.
 * - `run-report`: every 10 s (a 6-field cron), summarises what the others did.
 */
import { appendFile, mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { BaseJob, type RunContext } from 'eleanor-jobs';

/** Where the demo writes (removed by nothing: it is the OS's temporary folder). */
const DEMO_DIR = join(tmpdir(), 'eleanor-jobs-demo');

/** The latest load samples, newest last, for the report. */
const recentLoad: number[] = [];

/** Samples the 1-minute load average and free memory, appending them to a JSON-lines file. */
class SystemLoadSampler extends BaseJob {
  readonly #file = join(DEMO_DIR, 'load-samples.jsonl');

  override async setup(): Promise<void> {
    await mkdir(DEMO_DIR, { recursive: true });
  }

  async execute(_signal: AbortSignal, run: RunContext): Promise<void> {
    const [load1 = 0] = loadavg();
    const freeMb = Math.round(freemem() / 2 ** 20);
    const usedPercent = Math.round((1 - freemem() / totalmem()) * 100);
    await appendFile(this.#file, `${JSON.stringify({ at: run.startedAt.toISOString(), load1, freeMb, usedPercent })}\n`);
    recentLoad.push(load1);
    if (recentLoad.length > 20) recentLoad.shift();
    this.logger.info({ load1: Number(load1.toFixed(2)), freeMb, usedPercent }, 'load sampled');
  }
}

/** Keeps a scratch folder small: a few files arrive each round; those older than `maxAge` go. */
class PruneScratch extends BaseJob<{ folder: string; maxAge: number }> {
  static override fields = {
    ...BaseJob.fields,
    folder: z.string().min(1).meta({ title: 'Folder', description: 'The scratch folder to prune.', readOnly: true }),
    maxAge: z.number().positive().meta({ title: 'Maximum Age', description: 'Files older than this many seconds are deleted.', readOnly: true }),
  };
  declare readonly folder: string;
  declare readonly maxAge: number;

  /** Files deleted since the last report. */
  deleted = 0;

  override async setup(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
  }

  async execute(signal: AbortSignal, run: RunContext): Promise<void> {
    await this.#simulateArrivals(run);
    const cutoff = Date.now() - this.maxAge * 1000;
    let kept = 0;
    let deleted = 0;
    for (const name of await readdir(this.folder)) {
      signal.throwIfAborted();
      const path = join(this.folder, name);
      if ((await stat(path)).mtimeMs < cutoff) {
        await rm(path, { force: true });
        deleted++;
      } else {
        kept++;
      }
    }
    this.deleted += deleted;
    this.logger.info({ deleted, kept }, 'scratch pruned');
  }

  /** Three new files, back-dated by up to 40 s, as if uploads had landed since the last round. */
  async #simulateArrivals(run: RunContext): Promise<void> {
    for (let index = 0; index < 3; index++) {
      const path = join(this.folder, `upload-${run.trigger}-${index}.tmp`);
      await writeFile(path, `pretend upload ${run.trigger}/${index}\n`);
      const mtime = new Date(Date.now() - Math.random() * 40_000);
      await utimes(path, mtime, mtime);
    }
  }
}

/** Calls a pretend upstream service that is slow and fails about a third of the time. */
class FlakyUpstream extends BaseJob {
  async execute(signal: AbortSignal): Promise<void> {
    await sleep(100 + Math.random() * 700, undefined, { signal });
    if (Math.random() < 0.35) throw new Error('upstream answered 503 Service Unavailable');
    this.logger.info('upstream synced');
  }
}

/** Summarises what the other jobs did, from their live state. */
class RunReport extends BaseJob {
  execute(_signal: AbortSignal, run: RunContext): void {
    const load = recentLoad.length === 0 ? null : recentLoad.reduce((sum, value) => sum + value, 0) / recentLoad.length;
    const flaky = flakyUpstream.lastRun;
    this.logger.info(
      {
        tick: run.scheduledAt?.toISOString(),
        avgLoad1: load === null ? null : Number(load.toFixed(2)),
        samples: systemLoad.triggerCount,
        filesDeleted: pruneScratch.deleted,
        flakyTriggers: flakyUpstream.triggerCount,
        flakyState: flakyUpstream.state,
        flakyLastError: flaky?.error?.message ?? null,
      },
      'report',
    );
    pruneScratch.deleted = 0;
  }
}

export const systemLoad = new SystemLoadSampler({ name: 'system-load', interval: 3, triggerOnStart: true });

export const pruneScratch = new PruneScratch({ name: 'prune-scratch', interval: 5, folder: join(DEMO_DIR, 'scratch'), maxAge: 20 });

export const flakyUpstream = new FlakyUpstream({
  name: 'flaky-upstream',
  interval: 4,
  retryWait: 1,
  retryBackoff: { factor: 2, max: 8 },
});

export const runReport = new RunReport({ name: 'run-report', cron: '*/10 * * * * *' });
