/**
 * `isolation: 'thread'`: the stand-in that runs a job's hooks in a dedicated worker thread.
 *
 * The job's loop (scheduling, retry waits, the store, logging) stays on the main thread and
 * calls this stand-in's `setup()`, `execute(signal, run)` and `shutdown()` exactly as it
 * calls an inline job's. Each (re)start gets a fresh worker: created in `setup()`, terminated
 * after `shutdown()`, or at once when setup fails or the worker dies. Abort of the main-side
 * signal is forwarded; a worker that has not returned `stopGrace` seconds later is
 * terminated. Anything that ends the worker (uncaught exception, `process.exit`, out of
 * memory, termination) rejects the running hook with a {@link JobThreadError}; nothing ever
 * escapes as an unhandled rejection or uncaught exception on the main thread.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { JobHooks } from '../job/job-hooks.js';
import type { IsolatedJob } from '../job/job-isolation.js';
import type { JobLogLevel } from '../job/job-logger.js';
import type { RunContext } from '../job/run-context.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';
import { locateJobClass, type JobClassLocation, type ThreadJobClass } from './job-class-location.js';
import { JobThreadError } from './job-thread-error.js';
import {
  LOG_LEVELS,
  decodeError,
  encodeError,
  fromCloneable,
  type MainToWorker,
  type RunData,
  type ThreadHookName,
  type ThreadWorkerData,
  type WorkerToMain,
} from './thread-protocol.js';

/** The part of a job the stand-in uses (a `BaseJob` has all of it). */
export type ThreadedJob = IsolatedJob;

interface PendingCall {
  readonly hook: ThreadHookName;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const SECOND = 1000;
const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';
/** This module runs as TypeScript (under tsx or vitest) rather than compiled JavaScript. */
const RUNNING_FROM_SOURCE = /\.[cm]?tsx?$/.test(new URL(import.meta.url).pathname);
const ENTRY_URL = new URL(RUNNING_FROM_SOURCE ? './thread-entry.ts' : './thread-entry.js', import.meta.url).href;

/** The worker of the previous (re)start of each job, terminated if still alive (safety net). */
const latestByJob = new WeakMap<ThreadedJob, ThreadHooks>();

/**
 * Runs one (re)start of a thread-isolated job: a {@link JobHooks} whose hooks run the job
 * class's hooks in a worker thread named after the job. `BaseJob` creates one per (re)start
 * when `isolation` is `'thread'`.
 */
export class ThreadHooks implements JobHooks {
  readonly #job: ThreadedJob;
  readonly #jobClass: ThreadJobClass;
  #worker: Worker | null = null;
  #threadId: number | null = null;
  #exited: Promise<void> = Promise.resolve();
  readonly #pending = new Map<number, PendingCall>();
  #nextId = 1;
  /** Why the worker is gone, for hooks called after it ended. */
  #failure: JobThreadError | null = null;
  /** The stand-in is terminating the worker on purpose... */
  #terminating = false;
  /** ... and, if not after a clean shutdown, why (pending hooks reject with it). */
  #terminationReason: JobThreadError | null = null;
  /** The worker's `error` event, kept until its `exit`. */
  #crash: unknown = undefined;

  /**
   * @param job - the job whose hooks to run (its class must declare `static moduleUrl`)
   * @param jobClass - the job's class; defaults to `job.constructor`
   */
  constructor(job: ThreadedJob, jobClass: ThreadJobClass = job.constructor as unknown as ThreadJobClass) {
    this.#job = job;
    this.#jobClass = jobClass;
    const previous = latestByJob.get(job);
    if (previous !== undefined) void previous.#terminate(null);
    latestByJob.set(job, this);
  }

  /** The worker's thread id while it runs, else `null`. */
  get threadId(): number | null {
    return this.#worker === null ? null : this.#threadId;
  }

  /**
   * Starts the worker (loading the job's class there with its data model) and runs the
   * class's `setup()` in it. On failure the worker is terminated and the error rethrown.
   */
  async setup(): Promise<void> {
    if (this.#worker !== null) throw new JobThreadError(this.#job.name, 'spawn-failed', 'setup', null, 'setup called twice on the same worker thread');
    const startedAt = performance.now();
    this.#spawn(locateJobClass(this.#job.name, this.#jobClass));
    try {
      await this.#call('setup', null).promise;
    } catch (error) {
      await this.#terminate(null);
      throw error;
    }
    this.#log('debug', { event: 'thread-ready', threadId: this.#threadId, startMs: Math.round(performance.now() - startedAt) }, 'worker thread set up');
  }

  /**
   * Runs the class's `execute` in the worker with a rebuilt `RunContext`. When `signal`
   * aborts, the worker's signal aborts with the same message; if the worker has not answered
   * `stopGrace` seconds later it is terminated and this rejects with a {@link JobThreadError}.
   */
  execute(signal: AbortSignal, run: RunContext): Promise<void> {
    const data: RunData = { trigger: run.trigger, reason: run.reason, scheduledAtMs: run.scheduledAtMs, startedAtMs: run.startedAtMs, runId: run.runId, fence: run.fence };
    const { id, promise } = this.#call('execute', data);
    if (id === null) return promise;
    let grace: TimerEntry | null = null;
    const onAbort = (): void => {
      const reason = signal.reason as unknown;
      this.#post({ type: 'abort', id, reason: encodeError(reason) });
      const why = reason instanceof Error ? reason.message : String(reason);
      grace = this.#armGrace('execute', `after its signal aborted (${why})`);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return promise.finally(() => {
      signal.removeEventListener('abort', onAbort);
      if (grace !== null) sharedTimerQueue.cancel(grace);
    });
  }

  /**
   * Runs the class's `shutdown()` in the worker, then terminates the worker. A no-op when
   * the worker is already gone (it crashed or was terminated). While the job is stopping,
   * the worker gets `stopGrace` seconds for it before it is terminated.
   */
  async shutdown(): Promise<void> {
    if (this.#worker === null) return;
    const { promise } = this.#call('shutdown', null);
    const grace = this.#job.state === 'stopping' ? this.#armGrace('shutdown', 'after the stop request') : null;
    try {
      await promise;
    } finally {
      if (grace !== null) sharedTimerQueue.cancel(grace);
      await this.#terminate(null);
    }
  }

  // ---- the worker ---------------------------------------------------------------------

  #spawn(location: JobClassLocation): void {
    const job = this.#job;
    const data: ThreadWorkerData = {
      jobName: job.name,
      moduleUrl: location.moduleUrl,
      exportName: location.exportName,
      model: { ...job.toJSON(), isolation: 'inline' },
      enabledLevels: LOG_LEVELS.filter((level) => job.logger.isLevelEnabled?.(level) !== false),
    };
    let worker: Worker;
    try {
      worker = new Worker(bootstrapSource(location.moduleUrl), {
        eval: true,
        name: job.name,
        workerData: data,
        ...(job.resourceLimits === null ? {} : { resourceLimits: { ...job.resourceLimits } }),
      });
    } catch (error) {
      const cloneHint = error instanceof Error && error.name === 'DataCloneError' ? "; the job's fields must be structured-cloneable (no functions or class instances)" : '';
      const detail = `cannot start its worker thread: ${error instanceof Error ? error.message : String(error)}${cloneHint}`;
      throw new JobThreadError(job.name, 'spawn-failed', 'setup', null, detail, { cause: error });
    }
    this.#worker = worker;
    this.#threadId = worker.threadId;
    this.#failure = null;
    this.#crash = undefined;
    this.#terminating = false;
    this.#terminationReason = null;
    this.#exited = new Promise<void>((resolve) => {
      worker.once('exit', (code: number) => {
        this.#onExit(code);
        resolve();
      });
    });
    worker.on('message', (message: WorkerToMain) => {
      try {
        this.#onMessage(message);
      } catch (error) {
        // Only a throwing logger can get here; it must not become an uncaught exception.
        process.emitWarning(error instanceof Error ? error : String(error), 'EleanorThreadWarning');
      }
    });
    worker.on('messageerror', (error: Error) => {
      this.#log('warn', { event: 'thread-message-error', err: error }, `a message from the worker thread could not be read: ${error.message}`);
    });
    // An 'error' is always followed by 'exit', which settles the pending hooks.
    worker.on('error', (error: unknown) => {
      this.#crash ??= error ?? new Error('the worker thread threw a nullish value');
    });
    this.#log('debug', { event: 'thread-start', threadId: worker.threadId }, 'worker thread started');
  }

  #onMessage(message: WorkerToMain): void {
    if (message.type === 'log') {
      this.#relayLog(message);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (pending === undefined) return;
    this.#pending.delete(message.id);
    if (message.error === null) pending.resolve();
    else pending.reject(decodeError(message.error));
  }

  /** Writes a worker's log entry through the job's logger, which adds `job: <name>`. */
  #relayLog(message: Extract<WorkerToMain, { type: 'log' }>): void {
    const bindings = fromCloneable(message.bindings) as Record<string, unknown>;
    if (bindings.job === this.#job.name) delete bindings.job;
    const args = message.args.map(fromCloneable);
    const write = this.#job.logger[message.level];
    if (message.message === undefined && args.length === 0) write(bindings);
    else write(bindings, message.message, ...args);
  }

  #onExit(code: number): void {
    const crash = this.#crash;
    const expected = this.#terminating;
    const firstPending = this.#pending.values().next();
    const hook = firstPending.done === true ? null : firstPending.value.hook;
    const failure = this.#terminationReason ?? (expected && crash === undefined ? null : this.#describeExit(code, crash, hook));
    this.#worker = null;
    this.#crash = undefined;
    this.#failure = failure ?? new JobThreadError(this.#job.name, 'exited', null, code, 'the worker thread has been shut down');
    this.#log('debug', { event: 'thread-exit', threadId: this.#threadId, exitCode: code }, 'worker thread exited');
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(this.#failure);
    if (pending.length === 0 && !expected && failure !== null) {
      // Died between hooks (e.g. a stray timer threw): the next hook reports it to the loop.
      this.#log('error', { event: 'thread-failed', err: failure }, `${failure.message}; the next trigger fails and restarts it`);
    }
  }

  #describeExit(code: number, crash: unknown, hook: ThreadHookName | null): JobThreadError {
    const name = this.#job.name;
    const when = hook === null ? 'between hooks' : `during ${hook}`;
    if (crash === undefined) return new JobThreadError(name, 'exited', hook, code, `worker thread exited with code ${code} ${when}`);
    const error = crash instanceof Error ? crash : new Error(String(crash));
    const errorCode = (error as Error & { code?: unknown }).code;
    if (errorCode === OUT_OF_MEMORY) {
      const limits = JSON.stringify(this.#job.resourceLimits);
      return new JobThreadError(name, 'out-of-memory', hook, code, `worker thread ran out of memory ${when} (${OUT_OF_MEMORY}, resourceLimits ${limits})`, { cause: error });
    }
    const label = typeof errorCode === 'string' ? `${errorCode}: ` : '';
    return new JobThreadError(name, 'crashed', hook, code, `worker thread crashed ${when}: ${label}${error.message}`, { cause: error });
  }

  /** Sends a hook call; `id` is `null` when the worker is gone (the promise then rejects). */
  #call(hook: ThreadHookName, run: RunData | null): { id: number | null; promise: Promise<void> } {
    if (this.#worker === null || this.#terminating) {
      const failure = this.#failure ?? new JobThreadError(this.#job.name, 'exited', hook, null, 'the worker thread is not running');
      return { id: null, promise: Promise.reject(failure) };
    }
    const id = this.#nextId++;
    const promise = new Promise<void>((resolve, reject) => this.#pending.set(id, { hook, resolve, reject }));
    this.#post(hook === 'execute' ? { type: 'call', id, hook, run: run as RunData } : { type: 'call', id, hook: hook as 'setup' | 'shutdown' });
    return { id, promise };
  }

  #post(message: MainToWorker): void {
    this.#worker?.postMessage(message);
  }

  /** Arms the stop-grace timer: past it, the worker is terminated and `hook` rejects. */
  #armGrace(hook: ThreadHookName, after: string): TimerEntry {
    const grace = this.#job.stopGrace;
    const entry = new TimerEntry(() => {
      const detail = `worker thread terminated: ${hook} did not return within stopGrace (${grace} s) ${after}`;
      void this.#terminate(new JobThreadError(this.#job.name, 'terminated', hook, null, detail));
    });
    sharedTimerQueue.schedule(entry, Date.now() + grace * SECOND);
    return entry;
  }

  /** Terminates the worker (if alive) and resolves once it has exited. Never rejects. */
  async #terminate(reason: JobThreadError | null): Promise<void> {
    const worker = this.#worker;
    if (worker === null) return;
    if (reason !== null) this.#terminationReason ??= reason;
    if (!this.#terminating) {
      this.#terminating = true;
      worker.terminate().catch(() => undefined);
    }
    await this.#exited;
  }

  /** Writes through the job's logger; a logger that throws cannot break the stand-in. */
  #log(level: JobLogLevel, bindings: Record<string, unknown>, message: string): void {
    try {
      const logger = this.#job.logger;
      if (logger.isLevelEnabled?.(level) === false) return;
      logger[level](bindings, message);
    } catch (error) {
      process.emitWarning(error instanceof Error ? error : String(error), 'EleanorThreadWarning');
    }
  }
}

/**
 * The worker's bootstrap script: registers tsx when TypeScript has to be loaded (the entry
 * runs from `src/`, the job's module is TypeScript, or the process itself runs under tsx),
 * then imports the entry module. Node 20 ignores `--import` in a worker's `execArgv`, so the
 * loader is registered from the script itself.
 */
function bootstrapSource(moduleUrl: string): string {
  const importEntry = `import(${JSON.stringify(ENTRY_URL)})`;
  if (!needsTypeScript(moduleUrl)) return `${importEntry};`;
  return `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return ${importEntry}; });`;
}

function needsTypeScript(moduleUrl: string): boolean {
  if (RUNNING_FROM_SOURCE) return true;
  if (/\.[cm]?tsx?$/.test(URL.canParse(moduleUrl) ? new URL(moduleUrl).pathname : moduleUrl)) return true;
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('tsx'));
}

let tsxApi: string | null = null;

/** The URL of tsx's ESM API (`tsx/esm/api`, import condition), from tsx's package manifest. */
function tsxApiUrl(): string {
  if (tsxApi !== null) return tsxApi;
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const entry = manifest.exports?.['./esm/api'];
  const target = typeof entry === 'object' && typeof entry.import?.default === 'string' ? entry.import.default : './dist/esm/api/index.mjs';
  tsxApi = pathToFileURL(join(dirname(manifestPath), target)).href;
  return tsxApi;
}
