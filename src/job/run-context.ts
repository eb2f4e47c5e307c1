/** Why an execution happened. */
export type TriggerReason =
  /** A cron tick or an interval elapsed, on time. */
  | 'schedule'
  /** A cron tick that was missed and is run late under the misfire policy. */
  | 'catch-up'
  /** `triggerOnStart`: the first trigger after (re)start. */
  | 'start'
  /** `triggerNow()`. */
  | 'manual';

/**
 * What one execution is for, passed to `execute(signal, run)`. Times are kept as epoch
 * milliseconds and turned into `Date`s only when read.
 */
export class RunContext {
  /**
   * @param trigger - the job's trigger count for this execution
   * @param reason - why it runs
   * @param scheduledAtMs - the instant it was due (the cron tick, or the interval's due time,
   *   jitter included), or `null` for start and manual triggers
   * @param startedAtMs - when it started
   * @param runId - the id of the run's row in the runner's store, or `null` without a runner
   * @param fence - the fencing number of the job's lease for this run, or `null` without a
   *   runner: it only grows, so a downstream write that stores the highest fence it has seen
   *   can reject a write from a replica that lost the lease (see the runner guide)
   */
  constructor(
    readonly trigger: number,
    readonly reason: TriggerReason,
    readonly scheduledAtMs: number | null,
    readonly startedAtMs: number,
    readonly runId: string | null = null,
    readonly fence: number | null = null,
  ) {}

  /** The instant the execution was due, or `null` for start and manual triggers. */
  get scheduledAt(): Date | null {
    return this.scheduledAtMs === null ? null : new Date(this.scheduledAtMs);
  }

  /** When the execution started. */
  get startedAt(): Date {
    return new Date(this.startedAtMs);
  }

  /** How late the execution started, in seconds (0 for start and manual triggers). */
  get lateness(): number {
    return this.scheduledAtMs === null ? 0 : Math.max(0, this.startedAtMs - this.scheduledAtMs) / 1000;
  }
}
