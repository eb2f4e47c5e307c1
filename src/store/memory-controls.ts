/**
 * The {@link JobControls} of `MemoryStore`: pauses and queued triggers in this process's
 * memory, judged against the store's own leases.
 *
 * @module
 */
import type { Clock } from '../time/clock.js';
import { checkPauseRequest, checkTakeTrigger, checkTriggerRequest } from './control-arguments.js';
import type { JobControls, JobControlsSnapshot, JobPause, JobStateRecord, PauseRequest, PendingTrigger, TriggerRequest, TriggerRequestAnswer } from './job-store.js';
import { checkName } from './store-arguments.js';

/** What the controls need of their store: its open check and its job states (leases). */
export interface ControlledStore {
  /** Rejects once the store is closed. */
  ping(): Promise<void>;
  /** The job's state (its live lease holder). */
  loadState(job: string): Promise<JobStateRecord | null>;
}

const byJob = (a: { job: string }, b: { job: string }): number => Buffer.compare(Buffer.from(a.job), Buffer.from(b.job));

/** In-memory {@link JobControls} (see the module documentation). */
export class MemoryControls implements JobControls {
  readonly #store: ControlledStore;
  readonly #clock: Clock;
  readonly #pauses = new Map<string, JobPause>();
  readonly #triggers = new Map<string, PendingTrigger>();
  #nextTriggerId = 1;

  /**
   * @param store - the store whose leases decide who may take a trigger
   * @param clock - the store's clock (times of pauses and triggers)
   */
  constructor(store: ControlledStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** {@inheritDoc JobControls.pause} */
  async pause(request: PauseRequest): Promise<JobPause> {
    await this.#store.ping();
    const reason = checkPauseRequest(request);
    const existing = this.#pauses.get(request.job);
    if (existing !== undefined) return existing;
    const pause: JobPause = { job: request.job, by: request.by, at: this.#clock.now(), reason };
    this.#pauses.set(request.job, pause);
    return pause;
  }

  /** {@inheritDoc JobControls.resume} */
  async resume(job: string): Promise<JobPause | null> {
    await this.#store.ping();
    checkName('job', job);
    const pause = this.#pauses.get(job) ?? null;
    this.#pauses.delete(job);
    return pause;
  }

  /** {@inheritDoc JobControls.list} */
  async list(): Promise<JobControlsSnapshot> {
    await this.#store.ping();
    return { pauses: [...this.#pauses.values()].sort(byJob), triggers: [...this.#triggers.values()].sort(byJob) };
  }

  /** {@inheritDoc JobControls.requestTrigger} */
  async requestTrigger(request: TriggerRequest): Promise<TriggerRequestAnswer> {
    await this.#store.ping();
    checkTriggerRequest(request);
    if (this.#pauses.has(request.job)) return { status: 'refused', reason: 'paused' };
    if (this.#triggers.has(request.job)) return { status: 'refused', reason: 'already-queued' };
    const trigger: PendingTrigger = { id: String(this.#nextTriggerId++), job: request.job, by: request.by, at: this.#clock.now() };
    this.#triggers.set(request.job, trigger);
    return { status: 'queued', trigger };
  }

  /** {@inheritDoc JobControls.takeTrigger} */
  async takeTrigger(job: string, owner: string): Promise<PendingTrigger | null> {
    checkTakeTrigger(job, owner);
    const holder = (await this.#store.loadState(job))?.leaseOwner ?? null;
    const trigger = this.#triggers.get(job);
    if (trigger === undefined || this.#pauses.has(job) || (holder !== null && holder !== owner)) return null;
    this.#triggers.delete(job);
    return trigger;
  }
}
