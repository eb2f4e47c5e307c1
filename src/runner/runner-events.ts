/**
 * The events a {@link JobRunner} emits: one map, keys namespaced by subject (`runner:`,
 * `job:`, `run:`, `tick:`), one payload object each. Every job event names its job.
 */
import type { ExecutionOutcome, UnexecutedTicks } from '../job/job-host.js';
import type { JobState } from '../job/job-state.js';
import type { RunContext } from '../job/run-context.js';
import type { RunProgress, RunRecord } from '../store/job-store.js';

/** `runner:start`: every job was started. */
export interface RunnerStartEvent {
  /** The runner's owner id. */
  readonly owner: string;
  /** Names of the jobs started. */
  readonly jobs: readonly string[];
}

/** `runner:stop`: the runner stopped (store closed). */
export interface RunnerStopEvent {
  /** Jobs whose worker ended. */
  readonly stopped: readonly string[];
  /** Jobs still running when the stop timeout elapsed. */
  readonly notStopped: readonly string[];
}

/** `job:state`: a job's worker moved to another state. */
export interface JobStateEvent {
  readonly job: string;
  readonly state: JobState;
}

/** `job:error`: setup, execute or shutdown threw, or the store failed the job (`phase: 'host'`). */
export interface JobErrorEvent {
  readonly job: string;
  readonly phase: 'setup' | 'execute' | 'shutdown' | 'host';
  readonly error: Error;
  /** Seconds until the job restarts, or `null` when it does not (stopping, host errors). */
  readonly retryIn: number | null;
}

/** `run:start`: an execution was claimed in the store and started. */
export interface RunStartEvent {
  readonly job: string;
  /** The run row as recorded (`status: 'running'`). */
  readonly run: RunRecord;
  /** What the job's `execute` receives (reason, due time, lateness). */
  readonly context: RunContext;
}

/** `run:progress`: an executing run reported progress (at most once a second per run, before the store write). */
export interface RunProgressEvent {
  readonly job: string;
  /** The run's id. */
  readonly runId: string;
  /** The latest progress it reported. */
  readonly progress: RunProgress;
}

/** `run:log`: an executing run logged lines with `run.logger` (batched, as `run:progress`). */
export interface RunLogEvent {
  readonly job: string;
  /** The run's id. */
  readonly runId: string;
  /** The new lines, oldest first, as the store keeps them (one line each, control characters escaped). */
  readonly lines: readonly string[];
}

/** `run:end`: an execution ended (reported before the store write completes). */
export interface RunEndEvent {
  readonly job: string;
  /** The run row with its final status, end and error. */
  readonly run: RunRecord;
  /** How it ended, with the error object. */
  readonly outcome: ExecutionOutcome;
}

/** `tick:unexecuted`: cron ticks passed over by the misfire policy. */
export interface TickUnexecutedEvent {
  readonly job: string;
  readonly ticks: UnexecutedTicks;
}

/** Every event of a runner, by name. */
export interface RunnerEventMap {
  'runner:start': RunnerStartEvent;
  'runner:stop': RunnerStopEvent;
  'job:state': JobStateEvent;
  'job:error': JobErrorEvent;
  'run:start': RunStartEvent;
  'run:end': RunEndEvent;
  'run:progress': RunProgressEvent;
  'run:log': RunLogEvent;
  'tick:unexecuted': TickUnexecutedEvent;
}

/** Name of a runner event. */
export type RunnerEventName = keyof RunnerEventMap;
