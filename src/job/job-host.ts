/**
 * The environment a job runs in when a runner hosts it: persistence of its state and runs,
 * coordination with other replicas, and the events that feed metrics. A bare job has no
 * host and pays nothing for one.
 *
 * The job's loop calls the host at fixed points and never runs an execution the host did not
 * grant, so "a tick runs once across replicas" is decided entirely by the host's store.
 */
import type { RunProgress } from '../store/job-store.js';
import type { RunContext, TriggerReason } from './run-context.js';
import type { JobState } from './job-state.js';

/** The part of a job a host sees. */
export interface HostedJob {
  readonly name: string;
  readonly cron: string | null;
  readonly interval: number | null;
}

/** Persisted state handed back to a job when it (re)starts under a host. */
export interface RestoredJobState {
  /** Trigger count to continue from. */
  readonly triggerCount: number;
  /** The newest tick already claimed (epoch ms), from which missed ticks are judged. */
  readonly lastTickAt: number | null;
}

/** Ticks that will not execute, as the misfire policy decided. */
export interface UnexecutedTicks {
  /** The ticks (epoch ms), oldest first; may list only the newest of many. */
  readonly ticks: readonly number[];
  /** How many ticks in all (at least `ticks.length`). */
  readonly count: number;
  /** `missed` (dropped by grace, cap or coalescing) or `skipped` (policy `skip`). */
  readonly status: 'missed' | 'skipped';
}

/** A request to run one execution. */
export interface ExecutionRequest {
  readonly reason: TriggerReason;
  /** The cron tick it is for (epoch ms), or `null` for interval, start and manual triggers. */
  readonly tickAt: number | null;
  /** When it would start (epoch ms). */
  readonly startedAt: number;
  /** Ticks passed over on the way to this one, to record atomically with the claim. */
  readonly unexecuted: UnexecutedTicks | null;
  /**
   * The controller of the execution's signal (it also aborts on stop). A host that can lose
   * the grant while the execution runs aborts it, with the reason, and returns its signal as
   * the grant's: the job then passes one signal on instead of combining two.
   */
  readonly controller: AbortController;
}

/** Permission to run one execution. */
export interface ExecutionGrant {
  /** The trigger number to use (the host's count may span replicas). */
  readonly trigger: number;
  /** The id of the run's record, given to `execute` as `run.runId`; `null` if there is none. */
  readonly runId: string | null;
  /**
   * The fencing number of the lease the grant holds, given to `execute` as `run.fence`;
   * omitted when there is none. It only grows: a downstream write can reject stale ones.
   */
  readonly fence?: number;
  /**
   * How many of the request's unexecuted ticks the host recorded with this claim (another
   * replica may have recorded or run some of them first). Omitted: all of them.
   */
  readonly unexecutedRecorded?: number;
  /**
   * The instant (epoch ms, read on the local clock) until which the grant's lease is known
   * to be live, read at the moment of execute: a grant held past it (say, by a process frozen
   * while it held a tick claimed ahead) is handed back unexecuted. Omitted: no limit.
   */
  readonly liveUntil?: () => number;
  /**
   * Aborts if the grant is lost while executing (a lease taken over), with a reason that is
   * not a `JobException`; `null` if it cannot be. Usually the request's controller's signal.
   */
  readonly signal: AbortSignal | null;
}

/** How an execution ended. */
export interface ExecutionOutcome {
  readonly status: 'ok' | 'failed' | 'timeout' | 'interrupted';
  /** Epoch ms. */
  readonly endedAt: number;
  /** The error, for every status but `ok`. */
  readonly error: Error | null;
}

/** Everything a job reports to its host, for logs, metrics and live views. */
export type JobEvent =
  | { readonly type: 'state'; readonly state: JobState }
  | { readonly type: 'trigger'; readonly run: RunContext }
  | { readonly type: 'run-end'; readonly run: RunContext; readonly outcome: ExecutionOutcome }
  | { readonly type: 'unexecuted'; readonly ticks: UnexecutedTicks }
  | { readonly type: 'error'; readonly phase: 'setup' | 'execute' | 'shutdown' | 'host'; readonly error: Error; readonly retryIn: number | null };

/** The hooks a runner gives a job. Every method may reject; the job logs and carries on. */
export interface JobHost {
  /**
   * How long a job waits, in milliseconds, before asking again after a claim was refused
   * (interval jobs whose lease another replica holds) or the host failed (store down).
   */
  readonly pollMs: number;
  /**
   * How long before a cron tick is due the job asks to claim it, in milliseconds; `0` claims at
   * the tick. A tick claimed ahead is held until it is due, then executed at once, so the
   * claim's round trip does not delay the start. A stop or pause in between hands it back
   * (`interrupted`, not executed), as does losing the lease.
   */
  readonly claimAheadMs: number;
  /** Called once per `start()`, before `setup()`. */
  restore(job: HostedJob): Promise<RestoredJobState | null>;
  /**
   * Asks to run one execution. `null`: not here, another replica has it (the tick is taken).
   * `'busy'`: not now, another replica holds the job (an execution overrunning, or a dead
   * replica's lease not yet lapsed); the job keeps the tick (or the manual trigger) unclaimed
   * and asks again after {@link JobHost.pollMs}, so overdue ticks then go through the misfire
   * policy and a manual trigger runs once the lease is free.
   */
  claim(job: HostedJob, request: ExecutionRequest): Promise<ExecutionGrant | 'busy' | null>;
  /** Reports how a granted execution ended. */
  finish(job: HostedJob, grant: ExecutionGrant, outcome: ExecutionOutcome): Promise<void>;
  /**
   * Records ticks that will not execute when no execution follows them. Resolves with how
   * many of them it recorded (0 when another replica had already recorded or run them).
   */
  recordUnexecuted(job: HostedJob, ticks: UnexecutedTicks): Promise<number>;
  /**
   * Called when the job's worker ends (release leases). A returned promise that rejects is
   * reported as a host error; a host that returns nothing reports its own failures (so that
   * stopping many jobs costs no promise per job).
   */
  detach(job: HostedJob): Promise<void> | undefined;
  /** Receives every event; must not throw. */
  onEvent(job: HostedJob, event: JobEvent): void;
  /**
   * Optional: takes the latest progress an executing run reported (`run.progress()`). Must
   * return at once and never throw: the host writes it later (throttled).
   */
  reportProgress?(job: HostedJob, runId: string, progress: RunProgress): void;
  /** Optional: takes one line an executing run logged with `run.logger`, as {@link JobHost.reportProgress} does. */
  reportLine?(job: HostedJob, runId: string, line: string): void;
  /**
   * Optional: calls `execute` (the job's, bound to its signal and run) inside whatever context
   * the host sets up, e.g. an OpenTelemetry span made active, and returns what it returns.
   */
  readonly wrapExecution?: ExecutionWrapper;
}

/** See {@link JobHost.wrapExecution}. */
export type ExecutionWrapper = (job: HostedJob, run: RunContext, execute: () => void | Promise<void>) => void | Promise<void>;
