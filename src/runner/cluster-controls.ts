/**
 * `ClusterControls`: a runner's side of the store's cluster controls (`JobStore.controls`).
 *
 * - Every `pollMs` it reads every pause and queued trigger from the store. A job paused in the
 *   store is paused here (its sleep, held claim or claim wait ends, as a local pause ends
 *   them); a job whose pause ended is resumed. So every replica honours a pause within one
 *   poll, and a restarted replica pauses its jobs before they first trigger ({@link
 *   ClusterControls.load}).
 * - A queued manual trigger of one of this runner's jobs is taken (`takeTrigger`: one replica
 *   takes it, the one that may hold the job's lease) and run here once, as `triggerNow()`.
 * - The operations (`pause`, `resume`, `trigger`) write the store, apply the result here at
 *   once, and log what they did and every refusal.
 *
 * A poll never overlaps the previous one (a hanging store leaves one call in flight), and a
 * failed poll is logged once per outage; jobs keep their last known pause meanwhile.
 *
 * @module
 */
import { quoteText } from '../errors/quote-text.js';
import { toError } from '../errors/to-error.js';
import type { BaseJob } from '../job/base-job.js';
import type { JobLogger } from '../job/job-logger.js';
import type { JobPause, JobStore, PendingTrigger, TriggerRefusal } from '../store/job-store.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';

/** Options of {@link JobRunner.pause}. */
export interface PauseOptions {
  /** Who pauses (an operator name, recorded and shown). Default: the runner's owner id. */
  readonly by?: string;
  /** Why (shown with the pause; at most 500 characters, no control characters). */
  readonly reason?: string | null;
}

/** Options of {@link JobRunner.trigger}. */
export interface TriggerOptions {
  /** Who asks (an operator name, recorded and logged). Default: the runner's owner id. */
  readonly by?: string;
}

/**
 * Why {@link JobRunner.trigger} refused: the store's reasons (`paused`, `already-queued`) or
 * `unknown-job` (this runner has no job of that name).
 */
export type TriggerRefusalReason = TriggerRefusal | 'unknown-job';

/** What {@link JobRunner.trigger} answers: queued (runs once in the cluster), or refused and why. */
export type TriggerAnswer =
  | { readonly status: 'queued'; readonly job: string; readonly trigger: PendingTrigger }
  | { readonly status: 'refused'; readonly job: string; readonly reason: TriggerRefusalReason; readonly message: string };

/** Options of {@link ClusterControls}. */
export interface ClusterControlsOptions {
  readonly store: JobStore;
  /** This process's identifier (who takes triggers; the default `by`). */
  readonly owner: string;
  /** How often the store is read, in ms. */
  readonly pollMs: number;
  /** The runner's jobs by name. */
  readonly jobs: (name: string) => BaseJob | undefined;
  readonly logger: JobLogger;
}

/** Longest part of a job name a log message quotes (an unknown name comes from a request). */
const QUOTED_NAME_LENGTH = 200;

/** A job name for a log message: quoted, control characters escaped, bounded. */
const named = (job: string): string => quoteText(job.length > QUOTED_NAME_LENGTH ? `${job.slice(0, QUOTED_NAME_LENGTH)}…` : job);

const REFUSAL_MESSAGES: Readonly<Record<TriggerRefusalReason, string>> = {
  paused: 'the job is paused; resume it first',
  'already-queued': 'a trigger of this job is already queued and not yet taken by a replica',
  'unknown-job': 'this runner has no job of that name',
};

/** The runner's cluster controls (see the module documentation). */
export class ClusterControls {
  readonly #store: JobStore;
  readonly #owner: string;
  readonly #pollMs: number;
  readonly #jobs: (name: string) => BaseJob | undefined;
  readonly #logger: JobLogger;
  /** The pauses in force, as last read or written (this runner's jobs only). */
  #pauses = new Map<string, JobPause>();
  readonly #poll = new TimerEntry(() => void this.#pollOnce());
  #polling = false;
  #failing = false;
  #closed = false;

  /** @param options - see {@link ClusterControlsOptions} */
  constructor(options: ClusterControlsOptions) {
    this.#store = options.store;
    this.#owner = options.owner;
    this.#pollMs = options.pollMs;
    this.#jobs = options.jobs;
    this.#logger = options.logger;
  }

  /** The job's cluster pause as last known here, or `null`. */
  pauseOf(job: string): JobPause | null {
    return this.#pauses.get(job) ?? null;
  }

  /**
   * Reads the pauses before the jobs start, so a paused job never triggers after a restart.
   * A failure is logged; the first poll then applies them.
   */
  async load(): Promise<void> {
    try {
      const { pauses } = await this.#store.controls.list();
      this.#pauses = new Map(pauses.filter((pause) => this.#jobs(pause.job) !== undefined).map((pause) => [pause.job, pause]));
    } catch (error) {
      this.#reportPollFailure(error);
    }
  }

  /** Starts polling every `pollMs`. */
  start(): void {
    if (!this.#closed) sharedTimerQueue.schedule(this.#poll, Date.now() + this.#pollMs);
  }

  /** Stops polling (a poll in flight is ignored when it answers). */
  close(): void {
    this.#closed = true;
    sharedTimerQueue.cancel(this.#poll);
  }

  /** Applies the known pause to a job that has just started (the runner calls it at launch). */
  applyTo(job: BaseJob): void {
    if (this.#pauses.has(job.name) && job.isRunning && !job.isPaused) job.pause();
  }

  /** Pauses `name` cluster-wide (see `JobRunner.pause`). */
  async pause(name: string, options: PauseOptions): Promise<JobPause> {
    const job = this.#known(name);
    const pause = await this.#store.controls.pause({ job: name, by: options.by ?? this.#owner, reason: options.reason ?? null });
    this.#logger.info({ event: 'cluster-pause', job: name, by: pause.by, at: pause.at, reason: pause.reason }, `job ${named(name)} paused cluster-wide by ${quoteText(pause.by)}`);
    this.#apply(job, pause);
    return pause;
  }

  /** Resumes `name` cluster-wide (see `JobRunner.resume`). */
  async resume(name: string, by?: string): Promise<JobPause | null> {
    const job = this.#known(name);
    const ended = await this.#store.controls.resume(name);
    this.#logger.info({ event: 'cluster-resume', job: name, by: by ?? this.#owner, wasPaused: ended !== null }, `job ${named(name)} resumed cluster-wide`);
    this.#apply(job, null);
    return ended;
  }

  /** Queues one manual trigger of `name` (see `JobRunner.trigger`). */
  async trigger(name: string, options: TriggerOptions): Promise<TriggerAnswer> {
    const by = options.by ?? this.#owner;
    if (this.#jobs(name) === undefined) return this.#refuse(name, by, 'unknown-job');
    let answer;
    try {
      answer = await this.#store.controls.requestTrigger({ job: name, by });
    } catch (error) {
      const failure = toError(error);
      const invalid = failure instanceof TypeError || failure instanceof RangeError;
      const reason = invalid ? 'invalid-request' : 'store-unavailable';
      this.#logger.warn({ event: 'trigger-refused', job: name, reason, err: failure }, `manual trigger of ${named(name)} refused: ${invalid ? '' : 'the store failed: '}${failure.message}`);
      throw failure;
    }
    if (answer.status === 'refused') return this.#refuse(name, by, answer.reason);
    const trigger = answer.trigger;
    this.#logger.info({ event: 'trigger-queued', job: name, by, triggerId: trigger.id }, `manual trigger ${trigger.id} of ${named(name)} queued by ${quoteText(by)}`);
    // Take it at once if this replica may (else the lease holder takes it on its next poll).
    await this.#take(trigger).catch((error: unknown) => this.#reportPollFailure(error));
    return { status: 'queued', job: name, trigger };
  }

  #known(name: string): BaseJob {
    const job = this.#jobs(name);
    if (job === undefined) throw new RangeError(`no job named ${named(name)} in this runner`);
    return job;
  }

  #refuse(job: string, by: string, reason: TriggerRefusalReason): TriggerAnswer {
    const message = REFUSAL_MESSAGES[reason];
    this.#logger.warn({ event: 'trigger-refused', job: job.slice(0, QUOTED_NAME_LENGTH), by, reason }, `manual trigger of ${named(job)} refused: ${message}`);
    return { status: 'refused', job, reason, message };
  }

  /** Makes the job's local pause match `pause` (`null`: not paused). */
  #apply(job: BaseJob, pause: JobPause | null): void {
    if (pause === null) {
      const wasPaused = this.#pauses.delete(job.name);
      if (wasPaused && job.isRunning && job.isPaused) job.resume();
      return;
    }
    this.#pauses.set(job.name, pause);
    if (job.isRunning && !job.isPaused) job.pause();
  }

  /** Takes a queued trigger for this replica and runs it; `false` when another replica may. */
  async #take(trigger: PendingTrigger): Promise<boolean> {
    const job = this.#jobs(trigger.job);
    if (job === undefined || !job.isRunning || this.#pauses.has(trigger.job)) return false;
    const taken = await this.#store.controls.takeTrigger(trigger.job, this.#owner);
    if (taken === null) return false;
    if (!job.isRunning) {
      this.#logger.warn({ event: 'trigger-dropped', job: trigger.job, triggerId: taken.id }, `manual trigger ${taken.id} of ${named(trigger.job)} dropped: the job stopped`);
      return true;
    }
    this.#logger.info({ event: 'trigger-taken', job: trigger.job, triggerId: taken.id, by: taken.by }, `manual trigger ${taken.id} of ${named(trigger.job)} runs here`);
    job.triggerNow();
    return true;
  }

  async #pollOnce(): Promise<void> {
    if (this.#closed || this.#polling) return;
    this.#polling = true;
    try {
      const { pauses, triggers } = await this.#store.controls.list();
      if (this.#closed) return;
      if (this.#failing) this.#logger.info({ event: 'controls-poll-recovered' }, 'reading pauses and triggers from the store works again');
      this.#failing = false;
      // Only the jobs paused now or before are touched (a runner may hold 100,000 jobs).
      const paused = new Map(pauses.map((pause) => [pause.job, pause]));
      for (const name of new Set([...paused.keys(), ...this.#pauses.keys()])) {
        const job = this.#jobs(name);
        if (job !== undefined) this.#apply(job, paused.get(name) ?? null);
      }
      for (const trigger of triggers) if (!this.#closed) await this.#take(trigger);
    } catch (error) {
      this.#reportPollFailure(error);
    } finally {
      this.#polling = false;
      this.start();
    }
  }

  #reportPollFailure(error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    const failure = toError(error);
    this.#logger.warn({ event: 'controls-poll-failed', err: failure }, `reading pauses and triggers from the store failed (asking again every ${this.#pollMs} ms): ${failure.message}`);
  }
}
