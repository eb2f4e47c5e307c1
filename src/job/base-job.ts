/**
 * `BaseJob`: the seed's base class for backend jobs.
 *
 * A subclass implements `execute(signal, run)` (and optionally `setup()` and `shutdown()`);
 * `start()` runs the job's worker: setup, then trigger and execute on the cron schedule or
 * after each interval, then shutdown on stop. Any error restarts the loop from `setup()`
 * after `retryWait` seconds.
 *
 * This class is the façade: the data model, the hooks and the controls. The loop itself is the
 * internal worker (`worker/job-worker.ts`), an explicit state machine whose states include
 * every wait, so that a stop or a pause ends any of them the same way.
 */
import { JobException } from '../errors/job-exception.js';
import { toError } from '../errors/to-error.js';
import type { CronSchedule } from '../schedule/cron-schedule.js';
import { systemClock, type Clock } from '../time/clock.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';
import { baseJobFields, type BaseJobConfig, type JobFieldShape, type ResourceLimits, type RetryBackoff } from './job-fields.js';
import { checkTriggerFields, isLogger } from './job-config-rules.js';
import type { JobHost } from './job-host.js';
import { isolationLayer } from './job-isolation.js';
import { getDefaultLogger, type JobLogger } from './job-logger.js';
import { MODEL_VALUES, jsonSchemaOf, modelDefinitionOf, validateModel, type ModelClass, type ModelHolder } from './job-model.js';
import type { JobState, LastRun } from './job-state.js';
import type { RunContext } from './run-context.js';
import { JobWorker } from './worker/job-worker.js';

/** Options of a job that are not part of its data model. */
export interface JobRuntimeOptions {
  /** Logger for this job (any pino-compatible logger). Default: the shared pino logger. */
  readonly logger?: JobLogger;
  /** The source of "now" for the job's loop (tests drive time with it). Default: the system clock. */
  readonly clock?: Clock;
}

/** What a job's constructor accepts: the base fields, runtime options and subclass fields. */
export type JobConfig<Extra extends object = Record<never, never>> = BaseJobConfig & JobRuntimeOptions & Extra;

const SECOND = 1000;

/** What {@link BaseJob.waitUntilDone} returns when the worker has already ended: one settled promise for all. */
const DONE: Promise<void> = Promise.resolve();

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

  /** The loop: an explicit state machine (see the module documentation). */
  readonly #worker: JobWorker;

  /**
   * Validates `config` and creates the job (not started). Throws `JobConfigError` naming every
   * invalid field; the caller's object is never modified.
   */
  constructor(config: JobConfig<Extra>) {
    const jobClass = new.target as unknown as ModelClass;
    const definition = modelDefinitionOf(jobClass);
    const isObject = typeof config === 'object' && config !== null && !Array.isArray(config);
    const { logger, clock, ...fields } = isObject ? (config as JobConfig) : ({} as Partial<JobConfig>);
    const subject = typeof fields.name === 'string' && fields.name.trim() !== '' ? `${jobClass.name} "${fields.name}"` : jobClass.name;
    let schedule: CronSchedule | null = null;
    const values = validateModel(definition, isObject ? fields : config, subject, (candidate) => {
      const checked = checkTriggerFields(candidate);
      schedule = checked.schedule;
      if (logger !== undefined && !isLogger(logger)) {
        checked.issues.push({ field: 'logger', value: logger, message: 'expected a pino-compatible logger (child, debug, info, warn, error)' });
      }
      if (clock !== undefined && typeof (clock as Partial<Clock> | null)?.now !== 'function') {
        checked.issues.push({ field: 'clock', value: clock, message: 'expected a Clock (an object with a now() method returning epoch milliseconds)' });
      }
      if (candidate.isolation === 'thread') {
        try {
          isolationLayer('thread').check(String(candidate.name), jobClass as unknown as abstract new (...args: never[]) => unknown);
        } catch (error) {
          checked.issues.push({ field: 'isolation', value: 'thread', message: toError(error).message });
        }
      }
      return checked.issues;
    });
    this[MODEL_VALUES] = values;
    this.#worker = new JobWorker(this, schedule, values.triggerCount as number, logger ?? getDefaultLogger(), clock ?? systemClock);
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
    return this.#worker.triggerCount;
  }

  set triggerCount(value: number) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`Expected \`triggerCount\` to be an integer >= 0, got \`${String(value)}\` (${typeof value})`);
    }
    this.#worker.triggerCount = value;
  }

  /** Where the worker is in its loop. */
  get state(): JobState {
    return this.#worker.state;
  }

  /** Whether the worker is alive (any state but `stopped`). */
  get isRunning(): boolean {
    return this.#worker.phase !== 'stopped';
  }

  /** Whether the job is paused. */
  get isPaused(): boolean {
    return this.#worker.paused;
  }

  /** When the next trigger is due while the job sleeps for it, else `null`. */
  get nextRunAt(): Date | null {
    const next = this.#worker.nextRunAt;
    return next === null ? null : new Date(next);
  }

  /** The latest execution: start, end (null while running) and error; `null` before the first. */
  get lastRun(): LastRun | null {
    const activity = this.#worker.activity;
    if (activity === null || Number.isNaN(activity.lastRunStart)) return null;
    return {
      start: new Date(activity.lastRunStart),
      end: Number.isNaN(activity.lastRunEnd) ? null : new Date(activity.lastRunEnd),
      error: activity.lastRunError,
    };
  }

  /** Cron ticks not run because the misfire policy dropped them, since construction. */
  get missedTicks(): number {
    return this.#worker.activity?.missedTicks ?? 0;
  }

  /** Cron ticks not run because of misfire policy `skip`, since construction. */
  get skippedTicks(): number {
    return this.#worker.activity?.skippedTicks ?? 0;
  }

  /** The compiled cron schedule, or `null` for interval jobs. */
  get schedule(): CronSchedule | null {
    return this.#worker.schedule;
  }

  /** A logger whose entries carry `job: <name>`, for the job's own code. */
  get logger(): JobLogger {
    return this.#worker.logger;
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
    const state = this.#worker.state;
    if (state !== 'stopped') {
      throw new JobException(this.name, state === 'stopping' ? 'the worker is stopping; wait until it is done' : 'the worker is already running');
    }
    this.#worker.start();
  }

  /**
   * Requests the job to stop: ends at once whatever the worker waits for (the next trigger, a
   * retry wait, a held claim, the runner's store) and aborts the signal of a running
   * execution. Idempotent; a no-op when not running.
   */
  requestStop(): void {
    this.#worker.requestStop();
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
    const worker = this.#worker;
    if (worker.phase === 'stopped') return DONE;
    return new Promise<void>((resolve, reject) => {
      if (timeout === null) {
        worker.whenStopped(resolve);
        return;
      }
      const timer = new TimerEntry(() => {
        worker.forget(onDone);
        reject(new JobException(this.name, `the worker is still running after ${timeout} s`));
      });
      const onDone = (): void => {
        sharedTimerQueue.cancel(timer);
        resolve();
      };
      worker.whenStopped(onDone);
      sharedTimerQueue.schedule(timer, worker.clock.now() + timeout * SECOND);
    });
  }

  /** Stops the job and waits for it: `await using job = ...` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.requestStop();
    await this.waitUntilDone();
  }

  /**
   * Stops triggering; the worker stays alive. An execution in progress finishes; a tick claimed
   * ahead, or a grant that arrives while paused, is handed back unexecuted.
   */
  pause(): void {
    this.#assertRunning('pause');
    this.#worker.pause();
  }

  /** Resumes triggering after {@link BaseJob.pause}. Ticks due while paused are not run. */
  resume(): void {
    this.#assertRunning('resume');
    this.#worker.resume();
  }

  /**
   * Triggers one execution as soon as the job is idle (now, if it is sleeping or paused),
   * counted like any trigger. Throws `JobException` when the worker is not running.
   */
  triggerNow(): void {
    this.#assertRunning('trigger');
    this.#worker.triggerNow();
  }

  /**
   * Attaches the runner's hooks (persistence, replicas, metrics). For runners; only while
   * the job is stopped. `null` detaches.
   */
  bindHost(host: JobHost | null): void {
    if (this.#worker.phase !== 'stopped') throw new JobException(this.name, 'cannot change the host of a running job');
    this.#worker.host = host;
  }

  #assertRunning(action: string): void {
    if (this.#worker.phase === 'stopped') throw new JobException(this.name, `cannot ${action}: the worker is not running`);
  }
}
