/**
 * Cluster controls of the storage contract (`JobStore.controls`): pauses and queued
 * manual triggers kept in the store, so every replica honours them and they survive restarts.
 *
 * @module
 */

/** A job paused cluster-wide with {@link JobControls.pause}: no replica triggers it until resumed. */
export interface JobPause {
  /** Job name. */
  readonly job: string;
  /** Who paused it: an operator name (name rules, at most {@link MAX_OPERATOR_LENGTH} characters). */
  readonly by: string;
  /** When it was paused (the store's clock, epoch ms). */
  readonly at: number;
  /** Why, as given (at most {@link MAX_PAUSE_REASON_LENGTH} characters), or `null`. */
  readonly reason: string | null;
}

/** What {@link JobControls.pause} asks for. */
export interface PauseRequest {
  /** Job name. */
  readonly job: string;
  /** Who pauses it (an operator name). */
  readonly by: string;
  /** Why (optional free text without control characters). */
  readonly reason?: string | null;
}

/** A manual trigger queued with {@link JobControls.requestTrigger} and not yet taken by a replica. */
export interface PendingTrigger {
  /** Store-assigned identifier (a decimal integer string, increasing). */
  readonly id: string;
  /** Job name. */
  readonly job: string;
  /** Who asked for it (an operator name). */
  readonly by: string;
  /** When it was queued (the store's clock, epoch ms). */
  readonly at: number;
}

/** What {@link JobControls.requestTrigger} asks for. */
export interface TriggerRequest {
  /** Job name. */
  readonly job: string;
  /** Who asks (an operator name). */
  readonly by: string;
}

/**
 * Why {@link JobControls.requestTrigger} refused: `paused` (the job is paused cluster-wide) or
 * `already-queued` (a trigger of the job is queued and not taken yet: one per job).
 */
export type TriggerRefusal = 'paused' | 'already-queued';

/** The answer of {@link JobControls.requestTrigger}: the queued trigger, or why none was queued. */
export type TriggerRequestAnswer =
  | { readonly status: 'queued'; readonly trigger: PendingTrigger }
  | { readonly status: 'refused'; readonly reason: TriggerRefusal };

/** Every pause and queued trigger, as {@link JobControls.list} reads them (each ordered by job). */
export interface JobControlsSnapshot {
  readonly pauses: JobPause[];
  readonly triggers: PendingTrigger[];
}

/** Longest operator name (`by`) the controls accept. */
export const MAX_OPERATOR_LENGTH = 200;
/** Longest pause reason the controls accept. */
export const MAX_PAUSE_REASON_LENGTH = 500;

/**
 * Cluster-wide controls of jobs, kept in the store so that every replica honours them and they
 * survive restarts (on SQLite and in memory: the same contract, for the processes sharing it).
 * Operations on a job name the store has never seen are valid (controls need no state row).
 * Names and `by` follow the name rules (`TypeError` naming the field otherwise); `by` and
 * `reason` longer than their bound are refused with a `RangeError`.
 */
export interface JobControls {
  /**
   * Pauses a job. Idempotent: when it is already paused, the existing pause (who, when, why)
   * is kept and returned.
   */
  pause(request: PauseRequest): Promise<JobPause>;
  /** Ends a job's pause; returns the pause that ended, or `null` when it was not paused. */
  resume(job: string): Promise<JobPause | null>;
  /** Every pause and queued trigger (what replicas read on each poll). */
  list(): Promise<JobControlsSnapshot>;
  /**
   * Queues one manual trigger of a job, unless the job is paused or one is queued already
   * (refused, and nothing changes).
   */
  requestTrigger(request: TriggerRequest): Promise<TriggerRequestAnswer>;
  /**
   * Takes (removes and returns) the job's queued trigger for `owner` to run, atomically, so
   * that one replica takes it. Returns `null` (taking nothing) when none is queued, the job is
   * paused, or another owner holds the job's live lease (that owner takes it instead).
   */
  takeTrigger(job: string, owner: string): Promise<PendingTrigger | null>;
}
