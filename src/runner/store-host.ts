/**
 * `StoreHost`: the {@link JobHost} a runner gives each of its jobs, over one {@link JobStore}.
 *
 * - Every execution is claimed in the store first (`claimRuns`), which records the run and
 *   takes the job's lease; nothing runs unclaimed. Cron ticks are claimed `claimAheadMs`
 *   before they are due, so that the claim's round trip does not delay the start. While it
 *   executes, the lease is renewed every third of its length; if a renewal finds it gone, or
 *   the store cannot confirm it before it expires, the execution's signal aborts with
 *   {@link LeaseLostError}.
 * - Cron jobs release the lease after each run. Interval jobs keep it while they sleep
 *   (re-taken on the same schedule), so other replicas take an interval job over only once its
 *   holder stops renewing. Each upkeep round sends at most two store calls per 1,000 leases
 *   held: one `renewLeases` (executions) and one `acquireLeases` (idle interval jobs).
 * - How a run ended is written with `finishRuns`, retried every `pollMs` while the store
 *   fails, before the next claim of that job.
 * - Restores (and the reads of a lease's holder for {@link LeaseWaitNotice}), claims, finishes,
 *   releases and unexecuted ticks asked for at the same moment (while the microtask queue drains:
 *   many jobs due on one tick) go to the store as one batch call each per 1,000 ({@link CallBatcher}).
 * - Each job's history is pruned to the newest `retention` runs as it grows, in batches on a
 *   fixed period ({@link PruneSchedule}).
 *
 * One host serves every job of a runner; it keeps a small slot of lease state per job.
 */
import { toError } from '../errors/to-error.js';
import type {
  ExecutionGrant,
  ExecutionWrapper,
  ExecutionOutcome,
  ExecutionRequest,
  HostedJob,
  JobEvent,
  JobHost,
  RestoredJobState,
  UnexecutedTicks,
} from '../job/job-host.js';
import type { JobLogger } from '../job/job-logger.js';
import type { ClaimAnswer, ClaimRequest, JobStateRecord, JobStore, RunFinish, RunProgress, RunRecord, SkipRequest } from '../store/job-store.js';
import { runErrorText, storedRunError } from '../store/run-error-text.js';
import { CancellableWaits } from '../time/cancellable-waits.js';
import { sharedTimerQueue, TimerEntry } from '../time/timer-queue.js';
import { CallBatcher } from './call-batcher.js';
import { expiryMargin, JobSlots, SETTLED, type ActiveRun, type JobSlot } from './job-slot.js';
import { LeaseReleases } from './lease-releases.js';
import { LeaseLostError } from './lease-lost-error.js';
import { LeaseUpkeep } from './lease-upkeep.js';
import { LeaseExpiryNotice } from './lease-expiry-notice.js';
import { LeaseWaitNotice } from './lease-wait-notice.js';
import { PruneSchedule } from './prune-schedule.js';
import type { RunnerEventMap } from './runner-events.js';
import { RunReportWriter } from './run-report-writer.js';
import type { TypedEmitter } from './typed-emitter.js';

/** Default of {@link StoreHostOptions.pruneEvery}. */
export const DEFAULT_PRUNE_EVERY = 50;

/**
 * Back-to-back executions (`interval: 0`) yield to the event loop at least this often, in
 * milliseconds: a store that answers from memory settles every call as a microtask, which
 * would otherwise starve timers and I/O.
 */
const YIELD_EVERY_MS = 1;

/** Options of {@link StoreHost}. */
export interface StoreHostOptions {
  /** Where runs, state and leases live (opened by the caller). */
  readonly store: JobStore;
  /** This process's identifier on leases and runs. */
  readonly owner: string;
  /** Lease length in milliseconds; renewed every third of it. */
  readonly leaseMs: number;
  /** How long a job waits before asking again after a refused claim or a store failure (ms). */
  readonly pollMs: number;
  /** How long before a cron tick is due its claim is sent (ms); see {@link JobHost.claimAheadMs}. Default 0. */
  readonly claimAheadMs?: number;
  /** Runs kept per job. */
  readonly retention: number;
  /** Prune a job's history after this many rows written (finished runs and recorded missed/skipped ticks), at the next prune round. Default 50. */
  readonly pruneEvery?: number;
  /** Receives the runner events derived from the jobs' events. */
  readonly events: TypedEmitter<RunnerEventMap>;
  /** Logs the host's own background failures (finish retries, renewals, pruning). */
  readonly logger: JobLogger;
  /** See {@link JobHost.wrapExecution} (the runner's tracing). */
  readonly wrapExecution?: ExecutionWrapper | undefined;
}

/**
 * The runner's implementation of {@link JobHost} over a {@link JobStore}. See the module
 * documentation for the lease rules.
 */
export class StoreHost implements JobHost {
  /** {@inheritDoc JobHost.pollMs} */
  readonly pollMs: number;
  /** {@inheritDoc JobHost.claimAheadMs} */
  readonly claimAheadMs: number;
  /** {@inheritDoc JobHost.wrapExecution} */
  readonly wrapExecution?: ExecutionWrapper;
  readonly #owner: string;
  readonly #leaseMs: number;
  readonly #prunes: PruneSchedule;
  readonly #upkeep: LeaseUpkeep;
  readonly #events: TypedEmitter<RunnerEventMap>;
  readonly #logger: JobLogger;
  readonly #slots: JobSlots;
  /** Slots whose lease this process holds: the renewal set. */
  readonly #held = new Set<JobSlot>();
  /** Finish, release and prune work in progress (a count, not a set: 10,000 jobs stop at once). */
  #pending = 0;
  /** Drains waiting for {@link StoreHost.#pending} to reach 0. */
  #idleWaiters: (() => void)[] = [];
  readonly #settleOne = (): void => {
    if (--this.#pending > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  };
  readonly #renewal = new TimerEntry(() => void this.#renewAll());
  /** Waits before the next attempt to write a finish: ended at once by {@link StoreHost.close}. */
  readonly #retryWaits = new CancellableWaits();
  /** Store calls batched per microtask drain (see the module comment). */
  readonly #restores: CallBatcher<string, JobStateRecord | null>;
  readonly #claims: CallBatcher<ClaimRequest, ClaimAnswer>;
  readonly #finishes: CallBatcher<RunFinish, boolean>;
  readonly #skips: CallBatcher<SkipRequest, boolean>;
  readonly #releases: LeaseReleases;
  readonly #leaseWait: LeaseWaitNotice;
  readonly #leaseExpiry: LeaseExpiryNotice;
  readonly #reports: RunReportWriter;
  #closed = false;
  /** Numbers the claims this host sends, for their keys. */
  #claimSequence = 0;
  /** When the host last let the event loop turn (performance.now()). */
  #sliceStart = 0;

  /** @param options - see {@link StoreHostOptions} */
  constructor(options: StoreHostOptions) {
    this.#owner = options.owner;
    this.#leaseMs = options.leaseMs;
    this.pollMs = options.pollMs;
    this.claimAheadMs = options.claimAheadMs ?? 0;
    if (options.wrapExecution !== undefined) this.wrapExecution = options.wrapExecution;
    const pruneEvery = options.pruneEvery ?? DEFAULT_PRUNE_EVERY;
    this.#slots = new JobSlots(pruneEvery, (slot) => this.#onDeadline(slot));
    this.#events = options.events;
    this.#logger = options.logger;
    this.#upkeep = new LeaseUpkeep(options, {
      confirm: (slot, sentAt) => this.#confirm(slot, sentAt),
      lose: (slot, run, detail) => this.#loseLease(slot, run, detail),
      drop: (slot) => this.#dropLease(slot),
      hold: (slot, fence, sentAt) => this.#holdLease(slot, fence, sentAt),
    });
    this.#prunes = new PruneSchedule({ store: options.store, retention: options.retention, pruneEvery, logger: options.logger, track: (work) => void this.#track(work) });
    this.#reports = new RunReportWriter(options.store, options.events, options.logger);
    const store = options.store;
    // Stores reject bad arguments with TypeError or RangeError, outages with StoreError.
    const badArgument = (error: unknown): boolean => error instanceof TypeError || error instanceof RangeError;
    this.#restores = new CallBatcher((jobs) => store.loadStates(jobs), badArgument);
    this.#leaseWait = new LeaseWaitNotice((job) => this.#restores.call(job), options.logger);
    this.#leaseExpiry = new LeaseExpiryNotice(options.logger);
    this.#claims = new CallBatcher((requests) => store.claimRuns(requests), badArgument);
    this.#finishes = new CallBatcher((finishes) => store.finishRuns(finishes), badArgument);
    this.#skips = new CallBatcher((requests) => store.skipTicksOfJobs(requests), badArgument);
    this.#releases = new LeaseReleases(store, options.logger, (batch) => void this.#track(batch), badArgument);
  }

  /** {@inheritDoc JobHost.restore} */
  async restore(job: HostedJob): Promise<RestoredJobState | null> {
    const state = await this.#restores.call(job.name);
    return state === null ? null : { triggerCount: state.triggerCount, lastTickAt: state.lastTickAt };
  }

  /** {@inheritDoc JobHost.claim} */
  async claim(job: HostedJob, request: ExecutionRequest): Promise<ExecutionGrant | 'busy' | null> {
    const slot = this.#slots.of(job);
    if (job.interval === 0) await this.#yieldWhenBusy();
    await slot.settled;
    // Stopped while the previous finish was being written: nothing to claim.
    if (slot.stopping) return null;
    const inDoubt = slot.claimInDoubt;
    // A claim re-sent after its outcome was lost keeps its key, so the store can recognise it.
    const key = inDoubt ?? `${this.#owner}:${++this.#claimSequence}`;
    const unexecuted = request.unexecuted;
    let answer: ClaimAnswer;
    const startedAt = Math.max(request.startedAt, Date.now());
    const sentAt = Date.now();
    try {
      answer = await this.#claims.call({
        job: job.name,
        owner: this.#owner,
        tickAt: request.tickAt,
        startedAt,
        leaseMs: this.#leaseMs,
        key,
        ...(unexecuted !== null && unexecuted.ticks.length > 0 ? { unexecuted: { ticks: unexecuted.ticks, status: unexecuted.status } } : {}),
        ...(inDoubt === null ? {} : { retry: true }),
      });
    } catch (error) {
      slot.claimInDoubt = key;
      throw error;
    }
    slot.claimInDoubt = null;
    if (typeof answer === 'string') {
      // Taken: another replica has the tick. Busy: another owner's live lease; ask again.
      if (answer === 'busy') this.#leaseWait.refused(job.name);
      this.#dropLease(slot);
      // Busy for a manual trigger too: it waits for the lease rather than being dropped.
      return answer === 'taken' || (request.tickAt === null && request.reason !== 'manual') ? null : 'busy';
    }
    const claim = answer;
    this.#leaseWait.granted(job.name);
    this.#prunes.counted(slot, claim.unexecutedRecorded);
    this.#holdLease(slot, claim.fence, sentAt);
    const controller = request.controller;
    const fence = claim.fence;
    const grant: ExecutionGrant = {
      trigger: claim.trigger,
      runId: claim.runId,
      fence,
      unexecutedRecorded: claim.unexecutedRecorded,
      signal: controller.signal,
      liveUntil: () => (slot.fence === fence ? slot.confirmedAt + this.#leaseMs - expiryMargin(this.#leaseMs) : Number.NEGATIVE_INFINITY),
    };
    const record: RunRecord = {
      id: claim.runId,
      job: job.name,
      tickAt: request.tickAt,
      startedAt,
      endedAt: null,
      status: 'running',
      error: null,
      trigger: claim.trigger,
      owner: this.#owner,
    };
    slot.run = { grant, controller, record, leaseLost: false };
    if (slot.stopping) {
      // The job was asked to stop while the claim was in flight: give the claim back.
      void this.#finishRun(slot, grant, { status: 'interrupted', endedAt: Date.now(), error: new Error('the job was stopped before the execution started') });
      return null;
    }
    return grant;
  }

  /** {@inheritDoc JobHost.finish} */
  finish(job: HostedJob, grant: ExecutionGrant, outcome: ExecutionOutcome): Promise<void> {
    const slot = this.#slots.find(job);
    if (slot === undefined) return Promise.resolve();
    return this.#finishRun(slot, grant, outcome);
  }

  /** {@inheritDoc JobHost.reportProgress} */
  reportProgress(job: HostedJob, runId: string, progress: RunProgress): void { this.#reports.progress(job.name, runId, progress); }
  /** {@inheritDoc JobHost.reportLine} */
  reportLine(job: HostedJob, runId: string, line: string): void { this.#reports.line(job.name, runId, line); }
  /** {@inheritDoc JobHost.recordUnexecuted} */
  async recordUnexecuted(job: HostedJob, ticks: UnexecutedTicks): Promise<number> {
    if (ticks.ticks.length === 0) return 0;
    const slot = this.#slots.of(job);
    const recorded = (await this.#skips.call({ job: job.name, owner: this.#owner, ticks: ticks.ticks, status: ticks.status })) ? ticks.ticks.length : 0;
    this.#prunes.counted(slot, recorded);
    return recorded;
  }

  /** {@inheritDoc JobHost.detach} Releases the lease in this pass's batch, after the job's finish if one is pending. */
  detach(job: HostedJob): Promise<void> | undefined {
    const slot = this.#slots.find(job);
    if (slot === undefined) return undefined;
    if (slot.settled !== SETTLED) return this.#chain(slot, () => this.#release(slot));
    void this.#release(slot);
    return undefined;
  }

  /** {@inheritDoc JobHost.onEvent} */
  onEvent(job: HostedJob, event: JobEvent): void {
    const events = this.#events;
    switch (event.type) {
      case 'state': {
        const slot = this.#slots.of(job);
        if (event.state === 'starting') slot.stopping = false;
        else if (event.state === 'stopping' || event.state === 'stopped') slot.stopping = true;
        // No payload per job when nobody listens (a runner stopping 10,000 jobs).
        if (events.hasListeners('job:state')) events.emit('job:state', { job: job.name, state: event.state });
        break;
      }
      case 'trigger': {
        const run = this.#slots.find(job)?.run;
        if (run !== undefined && run !== null) events.emit('run:start', { job: job.name, run: run.record, context: event.run });
        break;
      }
      case 'unexecuted':
        events.emit('tick:unexecuted', { job: job.name, ticks: event.ticks });
        break;
      case 'error':
        events.emit('job:error', { job: job.name, phase: event.phase, error: event.error, retryIn: event.retryIn });
        break;
      case 'run-end':
        // Reported by finish(), which knows the run row.
        break;
    }
  }

  /**
   * Waits until every finish, release and prune started so far has completed, or `timeoutMs`
   * elapsed. Resolves `true` when nothing is left pending.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.#prunes.flush();
    if (this.#pending === 0) return true;
    if (timeoutMs <= 0) return false;
    let expire = (): void => undefined;
    const expiry = new TimerEntry(() => expire());
    sharedTimerQueue.schedule(expiry, Date.now() + timeoutMs);
    await new Promise<void>((resolve) => {
      expire = resolve;
      this.#idleWaiters.push(resolve);
    });
    sharedTimerQueue.cancel(expiry);
    return this.#pending === 0;
  }

  /** Stops renewing and retrying. Call after the jobs ended and before closing the store. */
  close(): void {
    this.#closed = true;
    sharedTimerQueue.cancel(this.#renewal);
    this.#prunes.close();
    for (const slot of this.#held) sharedTimerQueue.cancel(slot.deadline);
    this.#retryWaits.endAll();
    this.#reports.close();
  }

  async #yieldWhenBusy(): Promise<void> {
    if (performance.now() - this.#sliceStart < YIELD_EVERY_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }

  // ---- finish and release ------------------------------------------------------------

  #finishRun(slot: JobSlot, grant: ExecutionGrant, outcome: ExecutionOutcome): Promise<void> {
    const run = slot.run;
    if (run === null || run.grant !== grant) return Promise.resolve();
    slot.run = null;
    const error = outcome.error === null ? null : runErrorText(outcome.error);
    // Listeners (the live stream, the recent runs, the API) see the text the store keeps, bounded.
    const record: RunRecord = { ...run.record, status: outcome.status, endedAt: outcome.endedAt, error: storedRunError(error) };
    this.#events.emit('run:end', { job: slot.name, run: record, outcome });
    const leaseLost = run.leaseLost;
    return this.#chain(slot, async () => {
      await this.#reports.end(record.id, this.pollMs);
      await this.#persistFinish(slot, record.id, { status: outcome.status, endedAt: outcome.endedAt, error });
      this.#prunes.counted(slot, 1);
      if (leaseLost) this.#dropLease(slot);
      else if (!slot.keepsLease || slot.stopping) await this.#release(slot);
    });
  }

  /** Writes the outcome, retrying every `pollMs` while the store fails (until closed). */
  async #persistFinish(slot: JobSlot, runId: string, outcome: { status: ExecutionOutcome['status']; endedAt: number; error: string | null }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await this.#finishes.call({ runId, outcome });
        if (!applied) {
          this.#logger.warn({ job: slot.name, event: 'finish-refused', runId }, 'the store no longer had this run as running (another replica marked it); outcome not recorded');
        }
        return;
      } catch (error) {
        const failure = toError(error);
        if (this.#closed) {
          this.#logger.error({ job: slot.name, event: 'finish-lost', runId, err: failure }, `could not record how run ${runId} ended: ${failure.message}`);
          return;
        }
        this.#logger.warn({ job: slot.name, event: 'finish-retry', runId, attempt, err: failure }, `recording the end of run ${runId} failed; retrying in ${this.pollMs} ms`);
        this.#events.emit('job:error', { job: slot.name, phase: 'host', error: failure, retryIn: this.pollMs / 1000 });
        await this.#retryWaits.wait(this.pollMs);
      }
    }
  }

  /** Releases the lease this process holds for the job, unless an execution holds it; never rejects. */
  #release(slot: JobSlot): Promise<void> {
    const fence = slot.fence;
    if (fence === null || slot.run !== null) return SETTLED;
    this.#dropLease(slot);
    return this.#releases.add({ job: slot.name, owner: this.#owner, fence });
  }

  /** Records a lease taken with a request sent at `sentAt`, and keeps it renewed. */
  #holdLease(slot: JobSlot, fence: number, sentAt: number): void {
    slot.fence = fence;
    slot.epoch++;
    slot.confirmedAt = Number.NEGATIVE_INFINITY;
    this.#held.add(slot);
    this.#confirm(slot, sentAt);
    if (!this.#closed && !this.#renewal.isQueued) sharedTimerQueue.schedule(this.#renewal, Date.now() + this.#leaseMs / 3);
  }

  /** The store confirmed the lease with a request sent at `sentAt`: move the deadline. */
  #confirm(slot: JobSlot, sentAt: number): void {
    if (sentAt <= slot.confirmedAt) return;
    slot.confirmedAt = sentAt;
    if (!this.#closed) sharedTimerQueue.schedule(slot.deadline, sentAt + this.#leaseMs - expiryMargin(this.#leaseMs));
  }

  #dropLease(slot: JobSlot): void {
    slot.fence = null;
    slot.epoch++;
    this.#held.delete(slot);
    sharedTimerQueue.cancel(slot.deadline);
  }

  /** No renewal was confirmed in time (rejected, or still unanswered): the lease is lost. */
  #onDeadline(slot: JobSlot): void {
    if (slot.fence === null) return;
    this.#leaseExpiry.expired(slot.name, slot.run !== null);
    this.#loseLease(slot, slot.run, 'the store could not confirm it before it expired');
  }

  /** Runs `work` after the job's previous finish/release work, tracked for {@link drain}. */
  #chain(slot: JobSlot, work: () => Promise<void>): Promise<void> {
    const next = slot.settled.then(work, work);
    // Back to SETTLED once the last work chained is done: an idle slot's release needs no chain.
    const idle = (): void => {
      if (slot.settled === tail) slot.settled = SETTLED;
    };
    const tail: Promise<void> = next.then(idle, idle);
    slot.settled = tail;
    return this.#track(next);
  }

  #track(promise: Promise<void>): Promise<void> {
    this.#pending++;
    promise.then(this.#settleOne, this.#settleOne);
    return promise;
  }

  // ---- lease renewal ------------------------------------------------------------------

  /** Renews every held lease in one upkeep round ({@link LeaseUpkeep}); re-arms while any is held. */
  async #renewAll(): Promise<void> {
    if (this.#closed || this.#held.size === 0) return;
    const now = Date.now();
    sharedTimerQueue.schedule(this.#renewal, now + this.#leaseMs / 3);
    await this.#upkeep.round(this.#held, now);
  }

  #loseLease(slot: JobSlot, run: ActiveRun | null, detail: string): void {
    this.#dropLease(slot);
    if (run === null || slot.run !== run) return;
    run.leaseLost = true;
    run.controller.abort(new LeaseLostError(slot.name, detail));
  }
}
