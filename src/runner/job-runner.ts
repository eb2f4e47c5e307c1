/**
 * `JobRunner`: hosts a set of jobs in one process, over one store.
 *
 * ```ts
 * const runner = new JobRunner({ store: new SqliteStore({ path: './.eleanor/jobs.db' }) });
 * runner.add(new Report({ name: 'report', cron: '0 * * * *' }));
 * runner.on('run:end', ({ job, run }) => console.log(job, run.status));
 * await runner.start();
 * // ...
 * const { notStopped } = await runner.stop({ timeout: 30 });
 * ```
 */
import type { BaseJob } from '../job/base-job.js';
import { getDefaultLogger, type JobLogger } from '../job/job-logger.js';
import { RunnerMetrics } from '../metrics/runner-metrics.js';
import { RunTracer } from '../tracing/run-tracer.js';
import type { JobPause, JobStore } from '../store/job-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { ClusterControls, type PauseOptions, type TriggerAnswer, type TriggerOptions } from './cluster-controls.js';
import { describeValue } from './describe-value.js';
import { isJob } from './is-job.js';
import { createOwnerId } from './owner-id.js';
import { RecentRuns } from './recent-runs.js';
import { ReplicaHeartbeat } from './replica-heartbeat.js';
import type { RunnerEventMap } from './runner-events.js';
import { checkRunnerOptions, checkSeconds, type JobRunnerOptions } from './runner-options.js';
import { onShutdownSignals, type ShutdownSignal } from './shutdown-signals.js';
import { StoreHost } from './store-host.js';
import { TypedEmitter } from './typed-emitter.js';

/** Where a runner is in its life. A runner starts once. */
export type RunnerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** What {@link JobRunner.status} reports (for readiness probes and views). */
export interface RunnerStatus {
  readonly state: RunnerState;
  /** `true` once every job was started and until a stop begins. */
  readonly started: boolean;
  /** This process's identifier on leases and runs. */
  readonly owner: string;
  /** The store's kind (`memory`, `sqlite`, `postgres`). */
  readonly store: string;
  /** When `start()` completed (epoch ms), or `null`. */
  readonly startedAt: number | null;
  /** Number of jobs added. */
  readonly jobs: number;
}

/** Options of {@link JobRunner.stop}. */
export interface StopOptions {
  /** Seconds to wait for the jobs to end. Default: the runner's `shutdownTimeout`. */
  readonly timeout?: number;
}

/** What {@link JobRunner.stop} reports. */
export interface StopReport {
  /** Jobs whose worker ended. */
  readonly stopped: string[];
  /** Jobs still running when the timeout elapsed. */
  readonly notStopped: string[];
}

/** Extra time after `shutdownTimeout` before a signal-initiated stop gives up and exits. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Exit code of a second shutdown signal (128 + SIGINT, as shells report Ctrl-C). */
export const FORCED_EXIT_CODE = 130;

/**
 * Runs many jobs as one service: persists their runs and state through a {@link JobStore},
 * coordinates them with other replicas through its leases, feeds metrics, emits typed events
 * ({@link RunnerEventMap}) and stops them all cleanly.
 *
 * One job's failure never touches the others: each job retries on its own, and a listener
 * that throws is logged, not propagated.
 */
export class JobRunner extends TypedEmitter<RunnerEventMap> {
  /** This process's identifier on leases and runs. */
  readonly owner: string;
  /** The store (opened by `start()`, closed by `stop()`). */
  readonly store: JobStore;
  /** The runner's Prometheus metrics, on their own registry. */
  readonly metrics: RunnerMetrics;
  /** Each job's latest execution and recent failures, for views. */
  readonly recentRuns = new RecentRuns();
  /** Seconds a signal-initiated stop waits (and the default of `stop()`). */
  readonly shutdownTimeout: number;

  readonly #logger: JobLogger;
  readonly #jobs = new Map<string, BaseJob>();
  readonly #host: StoreHost;
  readonly #controls: ClusterControls;
  /** This runner's row in the store's replicas table. */
  readonly #heartbeat: ReplicaHeartbeat;
  /** Spans per run when tracing is on (see `RunTracer`). */
  readonly #tracer: RunTracer | null;
  readonly #handleSignals: boolean;
  #state: RunnerState = 'idle';
  #startedAt: number | null = null;
  #starting: Promise<void> | null = null;
  #stopping: Promise<StopReport> | null = null;
  #removeSignalHandlers: (() => void) | null = null;

  /** @param options - see {@link JobRunnerOptions}; throws `TypeError`/`RangeError` naming a bad option */
  constructor(options: JobRunnerOptions = {}) {
    const checked = checkRunnerOptions(options);
    const logger = (options.logger ?? getDefaultLogger()).child({ component: 'runner' });
    super((error, event) => logger.warn({ event: 'listener-error', err: error, listenerOf: event }, `a listener of "${event}" threw`));
    this.#logger = logger;
    this.store = options.store ?? new MemoryStore();
    this.owner = checked.owner ?? createOwnerId();
    this.shutdownTimeout = checked.shutdownTimeout;
    this.#handleSignals = checked.handleSignals;
    const tracer = checked.tracing ? new RunTracer(this.owner) : null;
    this.#tracer = tracer;
    this.#host = new StoreHost({
      store: this.store,
      owner: this.owner,
      leaseMs: checked.leaseTtl * 1000,
      pollMs: checked.pollInterval * 1000,
      claimAheadMs: checked.claimAhead * 1000,
      retention: checked.retention,
      events: this,
      logger,
      wrapExecution: tracer?.wrap,
    });
    this.#controls = new ClusterControls({
      store: this.store,
      owner: this.owner,
      pollMs: checked.pollInterval * 1000,
      jobs: (name) => this.#jobs.get(name),
      logger,
    });
    this.#heartbeat = new ReplicaHeartbeat({ store: this.store, owner: this.owner, intervalMs: checked.pollInterval * 1000, logger });
    this.metrics = new RunnerMetrics({ jobs: () => this.#jobs.values(), ...options.metrics });
    this.on('run:start', (event) => {
      this.metrics.onRunStart(event);
      this.recentRuns.record(event.run);
    });
    this.on('run:end', (event) => {
      tracer?.end(event);
      this.metrics.onRunEnd(event);
      this.recentRuns.record(event.run);
    });
    this.on('tick:unexecuted', (event) => this.metrics.onTicksUnexecuted(event));
    this.on('run:progress', ({ job, runId, progress }) => this.recentRuns.recordProgress(job, runId, progress));
  }

  /** The jobs, in the order they were added. */
  get jobs(): readonly BaseJob[] {
    return [...this.#jobs.values()];
  }

  /** The job named `name`, or `undefined`. */
  get(name: string): BaseJob | undefined {
    return this.#jobs.get(name);
  }

  /**
   * Adds jobs (all or none). Refuses anything that is not a job, a job already running on
   * its own, and a name already taken. Jobs added to a started runner start at once.
   */
  add(...jobs: BaseJob[]): this {
    if (this.#state === 'stopping' || this.#state === 'stopped') {
      throw new Error(`JobRunner.add(): the runner is ${this.#state}; add jobs before stopping it`);
    }
    const names = new Set<string>();
    for (const [index, job] of jobs.entries()) {
      if (!isJob(job)) throw new TypeError(`JobRunner.add(): argument ${index + 1} is not a job (a BaseJob instance), got ${describeValue(job)}`);
      if (this.#jobs.has(job.name) || names.has(job.name)) {
        throw new Error(`JobRunner.add(): a job named "${job.name}" is already added; job names must be unique within a runner`);
      }
      if (job.isRunning) throw new Error(`JobRunner.add(): job "${job.name}" is already running on its own; stop it first`);
      names.add(job.name);
    }
    for (const job of jobs) {
      this.#jobs.set(job.name, job);
      this.metrics.addJob(job.name);
      if (this.#state === 'running') this.#launch(job);
    }
    return this;
  }

  /**
   * Opens the store, marks runs left `running` by a previous process of this owner (or whose
   * lease is gone) as `interrupted`, and starts every job. Rejects if the store cannot be
   * opened (the runner can then be started again). A runner starts once.
   */
  start(): Promise<void> {
    if (this.#state !== 'idle') return Promise.reject(new Error(`JobRunner.start(): the runner is ${this.#state}; a runner starts once`));
    this.#state = 'starting';
    this.#starting = this.#start().catch((error: unknown) => {
      this.#state = 'idle';
      throw error;
    });
    return this.#starting;
  }

  /**
   * Requests every job to stop, waits up to `timeout` seconds for them to end (their
   * executions' signals abort), writes what is pending, and closes the store. Reports by name
   * any job that did not stop in time. Calling it again returns the same report.
   */
  stop(options: StopOptions = {}): Promise<StopReport> {
    const timeout = options.timeout === undefined ? this.shutdownTimeout : checkSeconds('stop() option "timeout"', options.timeout, true);
    this.#stopping ??= this.#stop(timeout);
    return this.#stopping;
  }

  /**
   * Pauses the job cluster-wide: the pause is kept in the store (with who, when and why), so
   * every replica sharing the store stops triggering the job within one poll, and it survives
   * restarts. Idempotent: an existing pause is kept and returned. Rejects with a `RangeError`
   * for a job this runner does not have, an `Error` while the runner is not running, the
   * store's `TypeError`/`RangeError` for a bad `by` or `reason`, and a `StoreError` when the
   * store fails.
   */
  pause(name: string, options: PauseOptions = {}): Promise<JobPause> {
    return this.#whenRunning('pause', () => this.#controls.pause(name, options));
  }

  /**
   * Ends the job's cluster-wide pause; resolves with the pause that ended, or `null` when it
   * was not paused. Ticks due while it was paused are not run. Rejects as {@link JobRunner.pause}.
   */
  resume(name: string, options: Pick<PauseOptions, 'by'> = {}): Promise<JobPause | null> {
    return this.#whenRunning('resume', () => this.#controls.resume(name, options.by));
  }

  /**
   * Queues one manual trigger of the job in the store: it runs once in the cluster, on the
   * replica that takes it (this one when the job's lease is free or its own, else the lease
   * holder, within one poll). Answers `queued` with the trigger's id, or `refused` with the
   * reason (`unknown-job`, `paused`, `already-queued`); every refusal is logged. Rejects while
   * the runner is not running, and with a `StoreError` when the store fails.
   */
  trigger(name: string, options: TriggerOptions = {}): Promise<TriggerAnswer> {
    return this.#whenRunning('trigger', () => this.#controls.trigger(name, options));
  }

  /** The job's cluster-wide pause as this runner last read it (within one poll), or `null`. */
  pauseOf(name: string): JobPause | null {
    return this.#controls.pauseOf(name);
  }

  #whenRunning<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (this.#state !== 'running') return Promise.reject(new Error(`JobRunner.${operation}(): the runner is ${this.#state}; it must be running`));
    return work();
  }

  /** Stops the runner: `await using runner = new JobRunner(...)` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Where the runner is, for readiness probes and views. */
  status(): RunnerStatus {
    return {
      state: this.#state,
      started: this.#state === 'running',
      owner: this.owner,
      store: this.store.kind,
      startedAt: this.#startedAt,
      jobs: this.#jobs.size,
    };
  }

  async #start(): Promise<void> {
    await this.#tracer?.load();
    await this.store.open();
    const interrupted = await this.store.interruptStaleRuns(this.owner);
    if (interrupted > 0) this.#logger.warn({ event: 'interrupted-runs', count: interrupted }, `${interrupted} run(s) left running by a stopped process marked interrupted`);
    try {
      await this.recentRuns.seed(this.store, Date.now());
    } catch (error) {
      this.#logger.warn({ event: 'seed-failed', err: error }, 'could not read recent runs; views start empty');
    }
    await this.#controls.load();
    this.#startedAt = Date.now();
    this.#state = 'running';
    this.#heartbeat.start(this.#startedAt);
    if (this.#handleSignals) this.#removeSignalHandlers = onShutdownSignals((signal, count) => this.#onSignal(signal, count));
    for (const job of this.#jobs.values()) this.#launch(job);
    this.#controls.start();
    const jobs = [...this.#jobs.keys()];
    this.#logger.info({ event: 'runner-start', owner: this.owner, store: this.store.kind, jobs }, `runner started with ${jobs.length} job(s)`);
    this.emit('runner:start', { owner: this.owner, jobs });
  }

  /** Binds the host and starts one job; a job that fails to start is logged, the others go on. */
  #launch(job: BaseJob): void {
    try {
      job.bindHost(this.#host);
      job.start();
      this.#controls.applyTo(job);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.#logger.error({ event: 'job-start-failed', job: job.name, err: failure }, `job "${job.name}" could not start: ${failure.message}`);
      this.emit('job:error', { job: job.name, phase: 'setup', error: failure, retryIn: null });
    }
  }

  async #stop(timeout: number): Promise<StopReport> {
    if (this.#state === 'starting') await this.#starting?.catch(() => undefined);
    const wasStarted = this.#state === 'running';
    this.#state = 'stopping';
    this.#controls.close();
    const deadline = Date.now() + timeout * 1000;
    for (const job of this.#jobs.values()) job.requestStop();
    // Most jobs end within requestStop(): only those still running are waited on (no promise per job).
    const running: [string, Promise<void>][] = [];
    for (const [name, job] of this.#jobs) if (job.isRunning) running.push([name, job.waitUntilDone(timeout)]);
    const results = await Promise.allSettled(running.map(([, done]) => done));
    const failed = new Set(running.filter((_, index) => results[index]?.status !== 'fulfilled').map(([name]) => name));
    const stopped: string[] = [];
    const notStopped: string[] = [];
    for (const name of this.#jobs.keys()) (failed.has(name) ? notStopped : stopped).push(name);
    if (wasStarted) {
      if (!(await this.#host.drain(Math.max(0, deadline - Date.now())))) {
        this.#logger.warn({ event: 'drain-timeout' }, 'some run outcomes were not written before the timeout; they show as interrupted at the next start');
      }
      this.#host.close();
      await this.#heartbeat.stop(deadline - Date.now());
      try {
        await this.store.close();
      } catch (error) {
        this.#logger.warn({ event: 'store-close-failed', err: error }, 'closing the store failed');
      }
    }
    this.#removeSignalHandlers?.();
    this.#removeSignalHandlers = null;
    this.#state = 'stopped';
    const level = notStopped.length === 0 ? 'info' : 'warn';
    this.#logger[level]({ event: 'runner-stop', stopped: stopped.length, notStopped }, notStopped.length === 0 ? 'runner stopped' : `runner stopped; still running: ${notStopped.join(', ')}`);
    const report = { stopped, notStopped };
    this.emit('runner:stop', report);
    return report;
  }

  /** First signal: stop within `shutdownTimeout`, then exit 0 (all stopped) or 1. Second: exit 130 at once. */
  #onSignal(signal: ShutdownSignal, count: number): void {
    if (count > 1) {
      this.#logger.warn({ event: 'forced-exit', signal }, `${signal} received again; exiting now`);
      process.exit(FORCED_EXIT_CODE);
    }
    this.#logger.info({ event: 'shutdown', signal, timeout: this.shutdownTimeout }, `${signal} received; stopping (up to ${this.shutdownTimeout} s, send it again to exit at once)`);
    // A Node timer, not the shared queue: it must fire (unref'd) even if the stop it guards
    // leaves the queue's timer cancelled, and it is one per process.
    const giveUp = setTimeout(() => {
      this.#logger.error({ event: 'shutdown-timeout' }, 'shutdown did not complete; exiting');
      process.exit(1);
    }, this.shutdownTimeout * 1000 + SHUTDOWN_GRACE_MS);
    giveUp.unref();
    this.stop({ timeout: this.shutdownTimeout }).then(
      (report) => process.exit(report.notStopped.length === 0 ? 0 : 1),
      (error: unknown) => {
        this.#logger.error({ event: 'shutdown-failed', err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  }
}
