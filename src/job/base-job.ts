/**
 * `BaseJob`: the seed's base class for backend jobs.
 *
 * A subclass implements `execute(signal, run)` (and optionally `setup()` and `shutdown()`);
 * `start()` runs the job's worker: setup, then trigger and execute on the cron schedule or
 * after each interval, then shutdown on stop. Any error restarts the loop from `setup()`
 * after `retryWait` seconds.
 *
 * The worker is an explicit state machine rather than one long-lived async function: a
 * sleeping job holds no promise, closure or timer of its own, only an entry in the shared
 * {@link TimerQueue}, which is what lets a process hold 100,000 idle jobs cheaply and stop
 * them at once.
 */
import { getEventListeners } from 'node:events';
import { JobException } from '../errors/job-exception.js';
import { JobTimeoutError } from '../errors/job-timeout-error.js';
import { locateJobClass } from '../isolation/job-class-location.js';
import { ThreadHooks } from '../isolation/thread-hooks.js';
import { earliestFireAfter, type CronSchedule } from '../schedule/cron-schedule.js';
import { ON_TIME_TOLERANCE_MS, planDueTicks, type TickPlan } from '../schedule/misfire-plan.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';
import { baseJobFields, type BaseJobConfig, type JobFieldShape, type ResourceLimits, type RetryBackoff } from './job-fields.js';
import { JobActivity } from './job-activity.js';
import { checkTriggerFields, isLogger } from './job-config-rules.js';
import { toError } from '../errors/to-error.js';
import type { JobHooks } from './job-hooks.js';
import { getDefaultLogger, type JobLogLevel, type JobLogger } from './job-logger.js';
import { MODEL_VALUES, jsonSchemaOf, modelDefinitionOf, validateModel, type ModelClass, type ModelHolder } from './job-model.js';
import type { ExecutionGrant, ExecutionOutcome, JobEvent, JobHost, RestoredJobState, UnexecutedTicks } from './job-host.js';
import type { JobState, LastRun } from './job-state.js';
import { retryDelaySeconds } from './retry-delay.js';
import { RunContext, type TriggerReason } from './run-context.js';

/** Options of a job that are not part of its data model. */
export interface JobRuntimeOptions {
  /** Logger for this job (any pino-compatible logger). Default: the shared pino logger. */
  readonly logger?: JobLogger;
}

/** What a job's constructor accepts: the base fields, runtime options and subclass fields. */
export type JobConfig<Extra extends object = Record<never, never>> = BaseJobConfig & JobRuntimeOptions & Extra;

/** Back-to-back executions (`interval: 0`) yield to the event loop at least this often. */
const YIELD_EVERY_MS = 1;
/** ... checking the time once per this many executions. */
const YIELD_CHECK_EVERY = 64;

const SECOND = 1000;

/** What {@link BaseJob.waitUntilDone} returns when the worker has already ended: one settled promise for all. */
const DONE: Promise<void> = Promise.resolve();

type StopListener = () => void;

/** Why a grant is handed back unexecuted when the job stops before it runs. */
const STOPPED_BEFORE_START = 'stopped before the execution started';
/** Why a tick claimed ahead is handed back when the job is paused before it is due. */
const PAUSED_BEFORE_START = 'paused before the execution started';
/** Why a grant is handed back when its lease is not live any more when it is due to execute. */
const LEASE_EXPIRED_BEFORE_START = 'the lease expired before the execution started';

/** What a wait on the host settles with when a stop cancels it. */
const CANCELLED: unique symbol = Symbol('cancelled');

/** Cron, under a host that claims ahead: a tick granted before it is due, executed when it is. */
interface HeldClaim {
  readonly grant: ExecutionGrant;
  readonly tickAt: number;
  /** The tick plus its jitter: when the execution starts (epoch ms). */
  readonly scheduledAt: number;
}

/**
 * Base class for backend jobs: subclass it, implement {@link BaseJob.execute}, then
 * {@link BaseJob.start} it.
 *
 * @typeParam Extra - the configuration of fields the subclass adds (declare them in
 *   `static fields` and as `declare readonly` properties).
 */
export abstract class BaseJob<Extra extends object = Record<never, never>> implements ModelHolder {
  /**
   * The data model: one zod schema per field. Subclasses add fields with
   * `static override fields = { ...BaseJob.fields, myField: z.string().meta({ title, description, readOnly: true }) }`.
   */
  static fields: JobFieldShape = baseJobFields;

  /** The JSON Schema of this class's data model, with each field's title and description. */
  static jsonSchema(this: ModelClass): Record<string, unknown> {
    return jsonSchemaOf(modelDefinitionOf(this), this.name);
  }

  /** Name of the job, used to identify its worker and its activities in the logs. Frozen. */
  declare readonly name: string;
  /** Cron expression that triggers the job (exclusive with `interval`). Frozen. */
  declare readonly cron: string | null;
  /** Seconds between the end of one execution and the next trigger (exclusive with `cron`). Frozen. */
  declare readonly interval: number | null;
  /** Seconds to wait before restarting after an error. Frozen. */
  declare readonly retryWait: number;
  /** Whether the job triggers at once on (re)start. Frozen. */
  declare readonly triggerOnStart: boolean;
  /** IANA zone in which `cron` is evaluated; `null` for the process's zone. Frozen. */
  declare readonly timezone: string | null;
  /** What a cron job does with missed ticks. Frozen. */
  declare readonly misfire: 'once' | 'all' | 'skip';
  /** With misfire `all`, the most missed ticks run at once. Frozen. */
  declare readonly maxCatchUp: number;
  /** Missed ticks older than this many seconds are dropped; `null` keeps them. Frozen. */
  declare readonly misfireGrace: number | null;
  /** Seconds an execution may run before its signal aborts; `null` for no limit. Frozen. */
  declare readonly timeout: number | null;
  /** Exponential backoff of the retry wait, or `null` for the fixed `retryWait`. Frozen. */
  declare readonly retryBackoff: RetryBackoff | null;
  /** Random delay in [0, jitter) seconds added to each scheduled trigger. Frozen. */
  declare readonly jitter: number;
  /** Where the hooks run: on the main event loop, or in a worker thread. Frozen. */
  declare readonly isolation: 'inline' | 'thread';
  /** Thread isolation: seconds a worker may take to stop before it is terminated. Frozen. */
  declare readonly stopGrace: number;
  /** Thread isolation: the worker's memory and stack limits. Frozen. */
  declare readonly resourceLimits: ResourceLimits | null;

  /** @internal Validated field values (see job-model). */
  declare [MODEL_VALUES]: Record<string, unknown>;

  readonly #schedule: CronSchedule | null;
  readonly #rootLogger: JobLogger;
  #logger: JobLogger | null = null;
  #host: JobHost | null = null;
  #wakeup: TimerEntry<BaseJob<object>> | null = null;
  /** Who runs the hooks this (re)start: the job itself, or an isolation stand-in. */
  #hooks: JobHooks = this;

  #triggerCount: number;
  #state: JobState = 'stopped';
  #stopRequested = false;
  #restored = false;
  #paused = false;
  #manualPending = false;
  #setupDone = false;
  #activity: JobActivity | null = null;
  /** Cron: the newest tick run or passed over (epoch ms). */
  #lastTick = 0;
  /** Cron: the tick the job sleeps for, or NaN when it is not sleeping for one. */
  #waitedFor = Number.NaN;
  /** Cron: the jitter (ms) drawn for the tick the job sleeps for. */
  #pendingJitterMs = 0;
  /** Cron: after an on-time run, the tick that follows it (already computed), else NaN. */
  #followingTick = Number.NaN;
  /** Interval: when the latest execution ended (epoch ms). */
  #lastEnd = 0;
  /** Cron under a host that claims ahead: the tick granted and not yet due, else null. */
  #heldClaim: HeldClaim | null = null;
  /**
   * Aborts the running execution on stop. Shared by successive executions while none leaves
   * a listener on its signal (creating one costs microseconds, which back-to-back executions
   * cannot afford); replaced as soon as one does, so listeners never pile up.
   */
  #runController: AbortController | null = null;
  #stopListeners: StopListener[] | null = null;
  /** Ends the wait on the host in progress (restore, claim, recording ticks), else null. */
  #cancelHostWait: (() => void) | null = null;

  /**
   * Validates `config` and creates the job (not started). Throws `JobConfigError` naming every
   * invalid field; the caller's object is never modified.
   */
  constructor(config: JobConfig<Extra>) {
    const jobClass = new.target as unknown as ModelClass;
    const definition = modelDefinitionOf(jobClass);
    const isObject = typeof config === 'object' && config !== null && !Array.isArray(config);
    const { logger, ...fields } = isObject ? (config as JobConfig) : ({} as Partial<JobConfig>);
    const subject = typeof fields.name === 'string' && fields.name.trim() !== '' ? `${jobClass.name} "${fields.name}"` : jobClass.name;
    let schedule: CronSchedule | null = null;
    const values = validateModel(definition, isObject ? fields : config, subject, (candidate) => {
      const checked = checkTriggerFields(candidate);
      schedule = checked.schedule;
      if (logger !== undefined && !isLogger(logger)) {
        checked.issues.push({ field: 'logger', value: logger, message: 'expected a pino-compatible logger (child, debug, info, warn, error)' });
      }
      if (candidate.isolation === 'thread') {
        try {
          locateJobClass(String(candidate.name), jobClass);
        } catch (error) {
          checked.issues.push({ field: 'isolation', value: 'thread', message: toError(error).message });
        }
      }
      return checked.issues;
    });
    this[MODEL_VALUES] = values;
    this.#schedule = schedule;
    this.#triggerCount = values.triggerCount as number;
    this.#rootLogger = logger ?? getDefaultLogger();
  }

  // ---- the hooks subclasses implement -------------------------------------------------

  /** Runs before the first trigger of each (re)start. May be async. Default: nothing. */
  setup(): void | Promise<void> {}

  /**
   * One execution of the job. `signal` aborts when a stop is requested, the `timeout`
   * elapses, or (under a multi-replica runner) the job's lease is lost; long work should pass
   * it on or check it. `run` says which trigger this is, what it was due for and how late it
   * started.
   */
  abstract execute(signal: AbortSignal, run: RunContext): void | Promise<void>;

  /** Runs when the loop ends: after a stop request, or after an error before the retry wait. */
  shutdown(): void | Promise<void> {}

  // ---- state users can read -----------------------------------------------------------

  /** Number of times the job has been triggered. Not frozen: assignable (integer >= 0). */
  get triggerCount(): number {
    return this.#triggerCount;
  }

  set triggerCount(value: number) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`Expected \`triggerCount\` to be an integer >= 0, got \`${String(value)}\` (${typeof value})`);
    }
    this.#triggerCount = value;
  }

  /** Where the worker is in its loop. */
  get state(): JobState {
    return this.#state;
  }

  /** Whether the worker is alive (any state but `stopped`). */
  get isRunning(): boolean {
    return this.#state !== 'stopped';
  }

  /** Whether the job is paused. */
  get isPaused(): boolean {
    return this.#paused;
  }

  /** When the next trigger is due while the job sleeps for it, else `null`. */
  get nextRunAt(): Date | null {
    if (this.#state !== 'sleeping' || this.#wakeup?.isQueued !== true) return null;
    // A cron job under a host that claims ahead wakes before its tick to claim it.
    return new Date(Number.isNaN(this.#waitedFor) ? this.#wakeup.dueAt : this.#waitedFor + this.#pendingJitterMs);
  }

  /** The latest execution: start, end (null while running) and error; `null` before the first. */
  get lastRun(): LastRun | null {
    const activity = this.#activity;
    if (activity === null || Number.isNaN(activity.lastRunStart)) return null;
    return {
      start: new Date(activity.lastRunStart),
      end: Number.isNaN(activity.lastRunEnd) ? null : new Date(activity.lastRunEnd),
      error: activity.lastRunError,
    };
  }

  /** Cron ticks not run because the misfire policy dropped them, since construction. */
  get missedTicks(): number {
    return this.#activity?.missedTicks ?? 0;
  }

  /** Cron ticks not run because of misfire policy `skip`, since construction. */
  get skippedTicks(): number {
    return this.#activity?.skippedTicks ?? 0;
  }

  /** The compiled cron schedule, or `null` for interval jobs. */
  get schedule(): CronSchedule | null {
    return this.#schedule;
  }

  /** A logger whose entries carry `job: <name>`, for the job's own code. */
  get logger(): JobLogger {
    this.#logger ??= this.#rootLogger.child({ job: this.name });
    return this.#logger;
  }

  /** The job's data model as plain values (every field, `triggerCount` included). */
  toJSON(): Record<string, unknown> {
    const definition = modelDefinitionOf(this.constructor as unknown as ModelClass);
    const json: Record<string, unknown> = {};
    for (const key of definition.keys) json[key] = (this as unknown as Record<string, unknown>)[key];
    return json;
  }

  // ---- controls -----------------------------------------------------------------------

  /**
   * Starts the job's worker. Throws `JobException` if it is already running (or stopping).
   * A job whose worker has ended can be started again.
   */
  start(): void {
    if (this.#state !== 'stopped') {
      throw new JobException(this.name, this.#state === 'stopping' ? 'the worker is stopping; wait until it is done' : 'the worker is already running');
    }
    this.#stopRequested = false;
    this.#paused = false;
    this.#manualPending = false;
    if (this.#activity !== null) this.#activity.failures = 0;
    this.#restored = false;
    this.#lastTick = Date.now();
    this.#log('info', { event: 'start', cron: this.cron, interval: this.interval }, 'job started');
    void this.#boot();
  }

  /**
   * Requests the job to stop: wakes it at once if it is sleeping (for a trigger or a retry
   * wait) and aborts the signal of a running execution. Idempotent; a no-op when not running.
   */
  requestStop(): void {
    if (this.#state === 'stopped' || this.#stopRequested) return;
    this.#stopRequested = true;
    // Ending the worker cancels its wake-up. While it waits no hook runs, so nothing can be
    // listening to the signal (an ended execution that left a listener has its own): it is
    // dropped, not aborted (an abort costs ~7 µs, which adds up when a service stops 10,000 jobs).
    switch (this.#state) {
      case 'sleeping':
      case 'paused':
        this.#runController = null;
        void this.#finish();
        break;
      case 'retrying':
        this.#runController = null;
        this.#end();
        break;
      default:
        // starting, running or stopping: the running hook's signal aborts, and the loop
        // notices the request when the hook returns; a wait on the host ends at once.
        this.#runController?.abort(new JobException(this.name, 'stop requested'));
        this.#setState('stopping');
        this.#cancelHostWait?.();
    }
  }

  /**
   * Waits for the worker to end. `timeout` is in seconds; `null` or omitted waits forever.
   * Rejects with `JobException` if the worker is still running after the timeout. Leaves no
   * timer behind.
   */
  waitUntilDone(timeout: number | null = null): Promise<void> {
    if (timeout !== null && (typeof timeout !== 'number' || !(timeout >= 0) || !Number.isFinite(timeout))) {
      throw new TypeError(`Expected \`timeout\` to be a finite number of seconds >= 0 or null, got \`${String(timeout)}\` (${typeof timeout})`);
    }
    if (this.#state === 'stopped') return DONE;
    return new Promise<void>((resolve, reject) => {
      const listeners = (this.#stopListeners ??= []);
      if (timeout === null) {
        listeners.push(resolve);
        return;
      }
      const timer = new TimerEntry(() => {
        const index = listeners.indexOf(onDone);
        if (index !== -1) listeners.splice(index, 1);
        reject(new JobException(this.name, `the worker is still running after ${timeout} s`));
      });
      const onDone = (): void => {
        sharedTimerQueue.cancel(timer);
        resolve();
      };
      listeners.push(onDone);
      sharedTimerQueue.schedule(timer, Date.now() + timeout * SECOND);
    });
  }

  /** Stops the job and waits for it: `await using job = ...` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.requestStop();
    await this.waitUntilDone();
  }

  /** Stops triggering; the worker stays alive. An execution in progress finishes. */
  pause(): void {
    this.#assertRunning('pause');
    if (this.#paused) return;
    this.#paused = true;
    if (this.#state === 'sleeping') {
      this.#cancelWakeup();
      this.#releaseHeldClaim(PAUSED_BEFORE_START);
      this.#setState('paused');
    }
    this.#log('info', { event: 'pause' }, 'job paused');
  }

  /** Resumes triggering after {@link BaseJob.pause}. Ticks due while paused are not run. */
  resume(): void {
    this.#assertRunning('resume');
    if (!this.#paused) return;
    this.#paused = false;
    this.#log('info', { event: 'resume' }, 'job resumed');
    if (this.#state === 'paused') {
      this.#lastTick = Math.max(this.#lastTick, Date.now());
      this.#lastEnd = Date.now();
      this.#waitedFor = Number.NaN;
      this.#followingTick = Number.NaN;
      void this.#advance();
    }
  }

  /**
   * Triggers one execution as soon as the job is idle (now, if it is sleeping or paused),
   * counted like any trigger. Throws `JobException` when the worker is not running.
   */
  triggerNow(): void {
    this.#assertRunning('trigger');
    this.#manualPending = true;
    if (this.#state === 'sleeping' || this.#state === 'paused') {
      this.#cancelWakeup();
      void this.#advance();
    }
  }

  /**
   * Attaches the runner's hooks (persistence, replicas, metrics). For runners; only while
   * the job is stopped. `null` detaches.
   */
  bindHost(host: JobHost | null): void {
    if (this.#state !== 'stopped') throw new JobException(this.name, 'cannot change the host of a running job');
    this.#host = host;
  }

  // ---- the worker ---------------------------------------------------------------------

  /** (Re)starts the loop: restore state, setup, optional start trigger, then the schedule. */
  async #boot(): Promise<void> {
    this.#setState('starting');
    this.#runController = null;
    try {
      if (!this.#restored && !(await this.#restore())) return;
      this.#hooks = this.#createHooks();
      await this.#hooks.setup();
      this.#setupDone = true;
      if (this.#stopRequested) return await this.#finish();
      this.#lastEnd = Date.now();
      this.#waitedFor = Number.NaN;
      this.#followingTick = Number.NaN;
      if (this.triggerOnStart) {
        const outcome = await this.#executeGranted('start', null, null, null);
        if (outcome instanceof Error) return await this.#fail(outcome, 'execute');
        if (outcome === 'sleep') return;
      }
    } catch (error) {
      return await this.#fail(toError(error), this.#setupDone ? 'execute' : 'setup');
    }
    await this.#advance();
  }

  /** The hooks for this (re)start, per the `isolation` field. */
  #createHooks(): JobHooks {
    return this.isolation === 'thread' ? new ThreadHooks(this) : this;
  }

  /**
   * Loads persisted state from the host, if any: the trigger count, and the last tick, from
   * which ticks missed while the process was down are judged. Retried on each restart until
   * it succeeds.
   */
  async #restore(): Promise<boolean> {
    if (this.#host === null) return (this.#restored = true);
    let restored: RestoredJobState | null | typeof CANCELLED;
    try {
      restored = await this.#untilStopped(this.#host.restore(this));
    } catch (error) {
      // The store is unreachable: not the job's error. Ask again after a poll, from the start.
      this.#reportHostError(error);
      this.#restartIn(this.#host.pollMs);
      return false;
    }
    if (restored === CANCELLED) {
      this.#end();
      return false;
    }
    this.#restored = true;
    if (restored !== null) {
      this.#triggerCount = restored.triggerCount;
      if (restored.lastTickAt !== null) this.#lastTick = restored.lastTickAt;
    }
    return true;
  }

  /**
   * Decides what the worker does next and does it, until it must sleep: stop, a manual
   * trigger, pause, due executions, or arming the wake-up for the next trigger.
   */
  async #advance(): Promise<void> {
    // Awake: from here until the worker sleeps again it is deciding, claiming or executing,
    // so a stop request now waits for that step instead of ending the worker under it.
    if (this.#state === 'sleeping' || this.#state === 'paused') this.#setState(this.#stopRequested ? 'stopping' : 'running');
    try {
      for (;;) {
        if (this.#stopRequested) return await this.#finish();
        // A manual trigger waits for a tick claimed ahead, which is at most claimAheadMs away.
        if (this.#manualPending && this.#heldClaim === null) {
          this.#manualPending = false;
          const outcome = await this.#executeGranted('manual', null, null, null);
          if (outcome instanceof Error) return await this.#fail(outcome, 'execute');
          if (outcome === 'sleep') return;
          continue;
        }
        if (this.#paused) {
          this.#releaseHeldClaim(PAUSED_BEFORE_START);
          this.#setState('paused');
          return;
        }
        const next = this.#schedule === null ? await this.#advanceInterval() : await this.#advanceCron();
        if (next === 'sleep') return;
        if (next instanceof Error) return await this.#fail(next, 'execute');
      }
    } catch (error) {
      await this.#fail(toError(error), 'execute');
    }
  }

  /** Interval jobs: fixed delay after the previous execution ended. */
  async #advanceInterval(): Promise<'sleep' | 'again' | Error> {
    const dueAt = this.#lastEnd + (this.interval as number) * SECOND + this.#jitterMs();
    if (dueAt > Date.now()) return this.#sleepUntil(dueAt);
    if (this.interval === 0 && this.jitter === 0 && this.#host === null) return this.#runBackToBack();
    return (await this.#executeGranted('schedule', null, dueAt, null)) ?? 'again';
  }

  /**
   * `interval: 0` without a host: executes back to back, awaiting only what `execute`
   * returns, and yields to the event loop at least every {@link YIELD_EVERY_MS} so timers
   * and I/O are never starved.
   */
  async #runBackToBack(): Promise<'again' | Error> {
    let sliceStart = performance.now();
    let sinceCheck = 0;
    while (!this.#stopRequested && !this.#paused && !this.#manualPending) {
      const pending = this.#executeLocal('schedule', Date.now());
      const failed = pending === null ? null : await pending;
      if (failed !== null) return failed;
      if (++sinceCheck === YIELD_CHECK_EVERY) {
        sinceCheck = 0;
        if (performance.now() - sliceStart >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
    }
    return 'again';
  }

  /** Cron jobs: run or pass over the due ticks under the misfire policy, else sleep. */
  async #advanceCron(): Promise<'sleep' | 'again' | Error> {
    if (this.#heldClaim !== null) return this.#runHeldClaim(this.#heldClaim);
    const schedule = this.#schedule as CronSchedule;
    // A tick slept for with jitter is judged as of the un-jittered instant.
    const jitterMs = Number.isNaN(this.#waitedFor) ? 0 : this.#pendingJitterMs;
    const judgedAt = Date.now() - jitterMs;
    const waitedFor = this.#waitedFor;
    const following = this.#followingTick;
    this.#followingTick = Number.NaN;
    // Woke ahead of the tick slept for, to claim it before it is due (see JobHost.claimAheadMs).
    const markBefore = this.#lastTick;
    if (this.#host !== null && waitedFor > judgedAt && waitedFor - judgedAt <= this.#host.claimAheadMs) return this.#claimAhead(waitedFor, jitterMs);
    // Fast paths for the common case (say 1,000 jobs due on one second), which skip the
    // planner's allocations: woke on time for the tick slept for with the next one not due
    // yet; or that run just ended and the tick after it is still ahead.
    if (!Number.isNaN(waitedFor) && judgedAt >= waitedFor && judgedAt - waitedFor <= ON_TIME_TOLERANCE_MS) {
      const next = this.#tickAfter(waitedFor);
      if (!(next <= judgedAt)) {
        this.#waitedFor = Number.NaN;
        this.#lastTick = waitedFor;
        this.#followingTick = next;
        return (await this.#executeGranted('schedule', waitedFor, waitedFor + jitterMs, null, markBefore)) ?? 'again';
      }
    }
    if (Number.isNaN(waitedFor) && following > Date.now()) return this.#sleepForTick(following);
    const plan = planDueTicks(
      schedule,
      {
        lastTick: new Date(this.#lastTick),
        now: new Date(judgedAt),
        waitedFor: Number.isNaN(waitedFor) ? null : new Date(waitedFor),
      },
      { policy: this.misfire, maxCatchUp: this.maxCatchUp, graceMs: this.misfireGrace === null ? null : this.misfireGrace * SECOND },
    );
    this.#waitedFor = Number.NaN;
    if (plan.newestDue === null) {
      const next = this.#tickAfter(this.#lastTick);
      return Number.isNaN(next) ? this.#endOfSchedule() : this.#sleepForTick(next);
    }
    const unexecuted = this.#planUnexecuted(plan);
    this.#lastTick = plan.newestDue.getTime();
    if (plan.run.length === 0) {
      if (unexecuted !== null && !(await this.#recordUnexecuted(unexecuted))) {
        // Not recorded (the host failed): judge these ticks again after a poll.
        this.#lastTick = markBefore;
        return this.#sleepUntil(Date.now() + (this.#host as JobHost).pollMs);
      }
      return 'again';
    }
    const firstTick = plan.run[0]?.getTime();
    const onTime = plan.run.length === 1 && unexecuted === null && firstTick === waitedFor && judgedAt - waitedFor <= ON_TIME_TOLERANCE_MS;
    let passedOver = unexecuted;
    let rewindTo = markBefore;
    for (const tick of plan.run) {
      if (this.#stopRequested) break;
      const tickAt = tick.getTime();
      const outcome = await this.#executeGranted(onTime ? 'schedule' : 'catch-up', tickAt, tickAt + jitterMs, passedOver, rewindTo);
      passedOver = null;
      rewindTo = tickAt;
      if (outcome !== null) return outcome;
    }
    return 'again';
  }

  /**
   * Sleeps until `tick` (epoch ms) plus a fresh jitter; under a host that claims ahead, until
   * that much before it.
   */
  #sleepForTick(tick: number): 'sleep' {
    this.#pendingJitterMs = this.#jitterMs();
    this.#waitedFor = tick;
    return this.#sleepUntil(tick + this.#pendingJitterMs - (this.#host?.claimAheadMs ?? 0));
  }

  /** Claims the tick slept for before it is due; the loop then holds the grant until it is. */
  async #claimAhead(tickAt: number, jitterMs: number): Promise<'sleep' | 'again'> {
    this.#waitedFor = Number.NaN;
    const markBefore = this.#lastTick;
    this.#lastTick = tickAt;
    const scheduledAt = tickAt + jitterMs;
    const grant = await this.#claim('schedule', tickAt, scheduledAt, null, markBefore);
    if (grant === 'sleep') return 'sleep';
    if (grant !== null) this.#heldClaim = { grant, tickAt, scheduledAt };
    return 'again';
  }

  /** A tick claimed ahead: sleeps until it is due, then executes it. */
  async #runHeldClaim(held: HeldClaim): Promise<'sleep' | 'again' | Error> {
    if (held.scheduledAt > Date.now()) return this.#sleepUntil(held.scheduledAt);
    this.#heldClaim = null;
    const outcome = await this.#runGranted('schedule', held.scheduledAt, held.grant);
    this.#followingTick = this.#tickAfter(held.tickAt);
    return outcome ?? 'again';
  }

  /**
   * Hands back a tick claimed ahead that will not execute (stop, pause), as `interrupted`,
   * ending at its planned start: it was claimed as starting then, and never ran.
   */
  #releaseHeldClaim(why: string): void {
    const held = this.#heldClaim;
    if (held === null) return;
    this.#heldClaim = null;
    this.#handBack(held.grant, new Error(why), Math.max(Date.now(), held.scheduledAt));
  }

  /** Reports a grant that was not executed as `interrupted` with `error`. */
  #handBack(grant: ExecutionGrant, error: Error, endedAt = Date.now()): void {
    if (this.#host === null) return;
    const outcome: ExecutionOutcome = { status: 'interrupted', endedAt, error };
    this.#host.finish(this, grant, outcome).catch((failure: unknown) => this.#reportHostError(failure));
  }

  #jitterMs(): number {
    return this.jitter === 0 ? 0 : Math.random() * this.jitter * SECOND;
  }

  /** The ticks a plan passes over, to record (with the claim that follows them, if any). */
  #planUnexecuted(plan: TickPlan): UnexecutedTicks | null {
    if (plan.missedCount === 0 && plan.skippedCount === 0) return null;
    if (plan.overCap > 0) {
      this.#log('warn', { event: 'catch-up-capped', dropped: plan.overCap, maxCatchUp: this.maxCatchUp }, `more missed ticks than maxCatchUp; ${plan.overCap} dropped`);
    }
    const status = plan.skippedCount > 0 ? 'skipped' : 'missed';
    const listed = status === 'skipped' ? plan.skipped : plan.missed;
    const count = status === 'skipped' ? plan.skippedCount : plan.missedCount;
    return { ticks: listed.map((date) => date.getTime()), count, status };
  }

  /**
   * Tallies the passed-over ticks this job recorded (all of them without a host; under one,
   * those its store took: another replica may have run or recorded the others) into the
   * counters, a log line and the host's event.
   */
  #countRecorded(planned: UnexecutedTicks, recorded: number): void {
    if (recorded <= 0) return;
    const activity = this.#recordActivity();
    if (planned.status === 'skipped') activity.skippedTicks += recorded;
    else activity.missedTicks += recorded;
    const ticks: UnexecutedTicks = recorded === planned.count ? planned : { ticks: planned.ticks.slice(-recorded), count: recorded, status: planned.status };
    const truncated = ticks.ticks.length < ticks.count;
    this.#log('warn', { event: ticks.status, count: ticks.count, truncated, newest: new Date(ticks.ticks.at(-1) ?? Number.NaN).toISOString() }, `${ticks.count} tick(s) ${ticks.status}`);
    this.#emit({ type: 'unexecuted', ticks });
  }

  /**
   * Records passed-over ticks that no execution follows. Returns false when they were not
   * recorded (the host failed, or a stop ended the wait).
   */
  async #recordUnexecuted(ticks: UnexecutedTicks): Promise<boolean> {
    if (this.#host === null) {
      this.#countRecorded(ticks, ticks.count);
      return true;
    }
    try {
      const recorded = await this.#untilStopped(this.#host.recordUnexecuted(this, ticks));
      if (recorded === CANCELLED) return false;
      this.#countRecorded(ticks, recorded);
      return true;
    } catch (error) {
      this.#reportHostError(error);
      return false;
    }
  }

  /**
   * Settles as `call` does, or with {@link CANCELLED} as soon as a stop is requested: every
   * wait on the host is a state a stop ends at once, whether the host answers, fails or hangs.
   */
  #untilStopped<T>(call: Promise<T>): Promise<T | typeof CANCELLED> {
    if (this.#stopRequested) {
      call.catch(() => undefined);
      return Promise.resolve(CANCELLED);
    }
    return new Promise<T | typeof CANCELLED>((resolve, reject) => {
      this.#cancelHostWait = () => resolve(CANCELLED);
      call.then(
        (value) => {
          this.#cancelHostWait = null;
          resolve(value);
        },
        (error: unknown) => {
          this.#cancelHostWait = null;
          reject(toError(error));
        },
      );
    });
  }

  /** A cron expression with no future fire time (e.g. a past year): the job idles until stopped. */
  #endOfSchedule(): 'sleep' {
    this.#log('warn', { event: 'schedule-exhausted' }, 'the cron expression has no future fire time');
    this.#setState('sleeping');
    return 'sleep';
  }

  /** Arms the wake-up and puts the worker to sleep; ends it instead when a stop was requested. */
  #sleepUntil(dueAt: number): 'sleep' {
    if (this.#stopRequested) {
      void this.#finish();
      return 'sleep';
    }
    this.#wakeup ??= new TimerEntry(BaseJob.#wake, this as BaseJob<object>);
    sharedTimerQueue.schedule(this.#wakeup, dueAt);
    this.#setState('sleeping');
    return 'sleep';
  }

  #cancelWakeup(): void {
    if (this.#wakeup !== null) sharedTimerQueue.cancel(this.#wakeup);
  }

  /** The one wake-up callback shared by every job's timer entry (no closure per job). */
  static readonly #wake = (job: BaseJob<object>): void => job.#onWake();

  /** The shared timer queue woke the job: a trigger or a retry is due. */
  #onWake(): void {
    if (this.#state === 'retrying') {
      void this.#boot();
    } else if (this.#state === 'sleeping' && !this.#executeOnTimeTick()) {
      void this.#advance();
    }
  }

  /** Jobs whose on-time execution returned during the current timer callback, and their runs. */
  static readonly #unsettledJobs: BaseJob<object>[] = [];
  static readonly #unsettledRuns: RunContext[] = [];

  /**
   * The commonest wake-up, handled without the general loop: a cron job with no host and no
   * timeout woke on time for the tick it slept for, and no later tick is due. It executes at
   * once, from the timer callback, and what follows (recording the outcome, computing the next
   * tick, sleeping again) waits for {@link BaseJob.#settleUnsettled}, which runs when the timer
   * callback has returned: every job due on the same second starts before any of them does
   * its bookkeeping. Returns false, having changed nothing, when the general path must decide.
   */
  #executeOnTimeTick(): boolean {
    const waitedFor = this.#waitedFor;
    if (Number.isNaN(waitedFor) || this.#schedule === null || this.#host !== null || this.#stopRequested || this.#manualPending || this.#paused || this.timeout !== null) return false;
    const jitterMs = this.#pendingJitterMs;
    const judgedAt = Date.now() - jitterMs;
    // The same test as #advanceCron's fast path, without computing the next tick: it cannot be
    // due before the next whole second.
    if (judgedAt < waitedFor || judgedAt >= earliestFireAfter(waitedFor)) return false;
    this.#waitedFor = Number.NaN;
    this.#lastTick = waitedFor;
    this.#followingTick = Number.NaN;
    this.#triggerCount++;
    const run = this.#beginRun('schedule', waitedFor + jitterMs);
    const pending = this.#callExecute(run);
    if (pending !== null) {
      void this.#continueAfterRun(pending);
      return true;
    }
    (this.#activity as JobActivity).lastRunEnd = Date.now();
    if (BaseJob.#unsettledJobs.push(this) === 1) queueMicrotask(BaseJob.#settleUnsettled);
    BaseJob.#unsettledRuns.push(run);
    return true;
  }

  /** Settles every on-time execution that returned during the timer callback that just ended. */
  static readonly #settleUnsettled = (): void => {
    const jobs = BaseJob.#unsettledJobs;
    const runs = BaseJob.#unsettledRuns;
    for (let index = 0; index < jobs.length; index++) {
      const job = jobs[index] as BaseJob<object>;
      try {
        job.#settleOnTimeRun(runs[index] as RunContext);
      } catch (error) {
        void job.#fail(toError(error), 'execute');
      }
    }
    jobs.length = 0;
    runs.length = 0;
  };

  /** After an on-time execution that returned without a promise: record it, then sleep for the next tick. */
  #settleOnTimeRun(run: RunContext): void {
    this.#endRun(run, undefined, null, null, (this.#activity as JobActivity).lastRunEnd);
    this.#followingTick = this.#tickAfter(this.#lastTick);
    if (this.#stopRequested || this.#manualPending || this.#paused || !(this.#followingTick > Date.now())) {
      void this.#advance();
      return;
    }
    const following = this.#followingTick;
    this.#followingTick = Number.NaN;
    this.#sleepForTick(following);
  }

  /** After an on-time execution that threw or returned a promise: the loop's next step. */
  async #continueAfterRun(pending: Promise<Error | null>): Promise<void> {
    try {
      const failed = await pending;
      if (failed !== null) return await this.#fail(failed, 'execute');
      this.#followingTick = this.#tickAfter(this.#lastTick);
    } catch (error) {
      return await this.#fail(toError(error), 'execute');
    }
    await this.#advance();
  }

  /** The first cron tick after `instant` (epoch ms), or NaN when the schedule has none. */
  #tickAfter(instant: number): number {
    const next = (this.#schedule as CronSchedule).next(new Date(instant));
    return next === null ? Number.NaN : next.getTime();
  }

  /**
   * One execution with the host's permission (when there is a host). Returns the error that
   * must send the loop down the retry path, `'sleep'` when the worker went to sleep (the host
   * failed and the job waits to ask again), or `null`.
   */
  async #executeGranted(
    reason: TriggerReason,
    tickAt: number | null,
    scheduledAt: number | null,
    unexecuted: UnexecutedTicks | null,
    rewindTo = this.#lastTick,
  ): Promise<Error | 'sleep' | null> {
    if (this.#host === null) {
      if (unexecuted !== null) this.#countRecorded(unexecuted, unexecuted.count);
      return this.#executeLocal(reason, scheduledAt);
    }
    const grant = await this.#claim(reason, tickAt, Date.now(), unexecuted, rewindTo);
    if (grant === null || grant === 'sleep') return grant;
    if (unexecuted !== null) this.#countRecorded(unexecuted, grant.unexecutedRecorded ?? unexecuted.count);
    return this.#runGranted(reason, scheduledAt, grant);
  }

  /**
   * Asks the host for one execution. Returns the grant; `null` when there is nothing to run
   * (the tick is taken, or a stop ended the wait); or `'sleep'` when the worker went to sleep
   * to ask again after a poll (the host failed, or another replica holds the job). A refused
   * or failed claim of a tick moves the job's mark back to `rewindTo` (the mark before the
   * ticks this claim would have passed over), so that every one of them is judged again.
   */
  async #claim(
    reason: TriggerReason,
    tickAt: number | null,
    startedAt: number,
    unexecuted: UnexecutedTicks | null,
    rewindTo: number,
  ): Promise<ExecutionGrant | 'sleep' | null> {
    const host = this.#host as JobHost;
    let pending: Promise<ExecutionGrant | 'busy' | null>;
    let grant: ExecutionGrant | 'busy' | null | typeof CANCELLED;
    try {
      const controller = (this.#runController ??= new AbortController());
      pending = host.claim(this, { reason, tickAt, startedAt, unexecuted, controller });
      grant = await this.#untilStopped(pending);
    } catch (error) {
      // The store is unreachable: run nothing unclaimed. Cron ticks stay unclaimed (the mark
      // did not move) and are judged by the misfire policy once the store answers again.
      this.#reportHostError(error);
      if (tickAt !== null) this.#lastTick = Math.min(this.#lastTick, rewindTo);
      this.#followingTick = Number.NaN;
      if (reason === 'manual') this.#manualPending = true;
      return this.#stopRequested ? null : this.#sleepUntil(Date.now() + host.pollMs);
    }
    if (grant === CANCELLED) {
      // Stopped while the claim was in flight: a grant that still comes is handed back.
      pending.then(
        (late) => {
          if (late !== null && late !== 'busy') this.#handBack(late, new Error(STOPPED_BEFORE_START));
        },
        () => undefined,
      );
      return null;
    }
    if (grant === 'busy') {
      // Another replica holds the job (overrunning, or dead until its lease lapses): keep
      // the ticks unclaimed and ask again after a poll; they are then judged by the misfire policy.
      if (tickAt !== null) this.#lastTick = Math.min(this.#lastTick, rewindTo);
      this.#followingTick = Number.NaN;
      return this.#stopRequested ? null : this.#sleepUntil(Date.now() + host.pollMs);
    }
    if (grant === null && this.#schedule === null && reason === 'schedule') this.#lastEnd = Date.now() - (this.interval as number) * SECOND + host.pollMs;
    return grant;
  }

  /**
   * Executes a grant, unless the job was stopped (while the claim was in flight, or while it
   * held a tick claimed ahead) or the grant's lease was lost since: those are handed back.
   */
  #runGranted(reason: TriggerReason, scheduledAt: number | null, grant: ExecutionGrant): Promise<Error | null> | null {
    if (this.#stopRequested) {
      this.#handBack(grant, new Error(STOPPED_BEFORE_START));
      return null;
    }
    if (this.#paused && reason !== 'manual') {
      this.#handBack(grant, new Error(PAUSED_BEFORE_START));
      return null;
    }
    // The lease must be live now, on the local clock: a process frozen (or a loop blocked)
    // while it held the grant may resume after another replica took the job over.
    const lost =
      grant.signal?.aborted === true
        ? toError(grant.signal.reason)
        : grant.liveUntil !== undefined && !(grant.liveUntil() > Date.now())
          ? new Error(LEASE_EXPIRED_BEFORE_START)
          : null;
    if (lost !== null) {
      this.#log('warn', { event: 'interrupted', err: lost }, 'the lease was lost before the execution started');
      this.#runController = null; // it may be the aborted one
      this.#handBack(grant, lost);
      return null;
    }
    this.#triggerCount = grant.trigger;
    return this.#run(reason, scheduledAt, grant);
  }

  /** One execution without a host: the synchronous fast path returns `null` when done. */
  #executeLocal(reason: TriggerReason, scheduledAt: number | null): Promise<Error | null> | null {
    this.#triggerCount++;
    return this.#runFast(reason, scheduledAt);
  }

  /** Runs `execute` and settles synchronously when it does not return a promise. */
  #runFast(reason: TriggerReason, scheduledAt: number | null): Promise<Error | null> | null {
    if (this.timeout !== null) return this.#run(reason, scheduledAt, null);
    const run = this.#beginRun(reason, scheduledAt);
    const pending = this.#callExecute(run);
    if (pending === null) this.#endRun(run, undefined, null, null);
    return pending;
  }

  /**
   * Calls `execute` with the stop signal (no timeout, no grant). Returns `null` when it
   * returned without a promise and without throwing, leaving {@link BaseJob.#endRun} to the
   * caller; otherwise the promise of `#endRun`'s verdict.
   */
  #callExecute(run: RunContext): Promise<Error | null> | null {
    const signal = (this.#runController ??= new AbortController()).signal;
    let result: void | Promise<void>;
    try {
      result = this.#hooks.execute(signal, run);
    } catch (error) {
      return Promise.resolve(this.#endRun(run, error, null, null));
    }
    if (!isPromiseLike(result)) return null;
    return Promise.resolve(result).then(
      () => this.#endRun(run, undefined, null, null),
      (error: unknown) => this.#endRun(run, error, null, null),
    );
  }

  /**
   * The general path: the stop signal combined with the timeout's and the grant's, unless the
   * grant's is the stop signal itself (a host that aborts the job's controller). Under a host,
   * the start is reported a microtask after `execute` was called, so that every execution due
   * at one instant (one timer callback) starts before any of them reports.
   */
  async #run(reason: TriggerReason, scheduledAt: number | null, grant: ExecutionGrant | null): Promise<Error | null> {
    const run = this.#beginRun(reason, scheduledAt, grant?.runId ?? null, grant?.fence ?? null);
    const stopSignal = (this.#runController ??= new AbortController()).signal;
    const timeoutController = this.timeout === null ? null : new AbortController();
    const timeoutEntry =
      timeoutController === null ? null : new TimerEntry(() => timeoutController.abort(new JobTimeoutError(this.name, this.timeout as number)));
    if (timeoutEntry !== null) sharedTimerQueue.schedule(timeoutEntry, run.startedAtMs + (this.timeout as number) * SECOND);
    const grantSignal = grant?.signal === stopSignal ? null : grant?.signal;
    const signals = [stopSignal, timeoutController?.signal, grantSignal].filter((signal): signal is AbortSignal => signal != null);
    const signal = signals.length === 1 ? stopSignal : AbortSignal.any(signals);
    let error: unknown;
    let result: void | Promise<void> = undefined;
    try {
      result = this.#hooks.execute(signal, run);
    } catch (thrown) {
      error = thrown ?? new Error('execute threw a nullish value');
    }
    if (this.#host !== null) {
      await Promise.resolve();
      this.#emit({ type: 'trigger', run });
    }
    if (error === undefined) {
      try {
        await result;
      } catch (thrown) {
        error = thrown ?? new Error('execute threw a nullish value');
      }
    }
    if (timeoutEntry !== null) sharedTimerQueue.cancel(timeoutEntry);
    return this.#endRun(run, error, timeoutController?.signal ?? null, grant);
  }

  #beginRun(reason: TriggerReason, scheduledAt: number | null, runId: string | null = null, fence: number | null = null): RunContext {
    const run = new RunContext(this.#triggerCount, reason, scheduledAt, Date.now(), runId, fence);
    const activity = this.#recordActivity();
    activity.lastRunStart = run.startedAtMs;
    activity.lastRunEnd = Number.NaN;
    activity.lastRunError = null;
    this.#setState('running');
    if (this.#isLogged('debug')) this.#log('debug', { event: 'trigger', trigger: run.trigger, reason, lateness: run.lateness }, 'job triggered');
    return run;
  }

  /**
   * Records the end of an execution (at `endedAt`, default now) and decides its status. Returns
   * the error that sends the loop down the retry path, or `null` (success, or interrupted by
   * stop or lease loss).
   */
  #endRun(run: RunContext, thrown: unknown, timeoutSignal: AbortSignal | null, grant: ExecutionGrant | null, endedAt = Date.now()): Error | null {
    // The controller is kept for the next execution unless it aborted (a lost lease) or the
    // execution left a listener on its signal.
    const controller = this.#runController;
    if (controller !== null && (controller.signal.aborted || getEventListeners(controller.signal, 'abort').length > 0)) this.#runController = null;
    const activity = this.#recordActivity();
    activity.lastRunEnd = endedAt;
    this.#lastEnd = endedAt;
    const timedOut = timeoutSignal?.aborted === true;
    // A lost grant aborts with its own reason; a stop aborts with a JobException.
    const leaseLost = grant?.signal?.aborted === true && !(grant.signal.reason instanceof JobException);
    let outcome: ExecutionOutcome;
    if (timedOut) {
      outcome = { status: 'timeout', endedAt, error: timeoutSignal.reason instanceof Error ? timeoutSignal.reason : toError(thrown) };
    } else if (leaseLost || (thrown !== undefined && this.#stopRequested)) {
      outcome = { status: 'interrupted', endedAt, error: thrown === undefined ? new Error('execution lost its lease') : toError(thrown) };
    } else if (thrown !== undefined) {
      outcome = { status: 'failed', endedAt, error: toError(thrown) };
    } else {
      activity.failures = 0;
      if (this.#host !== null) this.#finishWithHost(run, grant, { status: 'ok', endedAt, error: null });
      return null;
    }
    activity.lastRunError = outcome.error;
    if (this.#host !== null) this.#finishWithHost(run, grant, outcome);
    if (outcome.status === 'interrupted') {
      this.#log('warn', { event: 'interrupted', trigger: run.trigger, err: outcome.error }, 'execution interrupted');
      return null;
    }
    return outcome.error;
  }

  #finishWithHost(run: RunContext, grant: ExecutionGrant | null, outcome: ExecutionOutcome): void {
    this.#emit({ type: 'run-end', run, outcome });
    if (grant === null || this.#host === null) return;
    this.#host.finish(this, grant, outcome).catch((error: unknown) => this.#reportHostError(error));
  }

  /** The error path: log, shut down if set up, wait `retryWait` (or backoff), restart. */
  async #fail(error: Error, phase: 'setup' | 'execute'): Promise<void> {
    this.#runController = null;
    const activity = this.#recordActivity();
    activity.failures++;
    const retryIn = this.#stopRequested ? null : retryDelaySeconds(activity.failures, this.retryWait, this.retryBackoff);
    this.#log('error', { event: 'error', phase, err: error, retryIn }, `job ${phase} failed: ${error.message}`);
    this.#emit({ type: 'error', phase, error, retryIn });
    await this.#shutdownIfSetUp();
    if (this.#stopRequested || retryIn === null) return this.#end();
    this.#log('info', { event: 'retry-wait', retryIn }, `restarting in ${retryIn} s`);
    this.#restartIn(retryIn * SECOND);
  }

  /** Waits (state `retrying`, woken by a stop) and then restarts the loop from the top. */
  #restartIn(delayMs: number): void {
    if (this.#stopRequested) return this.#end();
    this.#wakeup ??= new TimerEntry(BaseJob.#wake, this as BaseJob<object>);
    sharedTimerQueue.schedule(this.#wakeup, Date.now() + delayMs);
    this.#setState('retrying');
  }

  /** Stop path: shutdown (if set up), then end the worker; synchronous when shutdown is. */
  #finish(): void | Promise<void> {
    this.#setState('stopping');
    const pending = this.#shutdownIfSetUp();
    if (pending === undefined) return this.#end();
    return pending.then(() => this.#end());
  }

  /** Runs shutdown once per successful setup; returns a promise only if shutdown returned one. */
  #shutdownIfSetUp(): Promise<void> | undefined {
    if (!this.#setupDone) return undefined;
    this.#setupDone = false;
    let result: void | Promise<void>;
    try {
      result = this.#hooks.shutdown();
    } catch (error) {
      this.#reportShutdownError(error);
      return undefined;
    }
    if (!isPromiseLike(result)) return undefined;
    return Promise.resolve(result).then(undefined, (error: unknown) => this.#reportShutdownError(error));
  }

  #reportShutdownError(error: unknown): void {
    const failure = toError(error);
    this.#log('error', { event: 'error', phase: 'shutdown', err: failure }, `job shutdown failed: ${failure.message}`);
    this.#emit({ type: 'error', phase: 'shutdown', error: failure, retryIn: null });
  }

  /** The worker has ended: notify waiters and the host. */
  #end(): void {
    this.#cancelWakeup();
    this.#releaseHeldClaim(STOPPED_BEFORE_START);
    this.#runController = null;
    this.#setState('stopped');
    if (this.#isLogged('info')) this.#log('info', { event: 'stop', triggerCount: this.#triggerCount }, 'job stopped');
    if (this.#host !== null) this.#host.detach(this).catch((error: unknown) => this.#reportHostError(error));
    const listeners = this.#stopListeners;
    this.#stopListeners = null;
    if (listeners !== null) for (const listener of listeners) listener();
  }

  // ---- helpers ------------------------------------------------------------------------

  #recordActivity(): JobActivity {
    this.#activity ??= new JobActivity();
    return this.#activity;
  }

  #assertRunning(action: string): void {
    if (this.#state === 'stopped') throw new JobException(this.name, `cannot ${action}: the worker is not running`);
  }

  #setState(state: JobState): void {
    if (this.#state === state) return;
    this.#state = state;
    if (this.#host !== null) this.#emit({ type: 'state', state });
  }

  #emit(event: JobEvent): void {
    if (this.#host === null) return;
    try {
      this.#host.onEvent(this, event);
    } catch (error) {
      this.#log('warn', { event: 'host-error', err: toError(error) }, 'the host failed to handle an event');
    }
  }

  #reportHostError(error: unknown): void {
    const failure = toError(error);
    this.#log('warn', { event: 'host-error', err: failure }, `the job host failed: ${failure.message}`);
    this.#emit({ type: 'error', phase: 'host', error: failure, retryIn: null });
  }

  /** Whether entries at `level` are written (true when the logger cannot tell). */
  #isLogged(level: JobLogLevel): boolean {
    return this.#rootLogger.isLevelEnabled?.(level) !== false;
  }

  /** Writes a log entry carrying the job name; disabled levels cost no child logger. */
  #log(level: JobLogLevel, bindings: Record<string, unknown>, message: string): void {
    if (this.#isLogged(level)) this.logger[level](bindings, message);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
