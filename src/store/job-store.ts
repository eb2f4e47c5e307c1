/**
 * The storage contract of eleanor-jobs.
 *
 * Every store (memory, SQLite, PostgreSQL) implements these semantic operations and passes
 * the one conformance suite in `test/store/conformance.ts`. No driver, connection or
 * transaction type appears here. All times are UTC epoch milliseconds.
 *
 * Coordination model (the same for one process and for many replicas):
 * - Each job has one state row holding its trigger count, its high-water mark (the newest
 *   tick ever claimed) and its lease (owner, expiry, fencing number).
 * - A cron tick `T` is claimed with {@link JobStore.claimRun}: it succeeds only if the mark
 *   is before `T` and nobody else holds a live lease; the same atomic step advances the mark,
 *   increments the trigger count, takes the lease and inserts the run row. A tick at or
 *   before the mark can never be claimed again.
 * - Lease expiry is judged by the store's clock (the database server's clock for
 *   PostgreSQL), never by a replica's. A lease is live while `now < leaseExpiresAt`.
 * - Fencing: the fence is a per-job counter that never decreases. Taking a lease that is free,
 *   expired or released increments it; an owner that already holds the live lease keeps its
 *   fence (and the expiry is extended).
 * - Takeover: when an owner takes a job's lease that it did not hold live, the job's `running`
 *   runs of OTHER owners are marked `interrupted` in the same atomic step. They can no longer
 *   finish (their `finishRun` returns `false`), so a replica that froze or died past its lease
 *   never records success after another took over, and a crashed process's run is closed as
 *   soon as the job runs again, whatever owner id the new process has.
 * - Unexecuted ticks (missed or skipped) are recorded only if they are after the mark as it
 *   was before the step, so two replicas that both saw the same gap never record it twice.
 *
 * @module
 */

import type { JobControls } from './job-controls.js';
import type { ReplicaRegistry } from './replica-registry.js';

export type { JobControls, JobControlsSnapshot, JobPause, PauseRequest, PendingTrigger, TriggerRefusal, TriggerRequest, TriggerRequestAnswer } from './job-controls.js';
export { MAX_OPERATOR_LENGTH, MAX_PAUSE_REASON_LENGTH } from './job-controls.js';
export type { ReplicaBeat, ReplicaRecord, ReplicaRegistry } from './replica-registry.js';
export { REPLICA_STALE_BEATS, REPLICA_TEXT_MAX } from './replica-registry.js';

/** Status of a run row. `running` is the only non-final status. */
export type RunStatus = 'running' | 'ok' | 'failed' | 'timeout' | 'skipped' | 'missed' | 'interrupted';

/** Statuses that end a claimed run. */
export type FinalRunStatus = 'ok' | 'failed' | 'timeout' | 'interrupted';

/** Statuses of ticks that were not executed. */
export type UnexecutedTickStatus = 'missed' | 'skipped';

/** One recorded run (or one tick that was missed or skipped). */
export interface RunRecord {
  /**
   * Store-assigned identifier: a decimal integer rendered as a string, increasing in
   * insertion order (so "newest first" is descending id, compared numerically).
   */
  readonly id: string;
  /** Job name. */
  readonly job: string;
  /** The scheduled tick the run was for, or `null` for interval, start and manual triggers. */
  readonly tickAt: number | null;
  /** When execution started; `null` for missed and skipped ticks. */
  readonly startedAt: number | null;
  /** When execution ended; `null` while running and for missed and skipped ticks. */
  readonly endedAt: number | null;
  /** Current status. */
  readonly status: RunStatus;
  /** Error message and stack for `failed`, `timeout` and `interrupted` runs, else `null`. */
  readonly error: string | null;
  /** The job's trigger count after this trigger, or `null` for missed and skipped ticks. */
  readonly trigger: number | null;
  /** Identifier of the process (replica) that ran it, or `null`. */
  readonly owner: string | null;
  /** What the run last reported with {@link JobStore.reportRun}; omitted when it never did. */
  readonly progress?: RunProgress;
}

/** The persisted state of one job. */
export interface JobStateRecord {
  /** Job name. */
  readonly job: string;
  /** Number of triggers ever claimed for this job in this store. */
  readonly triggerCount: number;
  /** The high-water mark: the newest tick ever claimed or skipped, or `null`. */
  readonly lastTickAt: number | null;
  /** Current lease holder, or `null` when the lease is free or expired. */
  readonly leaseOwner: string | null;
  /** Lease expiry (store clock) while a lease is held, else `null`. */
  readonly leaseExpiresAt: number | null;
}

/** What {@link JobStore.claimRun} asks for. */
export interface ClaimRequest {
  /** Job name. */
  readonly job: string;
  /** Identifier of the claiming process (replica). */
  readonly owner: string;
  /**
   * The tick to claim. When set, the claim succeeds only if the job's high-water mark is
   * `null` or before it, and the mark becomes this tick. `null` for interval, start and
   * manual triggers, which do not touch the mark.
   */
  readonly tickAt: number | null;
  /** When execution starts (the caller's clock; recorded as the run's start). */
  readonly startedAt: number;
  /** Lease length in milliseconds, counted from the store's clock. */
  readonly leaseMs: number;
  /**
   * Ticks that were missed or skipped before this one, recorded in the same atomic step
   * only if the claim succeeds (so replicas never record them twice).
   */
  readonly unexecuted?: { readonly ticks: readonly number[]; readonly status: UnexecutedTickStatus };
  /**
   * Set only when re-sending a claim whose previous call rejected with its outcome unknown
   * (e.g. the connection dropped around the commit). If this very claim (same job, owner and
   * `tickAt`) already committed and its run is still `running` under this owner's lease, the
   * store returns that claim again (lease extended) instead of `null`. Without it, a repeated
   * claim of a tick at the mark returns `null` as always. Stores whose commits cannot be in
   * doubt (memory, SQLite) may ignore it; PostgreSQL honours it.
   */
  readonly retry?: boolean;
  /**
   * Identifies this request among the owner's claims of the job (unique per request, the same
   * when it is re-sent). With `retry`, a claim without a tick (interval, start and manual
   * triggers) that already committed under this key is returned again, as a tick's claim is,
   * instead of inserting a second run and counting a second trigger. Stores whose commits
   * cannot be in doubt may ignore it; PostgreSQL honours it.
   */
  readonly key?: string;
}

/** A successful claim: the run row and the lease that guards it. */
export interface RunClaim {
  /** The new run row's identifier. */
  readonly runId: string;
  /** Fencing number of the lease; required to renew, finish and release. */
  readonly fence: number;
  /** The job's trigger count after this claim. */
  readonly trigger: number;
  /**
   * How many of the request's `unexecuted` ticks this claim recorded (those after the mark as
   * it was before the claim); 0 without any.
   */
  readonly unexecutedRecorded: number;
}

/**
 * Why {@link JobStore.claimRuns} refused a request: `taken` when the tick is at or before the
 * mark (another claim has it; never for requests without a tick), `busy` when another owner
 * holds a live lease (ask again later).
 */
export type ClaimRefusal = 'taken' | 'busy';

/** One answer of {@link JobStore.claimRuns}: the claim, or why it was refused. */
export type ClaimAnswer = RunClaim | ClaimRefusal;

/** One item of {@link JobStore.finishRuns}. */
export interface RunFinish {
  /** The claimed run. */
  readonly runId: string;
  /** How it ended. */
  readonly outcome: RunOutcome;
}

/** One item of {@link JobStore.releaseLeases}. */
export interface LeaseRelease {
  /** Job name. */
  readonly job: string;
  /** The holder releasing it. */
  readonly owner: string;
  /** The fence it holds the lease with. */
  readonly fence: number;
}

/** One item of {@link JobStore.acquireLeases}. */
export interface LeaseAcquire {
  /** Job name. */
  readonly job: string;
  /** The owner taking (or keeping) the lease. */
  readonly owner: string;
  /** Lease length in milliseconds, counted from the store's clock. */
  readonly leaseMs: number;
}

/** One item of {@link JobStore.renewLeases}. */
export interface LeaseRenewal {
  /** Job name. */
  readonly job: string;
  /** The holder renewing it. */
  readonly owner: string;
  /** The fence it holds the lease with. */
  readonly fence: number;
  /** New lease length in milliseconds, counted from the store's clock. */
  readonly leaseMs: number;
}

/** How a claimed run ended. */
export interface RunOutcome {
  /** Final status. */
  readonly status: FinalRunStatus;
  /** When execution ended (the caller's clock). */
  readonly endedAt: number;
  /** Error message and stack, or `null`. */
  readonly error: string | null;
}

/** What {@link JobStore.skipTicks} asks for (and each item of {@link JobStore.skipTicksOfJobs}). */
export interface SkipRequest {
  /** Job name. */
  readonly job: string;
  /** Identifier of the process (replica) recording the skip. */
  readonly owner: string;
  /** The ticks not executed, oldest first; the mark advances to the newest. */
  readonly ticks: readonly number[];
  /** Whether the ticks were missed (dropped by a policy) or skipped. */
  readonly status: UnexecutedTickStatus;
}

/** Filter for {@link JobStore.listRuns}. */
export interface RunQuery {
  /** Only this job; all jobs when omitted. */
  readonly job?: string;
  /** Only runs whose start (or tick, for unexecuted ones) is at or after this time. */
  readonly since?: number;
  /** Only runs whose id is numerically below this one (for paging back). */
  readonly beforeId?: string;
  /** At most this many rows, newest first. Default 100. */
  readonly limit?: number;
}

// ---- Run progress and run log ------------------------------------------------------------

/** What a run last reported of its progress (see {@link JobStore.reportRun}). */
export interface RunProgress {
  /** How far along it is, from 0 to 1. */
  readonly fraction: number;
  /** A short word on what it is doing (at most 200 characters), or `null`. */
  readonly message: string | null;
  /** When it was reported (the caller's clock, epoch ms). */
  readonly updatedAt: number;
}

/** One write of a running run's progress and new log lines ({@link JobStore.reportRun}). */
export interface RunReport {
  /** The running run. */
  readonly runId: string;
  /** Its latest progress, or `null` to leave the stored one as it is. */
  readonly progress: RunProgress | null;
  /** Log lines written since the previous report, oldest first (may be empty). */
  readonly lines: readonly string[];
  /**
   * Lines written after `lines` that the writer already left out because the log cannot keep
   * them (it saw more than 200 lines); counted as cut. Default 0.
   */
  readonly dropped?: number;
}

/** A run's stored log ({@link JobStore.readRunLog}). */
export interface RunLog {
  /** The kept lines, oldest first: at most 200 lines and 64 KiB of UTF-8 in all. */
  readonly lines: readonly string[];
  /** How many lines were written past those bounds and not kept. */
  readonly cut: number;
}

/**
 * The one storage contract. Implementations: `MemoryStore`, `SqliteStore`, `PostgresStore`.
 * Every method may reject when the backing database is unreachable; callers (the runner)
 * retry. No method ever deletes data other than through {@link JobStore.prune}.
 */
export interface JobStore {
  /** Short name of the backend, e.g. `memory`, `sqlite`, `postgres`. */
  readonly kind: string;
  /** Connect and apply migrations. Idempotent. */
  open(): Promise<void>;
  /** Release connections. Idempotent; the store is unusable afterwards. */
  close(): Promise<void>;
  /** Resolve if the store answers a trivial query (readiness). */
  ping(): Promise<void>;

  /** A job's persisted state, or `null` if the store has never seen the job. */
  loadState(job: string): Promise<JobStateRecord | null>;
  /** The states of several jobs, in the order asked: each as {@link JobStore.loadState} reads it. */
  loadStates(jobs: readonly string[]): Promise<Array<JobStateRecord | null>>;
  /** Every job's persisted state, ordered by name (binary / code-point order, as `COLLATE "C"`). */
  listStates(): Promise<JobStateRecord[]>;

  /**
   * Atomically claim one execution: checks the mark (for ticks) and the lease, advances the
   * mark, increments the trigger count, takes or keeps the lease (interrupting other owners'
   * runs on a takeover, see the module comment), records the unexecuted ticks and inserts a
   * `running` run row. Returns `null` when the tick is at or before the mark, or when another
   * owner holds a live lease.
   */
  claimRun(request: ClaimRequest): Promise<RunClaim | null>;
  /**
   * Many claims in one call, as a runner sends them when many jobs are due at once. Each
   * request (for distinct jobs) is decided exactly as {@link JobStore.claimRun} decides it,
   * and the answer at the same index says why a refusal happened. When the call rejects,
   * every request's outcome is unknown, as for a rejected `claimRun`.
   */
  claimRuns(requests: readonly ClaimRequest[]): Promise<ClaimAnswer[]>;
  /**
   * Take (or keep) the job's lease without starting a run, as interval jobs do across
   * replicas (interrupting other owners' runs on a takeover, see the module comment). Returns
   * the fence, or `null` when another owner holds a live lease.
   */
  acquireLease(job: string, owner: string, leaseMs: number): Promise<number | null>;
  /**
   * Extend a held lease. Returns `false` if the lease is no longer this owner's with this
   * fence, or has expired (even if nobody took it over yet).
   */
  renewLease(job: string, owner: string, fence: number, leaseMs: number): Promise<boolean>;
  /** Release a held lease; a no-op when the lease is not this owner's with this fence. */
  releaseLease(job: string, owner: string, fence: number): Promise<void>;
  /** {@link JobStore.releaseLease} for the leases of several distinct jobs in one call. */
  releaseLeases(releases: readonly LeaseRelease[]): Promise<void>;
  /**
   * Record how a claimed run ended. Applied only while the run is still `running`; returns
   * `false` otherwise (for example, another replica already marked it `interrupted`).
   */
  finishRun(runId: string, outcome: RunOutcome): Promise<boolean>;
  /**
   * {@link JobStore.finishRun} for several distinct runs in one call; the answer at each index
   * is that run's `finishRun` result.
   */
  finishRuns(finishes: readonly RunFinish[]): Promise<boolean[]>;
  /**
   * Record ticks that were not executed and advance the mark to the newest of them, only if
   * the mark is before it. Returns `false` (recording nothing) otherwise.
   */
  skipTicks(request: SkipRequest): Promise<boolean>;

  /**
   * Mark as `interrupted` every `running` run that can no longer finish: those owned by
   * `owner` (a restarted process; call it at start, never while that owner runs jobs) and
   * those whose owner no longer holds the job's live lease (it expired, was released or was
   * taken over). Returns how many. The owner's live leases stay its own: a restarted process
   * with the same owner claims under them at once, with the same fence.
   */
  interruptStaleRuns(owner: string): Promise<number>;
  /** Runs matching the query, newest first. */
  listRuns(query?: RunQuery): Promise<RunRecord[]>;
  /**
   * Delete all but the newest `keep` finished runs of a job (every status but `running`,
   * including missed and skipped ticks); `running` rows are never deleted. Returns how many
   * were deleted.
   */
  prune(job: string, keep: number): Promise<number>;

  // ---- batch lease upkeep and retention (one statement or transaction per call) ----------

  /**
   * {@link JobStore.acquireLease} for several distinct jobs in one call (one statement on
   * PostgreSQL, one transaction on SQLite); the answer at each index is that job's fence, or
   * `null` when another owner holds its live lease. When the call rejects, every request's
   * outcome is unknown (re-sending it is harmless: an owner keeps its own live lease).
   */
  acquireLeases(acquires: readonly LeaseAcquire[]): Promise<Array<number | null>>;
  /**
   * {@link JobStore.renewLease} for several distinct jobs in one call; the answer at each
   * index is that lease's `renewLease` result.
   */
  renewLeases(renewals: readonly LeaseRenewal[]): Promise<boolean[]>;
  /**
   * {@link JobStore.prune} for several distinct jobs in one call, each keeping its newest
   * `keep` finished runs. Returns how many runs were deleted in all.
   */
  pruneJobs(jobs: readonly string[], keep: number): Promise<number>;
  /**
   * {@link JobStore.skipTicks} for several distinct jobs in one call (one statement on
   * PostgreSQL, one transaction on SQLite), as a runner sends it when many jobs' plans run
   * nothing on one tick; the answer at each index is that request's `skipTicks` result. When the
   * call rejects, every request's outcome is unknown (re-sending it records nothing twice: a
   * request already recorded then answers `false`).
   */
  skipTicksOfJobs(requests: readonly SkipRequest[]): Promise<boolean[]>;
  /** Cluster-wide pause/resume and queued manual triggers (see {@link JobControls}). */
  readonly controls: JobControls;
  /** The replicas (runner processes) that heartbeat into this store: see {@link ReplicaRegistry}. */
  readonly replicas: ReplicaRegistry;
  /**
   * Record a running run's progress and append lines to its log, only while it is `running`
   * (returns `false`, recording nothing, otherwise). Lines past the log's bounds (200 lines,
   * 64 KiB) are counted, not kept; each line is kept to 1,000 characters with control
   * characters shown escaped. One writer per run (the process that claimed it).
   */
  reportRun(report: RunReport): Promise<boolean>;
  /** A run's log (empty when it wrote none), or `null` when there is no such run. Deleted with the run by {@link JobStore.prune}. */
  readRunLog(runId: string): Promise<RunLog | null>;
}
