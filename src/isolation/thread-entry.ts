/**
 * The entry module of a thread-isolated job's worker thread. It imports the job's module,
 * constructs the class with the job's validated data model (inline, with a {@link PortLogger})
 * and runs the hooks the main thread asks for, answering each call with a result message.
 *
 * Not meant to be imported by applications: {@link ThreadHooks} starts it.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { JobException } from '../errors/job-exception.js';
import { RunContext, type RunSink } from '../job/run-context.js';
import { systemClock } from '../time/clock.js';
import type { JobHooks } from '../job/job-hooks.js';
import { PortLogger } from './port-logger.js';
import { decodeError, encodeError, type MainToWorker, type ThreadWorkerData, type WorkerToMain } from './thread-protocol.js';

/** The part of the job instance the worker uses. */
interface WorkerJob extends JobHooks {
  triggerCount: number;
}

type JobConstructor = new (config: Record<string, unknown>) => WorkerJob;

if (isMainThread || parentPort === null) {
  throw new Error('eleanor-jobs: thread-entry runs only as the worker of a thread-isolated job');
}
const port = parentPort;
const data = workerData as ThreadWorkerData;
const logger = new PortLogger(port, new Set(data.enabledLevels));
/** `run.logger` writes to the main thread's logger; progress and log lines stay in the thread (not yet forwarded). */
const runSink: RunSink = { logger, clock: systemClock, reportProgress: () => undefined, reportLine: () => undefined };
const job = loadJob();
// The first call reports a load failure; until then it must not count as unhandled.
job.catch(() => undefined);
const controllers = new Map<number, AbortController>();

port.on('message', (message: MainToWorker) => {
  if (message.type === 'abort') {
    controllers.get(message.id)?.abort(decodeError(message.reason));
    return;
  }
  // The controller exists before any await, so an abort that follows the call finds it.
  const controller = message.hook === 'execute' ? new AbortController() : null;
  if (controller !== null) controllers.set(message.id, controller);
  void answer(message.id, runHook(message, controller)).finally(() => controllers.delete(message.id));
});

async function loadJob(): Promise<WorkerJob> {
  const where = `export "${data.exportName}" of ${data.moduleUrl}`;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(data.moduleUrl)) as Record<string, unknown>;
  } catch (error) {
    throw new JobException(data.jobName, `cannot import its module in the worker thread: ${messageOf(error)}`, { cause: error });
  }
  const JobClass = namespace[data.exportName];
  if (typeof JobClass !== 'function') {
    const exported = Object.keys(namespace).join(', ') || 'nothing';
    throw new JobException(data.jobName, `the worker thread found no class at ${where} (the module exports: ${exported}); export the class under its name`);
  }
  if (typeof (JobClass.prototype as Partial<JobHooks> | undefined)?.execute !== 'function') {
    throw new JobException(data.jobName, `${where} is not a job class (it has no execute method)`);
  }
  return new (JobClass as JobConstructor)({ ...data.model, isolation: 'inline', logger });
}

async function runHook(message: Extract<MainToWorker, { type: 'call' }>, controller: AbortController | null): Promise<void> {
  const instance = await job;
  switch (message.hook) {
    case 'setup':
      return instance.setup();
    case 'shutdown':
      return instance.shutdown();
    case 'execute': {
      const { run } = message;
      instance.triggerCount = run.trigger;
      const signal = (controller ?? new AbortController()).signal;
      return instance.execute(signal, new RunContext(run.trigger, run.reason, run.scheduledAtMs, run.startedAtMs, run.runId, run.fence, runSink));
    }
  }
}

async function answer(id: number, pending: Promise<void>): Promise<void> {
  let result: WorkerToMain;
  try {
    await pending;
    result = { type: 'result', id, error: null };
  } catch (error) {
    result = { type: 'result', id, error: encodeError(error ?? new Error('the hook threw a nullish value')) };
  }
  port.postMessage(result);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
