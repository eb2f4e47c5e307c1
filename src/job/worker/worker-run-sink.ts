/**
 * The {@link RunSink} of a worker's executions: progress and log lines go to the worker's host
 * (a runner's store host), if it takes them; a bare job keeps progress on the run context only.
 *
 * @module
 */
import type { RunProgress } from '../../store/job-store.js';
import type { Clock } from '../../time/clock.js';
import type { JobLogger } from '../job-logger.js';
import type { RunSink } from '../run-context.js';
import type { JobWorker } from './job-worker.js';

class WorkerRunSink implements RunSink {
  readonly #worker: JobWorker;

  constructor(worker: JobWorker) {
    this.#worker = worker;
  }

  get logger(): JobLogger {
    return this.#worker.logger;
  }

  get clock(): Clock {
    return this.#worker.clock;
  }

  reportProgress(runId: string | null, progress: RunProgress): void {
    const worker = this.#worker;
    if (runId !== null) worker.host?.reportProgress?.(worker.job, runId, progress);
  }

  reportLine(runId: string | null, line: string): void {
    const worker = this.#worker;
    if (runId !== null) worker.host?.reportLine?.(worker.job, runId, line);
  }
}

const sinks = new WeakMap<JobWorker, RunSink>();

/** The worker's run sink, made on first use. */
export function runSinkOf(worker: JobWorker): RunSink {
  let sink = sinks.get(worker);
  if (sink === undefined) sinks.set(worker, (sink = new WorkerRunSink(worker)));
  return sink;
}
