import { StoreError } from '../errors/store-errors.js';
import { systemClock, type Clock } from '../time/clock.js';
import { claimOrNull, isTickTaken } from './claim-answers.js';
import { JobRunIndex } from './job-run-index.js';
import { MemoryControls } from './memory-controls.js';
import { MemoryReplicas } from './memory-replicas.js';
import { storedRunError } from './run-error-text.js';
import type {
  ClaimAnswer,
  ClaimRequest,
  JobStateRecord,
  JobStore,
  LeaseAcquire,
  LeaseRelease,
  LeaseRenewal,
  RunClaim,
  RunFinish,
  RunOutcome,
  RunQuery,
  RunLog,
  RunRecord,
  RunReport,
  SkipRequest,
  UnexecutedTickStatus,
} from './job-store.js';
import { MemoryRunLogs } from './memory-run-logs.js';
import { checkRunReport, storedProgress } from './run-report-rules.js';
import {
  checkClaimRequest,
  checkClaimRequests,
  checkFence,
  checkJobNames,
  checkKeep,
  checkLeaseAcquires,
  checkLeaseMs,
  checkLeaseReleases,
  checkLeaseRenewals,
  checkName,
  checkPruneJobs,
  checkRunFinishes,
  checkRunOutcome,
  checkRunQuery,
  checkSkipRequest,
  checkSkipRequests,
  parseRunId,
} from './store-arguments.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Judges lease expiry. Default: the system clock. */
  readonly clock?: Clock;
}

interface MutableState {
  triggerCount: number;
  lastTickAt: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  fence: number;
}

type MutableRun = { -readonly [K in keyof RunRecord]: RunRecord[K] };

const INTERRUPTED_ERROR = 'Interrupted: the process running it stopped, or lost the job lease, before the run finished.';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/**
 * The default store: everything lives in this process's memory and is gone when it exits.
 * Implements the whole {@link JobStore} contract (so one process's jobs coordinate through it);
 * lease expiry is judged by the injected clock.
 */
export class MemoryStore implements JobStore {
  /** Always `memory`. */
  readonly kind = 'memory';
  readonly #clock: Clock;
  readonly #states = new Map<string, MutableState>();
  /** Runs by id; ids are consecutive integers in insertion order. */
  readonly #runs = new Map<number, MutableRun>();
  /** Each job's run ids, so that claims, finishes and prunes touch only that job's runs. */
  readonly #indexes = new Map<string, JobRunIndex>();
  readonly #logs = new MemoryRunLogs();
  #nextId = 1;
  /** No run with a smaller id exists (ids are never reused, so it only grows). */
  #lowestId = 1;
  #closed = false;
  /** {@inheritDoc JobStore.controls} */
  readonly controls: MemoryControls;
  /** {@inheritDoc JobStore.replicas} */
  readonly replicas: MemoryReplicas;

  /** @param options - see {@link MemoryStoreOptions} */
  constructor(options: MemoryStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.controls = new MemoryControls(this, this.#clock);
    this.replicas = new MemoryReplicas(this.#clock, () => this.#check());
  }

  /** Nothing to connect; only fails once closed. */
  async open(): Promise<void> {
    this.#check();
  }

  /** Marks the store closed. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Resolves while the store is open. */
  async ping(): Promise<void> {
    this.#check();
  }

  /** {@inheritDoc JobStore.loadState} */
  async loadState(job: string): Promise<JobStateRecord | null> {
    this.#check();
    checkName('job', job);
    const state = this.#states.get(job);
    return state === undefined ? null : this.#record(job, state);
  }

  /** {@inheritDoc JobStore.loadStates} */
  async loadStates(jobs: readonly string[]): Promise<Array<JobStateRecord | null>> {
    this.#check();
    checkJobNames(jobs);
    return jobs.map((job) => {
      const state = this.#states.get(job);
      return state === undefined ? null : this.#record(job, state);
    });
  }

  /** {@inheritDoc JobStore.listStates} */
  async listStates(): Promise<JobStateRecord[]> {
    this.#check();
    return [...this.#states.entries()]
      .sort(([a], [b]) => Buffer.compare(utf8(a), utf8(b)))
      .map(([job, state]) => this.#record(job, state));
  }

  /** {@inheritDoc JobStore.claimRun} */
  async claimRun(request: ClaimRequest): Promise<RunClaim | null> {
    this.#check();
    checkClaimRequest(request);
    return claimOrNull(this.#claim(request));
  }

  /** {@inheritDoc JobStore.claimRuns} */
  async claimRuns(requests: readonly ClaimRequest[]): Promise<ClaimAnswer[]> {
    this.#check();
    checkClaimRequests(requests);
    return requests.map((request) => this.#claim(request));
  }

  #claim(request: ClaimRequest): ClaimAnswer {
    const state = this.#stateOf(request.job);
    const mark = state.lastTickAt;
    if (isTickTaken(request, mark)) return 'taken';
    const fence = this.#take(request.job, state, request.owner, request.leaseMs);
    if (fence === null) return 'busy';
    if (request.tickAt !== null) state.lastTickAt = request.tickAt;
    state.triggerCount += 1;
    const unexecutedRecorded =
      request.unexecuted === undefined ? 0 : this.#insertUnexecuted(request.job, request.owner, request.unexecuted.ticks, request.unexecuted.status, mark);
    const runId = this.#insert({
      job: request.job,
      tickAt: request.tickAt,
      startedAt: request.startedAt,
      endedAt: null,
      status: 'running',
      error: null,
      trigger: state.triggerCount,
      owner: request.owner,
    });
    return { runId, fence, trigger: state.triggerCount, unexecutedRecorded };
  }

  /** {@inheritDoc JobStore.acquireLease} */
  async acquireLease(job: string, owner: string, leaseMs: number): Promise<number | null> {
    this.#check();
    checkName('job', job);
    checkName('owner', owner);
    checkLeaseMs(leaseMs);
    return this.#take(job, this.#stateOf(job), owner, leaseMs);
  }

  /** {@inheritDoc JobStore.renewLease} */
  async renewLease(job: string, owner: string, fence: number, leaseMs: number): Promise<boolean> {
    this.#check();
    checkName('job', job);
    checkName('owner', owner);
    checkFence(fence);
    checkLeaseMs(leaseMs);
    return this.#renew({ job, owner, fence, leaseMs });
  }

  /** {@inheritDoc JobStore.acquireLeases} */
  async acquireLeases(acquires: readonly LeaseAcquire[]): Promise<Array<number | null>> {
    this.#check();
    checkLeaseAcquires(acquires);
    return acquires.map(({ job, owner, leaseMs }) => this.#take(job, this.#stateOf(job), owner, leaseMs));
  }

  /** {@inheritDoc JobStore.renewLeases} */
  async renewLeases(renewals: readonly LeaseRenewal[]): Promise<boolean[]> {
    this.#check();
    checkLeaseRenewals(renewals);
    return renewals.map((renewal) => this.#renew(renewal));
  }

  #renew({ job, owner, fence, leaseMs }: LeaseRenewal): boolean {
    const state = this.#states.get(job);
    const now = this.#clock.now();
    if (state === undefined || state.fence !== fence || this.#liveOwner(state, now) !== owner) return false;
    state.leaseExpiresAt = now + leaseMs;
    return true;
  }

  /** {@inheritDoc JobStore.releaseLease} */
  async releaseLease(job: string, owner: string, fence: number): Promise<void> {
    this.#check();
    checkName('job', job);
    checkName('owner', owner);
    checkFence(fence);
    this.#release({ job, owner, fence });
  }

  /** {@inheritDoc JobStore.releaseLeases} */
  async releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    this.#check();
    checkLeaseReleases(releases);
    for (const release of releases) this.#release(release);
  }

  #release({ job, owner, fence }: LeaseRelease): void {
    const state = this.#states.get(job);
    if (state === undefined || state.fence !== fence || state.leaseOwner !== owner) return;
    state.leaseOwner = null;
    state.leaseExpiresAt = null;
  }

  /** {@inheritDoc JobStore.finishRun} */
  async finishRun(runId: string, outcome: RunOutcome): Promise<boolean> {
    this.#check();
    const id = parseRunId('runId', runId);
    checkRunOutcome(outcome);
    return this.#finish(id, outcome);
  }

  /** {@inheritDoc JobStore.finishRuns} */
  async finishRuns(finishes: readonly RunFinish[]): Promise<boolean[]> {
    this.#check();
    const ids = checkRunFinishes(finishes);
    return finishes.map((finish, index) => this.#finish(ids[index] as number, finish.outcome));
  }

  #finish(id: number, outcome: RunOutcome): boolean {
    const run = this.#runs.get(id);
    if (run === undefined || run.status !== 'running') return false;
    run.status = outcome.status;
    run.endedAt = outcome.endedAt;
    run.error = storedRunError(outcome.error);
    this.#indexOf(run.job).finish(id);
    return true;
  }

  /** {@inheritDoc JobStore.skipTicks} */
  async skipTicks(request: SkipRequest): Promise<boolean> {
    this.#check();
    checkSkipRequest(request);
    return this.#skip(request);
  }

  /** {@inheritDoc JobStore.skipTicksOfJobs} */
  async skipTicksOfJobs(requests: readonly SkipRequest[]): Promise<boolean[]> {
    this.#check();
    checkSkipRequests(requests);
    return requests.map((request) => this.#skip(request));
  }

  #skip(request: SkipRequest): boolean {
    const newest = request.ticks[request.ticks.length - 1] as number;
    const existing = this.#states.get(request.job);
    const mark = existing?.lastTickAt ?? null;
    if (mark !== null && mark >= newest) return false;
    const state = existing ?? this.#stateOf(request.job);
    this.#insertUnexecuted(request.job, request.owner, request.ticks, request.status, mark);
    state.lastTickAt = newest;
    return true;
  }

  /** {@inheritDoc JobStore.interruptStaleRuns} */
  async interruptStaleRuns(owner: string): Promise<number> {
    this.#check();
    checkName('owner', owner);
    const now = this.#clock.now();
    let count = 0;
    for (const [job, index] of this.#indexes) {
      const holder = this.#liveOwner(this.#stateOf(job), now);
      for (const id of [...index.running]) {
        const run = this.#runs.get(id) as MutableRun;
        if (run.owner !== owner && run.owner === holder) continue;
        this.#interrupt(id, run, now);
        count += 1;
      }
    }
    return count;
  }

  /** {@inheritDoc JobStore.listRuns} */
  async listRuns(query?: RunQuery): Promise<RunRecord[]> {
    this.#check();
    const { job, since, beforeId, limit } = checkRunQuery(query);
    const result: RunRecord[] = [];
    for (const id of job === undefined ? this.#allNewestFirst(beforeId) : (this.#indexes.get(job)?.newestFirst(beforeId) ?? [])) {
      if (result.length >= limit) break;
      const run = this.#runs.get(id) as MutableRun;
      if (since !== undefined && (run.startedAt ?? run.tickAt ?? -Infinity) < since) continue;
      result.push({ ...run });
    }
    return result;
  }

  /** Every stored run id below `beforeId` (all when undefined), newest first. */
  *#allNewestFirst(beforeId: number | undefined): Generator<number> {
    while (this.#lowestId < this.#nextId && !this.#runs.has(this.#lowestId)) this.#lowestId += 1;
    for (let id = Math.min(beforeId ?? this.#nextId, this.#nextId) - 1; id >= this.#lowestId; id -= 1) {
      if (this.#runs.has(id)) yield id;
    }
  }

  /** {@inheritDoc JobStore.prune} */
  async prune(job: string, keep: number): Promise<number> {
    this.#check();
    checkName('job', job);
    checkKeep(keep);
    return this.#prune(job, keep);
  }

  /** {@inheritDoc JobStore.pruneJobs} */
  async pruneJobs(jobs: readonly string[], keep: number): Promise<number> {
    this.#check();
    checkPruneJobs(jobs, keep);
    let deleted = 0;
    for (const job of jobs) deleted += this.#prune(job, keep);
    return deleted;
  }

  #prune(job: string, keep: number): number {
    const doomed = this.#indexes.get(job)?.prune(keep) ?? [];
    for (const id of doomed) this.#runs.delete(id);
    this.#logs.delete(doomed);
    return doomed.length;
  }

  /** {@inheritDoc JobStore.reportRun} */
  async reportRun(report: RunReport): Promise<boolean> {
    this.#check();
    const id = checkRunReport(report);
    const run = this.#runs.get(id);
    if (run === undefined || run.status !== 'running') return false;
    const progress = storedProgress(report.progress);
    if (progress !== null) run.progress = progress;
    this.#logs.append(id, report.lines, report.dropped);
    return true;
  }

  /** {@inheritDoc JobStore.readRunLog} */
  async readRunLog(runId: string): Promise<RunLog | null> {
    this.#check();
    const id = parseRunId('runId', runId);
    return this.#runs.has(id) ? this.#logs.read(id) : null;
  }

  #check(): void {
    if (this.#closed) throw new StoreError('The memory store is closed.');
  }

  #stateOf(job: string): MutableState {
    let state = this.#states.get(job);
    if (state === undefined) {
      state = { triggerCount: 0, lastTickAt: null, leaseOwner: null, leaseExpiresAt: null, fence: 0 };
      this.#states.set(job, state);
    }
    return state;
  }

  #liveOwner(state: MutableState, now: number): string | null {
    return state.leaseExpiresAt !== null && now < state.leaseExpiresAt ? state.leaseOwner : null;
  }

  /**
   * Takes or keeps the lease for `owner` (a takeover interrupts other owners' running runs of
   * the job); returns the fence, or `null` if another owner holds a live lease.
   */
  #take(job: string, state: MutableState, owner: string, leaseMs: number): number | null {
    const now = this.#clock.now();
    const holder = this.#liveOwner(state, now);
    if (holder !== null && holder !== owner) return null;
    if (holder === null) {
      state.fence += 1;
      state.leaseOwner = owner;
      for (const id of [...this.#indexOf(job).running]) {
        const run = this.#runs.get(id) as MutableRun;
        if (run.owner !== owner) this.#interrupt(id, run, now);
      }
    }
    state.leaseExpiresAt = now + leaseMs;
    return state.fence;
  }

  #interrupt(id: number, run: MutableRun, now: number): void {
    run.status = 'interrupted';
    run.endedAt = now;
    run.error = INTERRUPTED_ERROR;
    this.#indexOf(run.job).finish(id);
  }

  #indexOf(job: string): JobRunIndex {
    let index = this.#indexes.get(job);
    if (index === undefined) {
      index = new JobRunIndex();
      this.#indexes.set(job, index);
    }
    return index;
  }

  #insertUnexecuted(
    job: string,
    owner: string,
    ticks: readonly number[],
    status: UnexecutedTickStatus,
    mark: number | null,
  ): number {
    let recorded = 0;
    for (const tick of ticks) {
      if (mark !== null && tick <= mark) continue;
      this.#insert({ job, tickAt: tick, startedAt: null, endedAt: null, status, error: null, trigger: null, owner });
      recorded++;
    }
    return recorded;
  }

  #insert(run: Omit<MutableRun, 'id'>): string {
    const id = this.#nextId;
    this.#nextId += 1;
    this.#runs.set(id, { id: String(id), ...run });
    this.#indexOf(run.job).add(id, run.status === 'running');
    return String(id);
  }

  #record(job: string, state: MutableState): JobStateRecord {
    const owner = this.#liveOwner(state, this.#clock.now());
    return {
      job,
      triggerCount: state.triggerCount,
      lastTickAt: state.lastTickAt,
      leaseOwner: owner,
      leaseExpiresAt: owner === null ? null : state.leaseExpiresAt,
    };
  }
}
