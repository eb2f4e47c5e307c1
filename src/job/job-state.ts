/**
 * Where a job's worker is in its loop.
 *
 * - `stopped`: no worker (never started, or ended). `start()` leaves this state.
 * - `starting`: `setup()` is running.
 * - `sleeping`: waiting for the next trigger.
 * - `running`: awake: deciding what is due, claiming it (under a runner) or running `execute()`.
 * - `paused`: alive but not triggering, after `pause()`.
 * - `retrying`: waiting `retryWait` after an error before restarting from `setup()`.
 * - `stopping`: a stop was requested; finishing the execution or running `shutdown()`.
 */
export type JobState = 'stopped' | 'starting' | 'sleeping' | 'running' | 'paused' | 'retrying' | 'stopping';

/** The outcome of the job's latest execution, as `lastRun` reports it. */
export interface LastRun {
  /** When the execution started. */
  readonly start: Date;
  /** When it ended, or `null` while it runs. */
  readonly end: Date | null;
  /** The error it failed with, or `null`. */
  readonly error: Error | null;
}
