/**
 * The worker of one job: the loop of `BaseJob` (restore, setup, trigger and execute, retry,
 * shutdown) as an explicit state machine over {@link WorkerPhase}. Every wait is a phase of its
 * own, and `requestStop()` ends each the same way: a timer wait (sleeping, holding a claim,
 * retry wait) is cancelled and the worker finishes at once; a wait on the host (restoring,
 * claiming, recording) settles at once and the worker finishes; a running hook sees its
 * signal abort and the worker finishes when it returns. `pause()` stops triggering the same way.
 *
 * A sleeping worker holds no promise, closure or timer of its own, only an entry in the shared
 * timer queue (100,000 idle jobs stay cheap and stop at once). Triggering is a strategy
 * ({@link cronTrigger}, {@link intervalTrigger}); the claim protocol with a runner's host is
 * `claim-protocol.ts`, a no-op without a host. Internal: its fields are shared with this folder.
 *
 * @module
 */
import { JobException } from '../../errors/job-exception.js';
import { toError } from '../../errors/to-error.js';
import type { CronSchedule } from '../../schedule/cron-schedule.js';
import type { Clock } from '../../time/clock.js';
import { sharedTimerQueue, TimerEntry } from '../../time/timer-queue.js';
import { JobActivity } from '../job-activity.js';
import { FailureLog } from '../failure-log.js';
import type { JobHooks } from '../job-hooks.js';
import type { HostedJob, JobEvent, JobHost } from '../job-host.js';
import { isolationLayer, type IsolatedJob } from '../job-isolation.js';
import type { JobLogger, JobLogLevel } from '../job-logger.js';
import type { JobState } from '../job-state.js';
import type { RetryBackoff } from '../job-fields.js';
import { retryDelaySeconds } from '../retry-delay.js';
import { PAUSED_BEFORE_START, releaseHeldClaim, restoreFromHost, STOPPED_BEFORE_START, type HeldClaim } from './claim-protocol.js';
import { cronTrigger } from './cron-trigger.js';
import { executeGranted, isPromiseLike } from './execution.js';
import { intervalTrigger } from './interval-trigger.js';
import { SETUP_DONE, STOP_REQUESTED, WorkerFlags } from './worker-flags.js';
import { publicState, type WorkerPhase } from './worker-phase.js';
import { stateEvent } from './state-events.js';

const SECOND = 1000;

/** The job a worker runs: its model, its hooks and what its isolation layer needs. */
export interface WorkerJob extends JobHooks, IsolatedJob, HostedJob {
  readonly retryWait: number;
  readonly triggerOnStart: boolean;
  readonly misfire: 'once' | 'all' | 'skip';
  readonly maxCatchUp: number;
  readonly misfireGrace: number | null;
  readonly timeout: number | null;
  readonly retryBackoff: RetryBackoff | null;
  readonly jitter: number;
  readonly isolation: 'inline' | 'thread';
}

/** What a step of the loop comes to: the worker waits (`'sleep'`), goes on, or fails. */
export type StepResult = 'sleep' | 'again' | Error;

/** How a job is triggered: on a cron schedule or after an interval. */
export interface TriggerStrategy {
  /** Runs or passes over what is due, or arms the wake-up for the next trigger. */
  advance(worker: JobWorker): Promise<StepResult>;
  /**
   * The wake-up fired: handles it without the general loop when it can (the commonest case,
   * an on-time cron tick). Returns false, having changed nothing, when the loop must decide.
   */
  wakeFast(worker: JobWorker): boolean;
}

type StopListener = () => void;

/** One job's worker (see the module documentation). */
export class JobWorker extends WorkerFlags {
  /** The job whose loop this is. */
  readonly job: WorkerJob;
  /** The compiled cron schedule, or `null` for an interval job. */
  readonly schedule: CronSchedule | null;
  /** Where "now" is read. */
  readonly clock: Clock;
  /** The logger the job was given (its child, with `job: <name>`, is {@link JobWorker.logger}). */
  readonly rootLogger: JobLogger;
  /** The state of the machine. */
  phase: WorkerPhase = 'stopped';
  /** The runner's host, or `null` for a bare job. */
  host: JobHost | null = null;
  /** Who runs the hooks this (re)start: the job itself, or an isolation stand-in. */
  hooks: JobHooks;
  /** The job's trigger count. */
  triggerCount: number;
  /** The latest execution and the counters, allocated on first use. */
  activity: JobActivity | null = null;
  /** Cron: the newest tick run or passed over (epoch ms). */
  lastTick = 0;
  /** Cron: the tick the job sleeps for, or NaN when it is not sleeping for one. */
  waitedFor = Number.NaN;
  /** Cron: the jitter (ms) drawn for the tick the job sleeps for. */
  pendingJitterMs = 0;
  /** Cron: after an on-time run, the tick that follows it (already computed), else NaN. */
  followingTick = Number.NaN;
  /** Interval: when the latest execution ended (epoch ms). */
  lastEnd = 0;
  /** Cron under a host that claims ahead: the tick granted and not yet due, else null. */
  heldClaim: HeldClaim | null = null;
  /**
   * Aborts the running execution on stop. Shared by successive executions while none leaves
   * a listener on its signal (creating one costs microseconds, which back-to-back executions
   * cannot afford); replaced as soon as one does, so listeners never pile up.
   */
  runController: AbortController | null = null;
  /** Ends the wait on the host in progress, else null. */
  cancelHostWait: (() => void) | null = null;
  #logger: JobLogger | null = null;
  #wakeup: TimerEntry<JobWorker> | null = null;
  #stopListeners: StopListener[] | null = null;

  /** A stopped worker for `job`. */
  constructor(job: WorkerJob, schedule: CronSchedule | null, triggerCount: number, rootLogger: JobLogger, clock: Clock) {
    super();
    this.job = job;
    this.schedule = schedule;
    this.triggerCount = triggerCount;
    this.rootLogger = rootLogger;
    this.clock = clock;
    this.hooks = job;
  }

  /** How the job is triggered. */
  get trigger(): TriggerStrategy {
    return this.schedule === null ? intervalTrigger : cronTrigger;
  }

  /** The public state. */
  get state(): JobState {
    return publicState(this.phase, this.stopRequested);
  }

  /** A logger whose entries carry `job: <name>`. */
  get logger(): JobLogger {
    this.#logger ??= this.rootLogger.child({ job: this.job.name });
    return this.#logger;
  }

  /** When the next trigger is due while the worker sleeps for it, else `null`. */
  get nextRunAt(): number | null {
    if ((this.phase !== 'sleeping' && this.phase !== 'holding') || this.#wakeup?.isQueued !== true) return null;
    // A cron job under a host that claims ahead wakes before its tick to claim it.
    return Number.isNaN(this.waitedFor) ? this.#wakeup.dueAt : this.waitedFor + this.pendingJitterMs;
  }

  // ---- controls ---------------------------------------------------------------------------

  /** Starts the loop (the job checked it is stopped). */
  start(): void {
    this.resetFlags();
    if (this.activity !== null) this.activity.failures = 0;
    this.lastTick = this.clock.now();
    this.log('info', { event: 'start', cron: this.job.cron, interval: this.job.interval }, 'job started');
    void this.boot();
  }

  /** Ends whatever the worker waits on or does, the same way for every phase (module documentation). */
  requestStop(): void {
    const phase = this.phase;
    if (phase === 'stopped' || (this.flags & STOP_REQUESTED) !== 0) return;
    // Read only for a host (stopping 10,000 bare jobs must stay cheap).
    const before = this.host === null ? null : this.state;
    this.flags |= STOP_REQUESTED;
    switch (phase) {
      case 'sleeping':
      case 'holding':
      case 'paused':
        // While it waits no hook runs, so nothing can be listening to the signal (an ended
        // execution that left a listener has its own): it is dropped, not aborted (an abort
        // costs ~7 µs, which adds up when a service stops 10,000 jobs).
        this.runController = null;
        this.#report(before);
        void this.finish();
        break;
      case 'retry-wait':
        this.runController = null;
        this.end();
        break;
      default:
        // A hook runs (its signal aborts; the loop goes on when it returns) or the host is
        // waited on (the wait settles at once).
        this.runController?.abort(new JobException(this.job.name, 'stop requested'));
        this.#report(before);
        this.cancelHostWait?.();
    }
  }

  /** Stops triggering (see `BaseJob.pause`). */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (this.phase === 'sleeping' || this.phase === 'holding') {
      this.cancelWakeup();
      releaseHeldClaim(this, PAUSED_BEFORE_START);
      this.enter('paused');
    } else if (this.phase === 'claiming' && !this.claimingManual) {
      // The claim (perhaps on a store that hangs) is not waited for: a grant that still comes
      // is handed back, and the loop moves to `paused`.
      this.cancelHostWait?.();
    }
    this.log('info', { event: 'pause' }, 'job paused');
  }

  /** Resumes triggering after {@link JobWorker.pause}. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.log('info', { event: 'resume' }, 'job resumed');
    if (this.phase === 'paused') {
      const now = this.clock.now();
      this.lastTick = Math.max(this.lastTick, now);
      this.lastEnd = now;
      this.waitedFor = Number.NaN;
      this.followingTick = Number.NaN;
      void this.advance();
    }
  }

  /** Triggers one execution as soon as the worker is idle. */
  triggerNow(): void {
    this.manualPending = true;
    if (this.phase === 'sleeping' || this.phase === 'holding' || this.phase === 'paused') {
      this.cancelWakeup();
      void this.advance();
    }
  }

  /** Resolves when the worker has ended. */
  whenStopped(listener: StopListener): void {
    (this.#stopListeners ??= []).push(listener);
  }

  /** Forgets a listener added with {@link JobWorker.whenStopped}. */
  forget(listener: StopListener): void {
    const listeners = this.#stopListeners;
    const index = listeners === null ? -1 : listeners.indexOf(listener);
    if (index !== -1) listeners?.splice(index, 1);
  }

  // ---- the loop ---------------------------------------------------------------------------

  /** (Re)starts the loop: restore state, setup, optional start trigger, then the schedule. */
  async boot(): Promise<void> {
    this.runController = null;
    this.enter(!this.restored && this.host !== null ? 'restoring' : 'setting-up');
    try {
      if (!this.restored && !(await restoreFromHost(this))) return;
      this.hooks = this.job.isolation === 'inline' ? this.job : isolationLayer(this.job.isolation).hooksFor(this.job);
      this.enter('setting-up');
      await this.hooks.setup();
      this.setupDone = true;
      if (this.stopRequested) return await this.finish();
      this.lastEnd = this.clock.now();
      this.waitedFor = Number.NaN;
      this.followingTick = Number.NaN;
      if (this.job.triggerOnStart && !this.paused) {
        const outcome = await executeGranted(this, 'start', null, null, null);
        if (outcome instanceof Error) return await this.fail(outcome, 'execute');
        if (outcome === 'sleep') return;
      }
    } catch (error) {
      return await this.fail(toError(error), this.setupDone ? 'execute' : 'setup');
    }
    await this.advance();
  }

  /**
   * Decides what the worker does next and does it, until it must wait: stop, a manual
   * trigger, pause, due executions, or arming the wake-up for the next trigger.
   */
  async advance(): Promise<void> {
    // The first decision after setup still reads as `starting` (until the worker sleeps or runs).
    if (this.phase !== 'setting-up') this.enter('deciding');
    try {
      for (;;) {
        if (this.stopRequested) return await this.finish();
        // A manual trigger waits for a tick claimed ahead, which is at most claimAheadMs away.
        if (this.manualPending && this.heldClaim === null) {
          this.manualPending = false;
          const outcome = await executeGranted(this, 'manual', null, null, null);
          if (outcome instanceof Error) return await this.fail(outcome, 'execute');
          if (outcome === 'sleep') return;
          continue;
        }
        if (this.paused) {
          releaseHeldClaim(this, PAUSED_BEFORE_START);
          this.enter('paused');
          return;
        }
        const next = await this.trigger.advance(this);
        if (next === 'sleep') return;
        if (next instanceof Error) return await this.fail(next, 'execute');
      }
    } catch (error) {
      await this.fail(toError(error), 'execute');
    }
  }

  /** The error path: log, shut down if set up, wait `retryWait` (or backoff), restart. */
  async fail(error: Error, phase: 'setup' | 'execute'): Promise<void> {
    this.runController = null;
    const activity = this.recordActivity();
    activity.failures++;
    const retryIn = this.stopRequested ? null : retryDelaySeconds(activity.failures, this.job.retryWait, this.job.retryBackoff);
    const logged = this.isLogged('error') && (activity.failureLog ??= new FailureLog()).record(this.logger, phase, error, retryIn);
    this.emit({ type: 'error', phase, error, retryIn });
    await this.#shutdownIfSetUp();
    if (this.stopRequested || retryIn === null) return this.end();
    if (logged) this.log('info', { event: 'retry-wait', retryIn }, `restarting in ${retryIn} s`);
    this.restartIn(retryIn * SECOND);
  }

  /** Waits (phase `retry-wait`, ended by a stop) and then restarts the loop from the top. */
  restartIn(delayMs: number): void {
    if (this.stopRequested) return this.end();
    this.#arm(this.clock.now() + delayMs);
    this.enter('retry-wait');
  }

  /** Arms the wake-up and waits in `phase`; finishes instead when a stop was requested. */
  sleepUntil(dueAt: number, phase: 'sleeping' | 'holding' = 'sleeping'): 'sleep' {
    if (this.stopRequested) {
      void this.finish();
      return 'sleep';
    }
    this.#arm(dueAt);
    this.enter(phase);
    return 'sleep';
  }

  /** Sleeps with no wake-up (a stop, a pause or a manual trigger ends it). */
  sleepForever(): 'sleep' {
    this.enter('sleeping');
    return 'sleep';
  }

  /** Cancels the armed wake-up, if any. */
  cancelWakeup(): void {
    if (this.#wakeup !== null) sharedTimerQueue.cancel(this.#wakeup);
  }

  /** Stop path: shutdown (if set up), then end the worker; synchronous when shutdown is. */
  finish(): void | Promise<void> {
    this.enter('shutting-down');
    const pending = this.#shutdownIfSetUp();
    if (pending === undefined) return this.end();
    return pending.then(() => this.end());
  }

  /** The worker has ended: notify waiters and the host. */
  end(): void {
    this.cancelWakeup();
    if (this.heldClaim !== null) releaseHeldClaim(this, STOPPED_BEFORE_START);
    this.runController = null;
    this.enter('stopped');
    const failureLog = this.activity?.failureLog;
    if (failureLog != null && this.isLogged('error')) failureLog.flush(this.logger);
    if (this.isLogged('info')) this.log('info', { event: 'stop', triggerCount: this.triggerCount }, 'job stopped');
    if (this.host !== null) this.host.detach(this.job)?.catch((error: unknown) => this.reportHostError(error));
    const listeners = this.#stopListeners;
    this.#stopListeners = null;
    if (listeners !== null) for (const listener of listeners) listener();
  }

  /** Runs shutdown once per successful setup; returns a promise only if shutdown returned one. */
  #shutdownIfSetUp(): Promise<void> | undefined {
    if ((this.flags & SETUP_DONE) === 0) return undefined;
    this.flags &= ~SETUP_DONE;
    let result: void | Promise<void>;
    try {
      result = this.hooks.shutdown();
    } catch (error) {
      this.#reportShutdownError(error);
      return undefined;
    }
    if (!isPromiseLike(result)) return undefined;
    return Promise.resolve(result).then(undefined, (error: unknown) => this.#reportShutdownError(error));
  }

  #reportShutdownError(error: unknown): void {
    const failure = toError(error);
    this.log('error', { event: 'error', phase: 'shutdown', err: failure }, `job shutdown failed: ${failure.message}`);
    this.emit({ type: 'error', phase: 'shutdown', error: failure, retryIn: null });
  }

  #arm(dueAt: number): void {
    this.#wakeup ??= new TimerEntry(JobWorker.#wake, this as JobWorker);
    sharedTimerQueue.schedule(this.#wakeup, dueAt);
  }

  /** The one wake-up callback shared by every worker's timer entry (no closure per job). */
  static readonly #wake = (worker: JobWorker): void => worker.#onWake();

  /** The shared timer queue woke the worker: a trigger, a held claim or a retry is due. */
  #onWake(): void {
    if (this.phase === 'retry-wait') {
      void this.boot();
    } else if ((this.phase === 'sleeping' || this.phase === 'holding') && !this.trigger.wakeFast(this)) {
      void this.advance();
    }
  }

  // ---- helpers shared with the strategies ---------------------------------------------------

  /** Moves to `phase`, reporting the public state to the host when it changes. */
  enter(phase: WorkerPhase): void {
    if (this.host === null) {
      this.phase = phase;
      return;
    }
    const before = this.state;
    this.phase = phase;
    this.#report(before);
  }

  /** Reports the public state to the host if it changed from `before` (`null`: no host). */
  #report(before: JobState | null): void {
    if (before === null) return;
    const state = this.state;
    if (state !== before && this.host !== null) this.emit(stateEvent(state));
  }

  /** The activity record, allocated on first use. */
  recordActivity(): JobActivity {
    this.activity ??= new JobActivity();
    return this.activity;
  }

  /** Reports an event to the host, if any; a host that throws is logged. */
  emit(event: JobEvent): void {
    if (this.host === null) return;
    try {
      this.host.onEvent(this.job, event);
    } catch (error) {
      this.log('warn', { event: 'host-error', err: toError(error) }, 'the host failed to handle an event');
    }
  }

  /** Logs and reports a failure of the host (the store is unreachable, say). */
  reportHostError(error: unknown): void {
    const failure = toError(error);
    this.log('warn', { event: 'host-error', err: failure }, `the job host failed: ${failure.message}`);
    this.emit({ type: 'error', phase: 'host', error: failure, retryIn: null });
  }

  /** A random delay in [0, jitter) seconds, in ms, for one scheduled trigger. */
  drawJitterMs(): number {
    return this.job.jitter === 0 ? 0 : Math.random() * this.job.jitter * SECOND;
  }

  /** Whether entries at `level` are written (true when the logger cannot tell). */
  isLogged(level: JobLogLevel): boolean {
    return this.rootLogger.isLevelEnabled?.(level) !== false;
  }

  /** Writes a log entry carrying the job name; disabled levels cost no child logger. */
  log(level: JobLogLevel, bindings: Record<string, unknown>, message: string): void {
    if (this.isLogged(level)) this.logger[level](bindings, message);
  }
}
