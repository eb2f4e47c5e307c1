/**
 * The states of a job's worker: one for every step of the loop and one for every wait, so that a
 * stop or a pause always knows what it interrupts. {@link publicState} folds them into the
 * coarser {@link JobState} users read.
 *
 * @module
 */
import type { JobState } from '../job-state.js';

/**
 * Where the worker is:
 *
 * - `stopped`: no worker. `start()` leaves it.
 * - `restoring`: waiting for the host to load the persisted state (a host wait).
 * - `setting-up`: `setup()` is running, or the first decision after it.
 * - `deciding`: awake, deciding what is due (synchronous between waits).
 * - `claiming`: waiting for the host to grant an execution (a host wait).
 * - `recording`: waiting for the host to record ticks that will not run (a host wait).
 * - `executing`: `execute()` is running.
 * - `holding`: holding a cron tick claimed ahead until it is due (a timer wait).
 * - `sleeping`: waiting for the next trigger (a timer wait).
 * - `paused`: alive, not triggering.
 * - `retry-wait`: waiting before restarting after an error (a timer wait).
 * - `shutting-down`: `shutdown()` is running on the way to `stopped`.
 */
export type WorkerPhase =
  | 'stopped'
  | 'restoring'
  | 'setting-up'
  | 'deciding'
  | 'claiming'
  | 'recording'
  | 'executing'
  | 'holding'
  | 'sleeping'
  | 'paused'
  | 'retry-wait'
  | 'shutting-down';

const PUBLIC_STATES: Readonly<Record<WorkerPhase, JobState>> = {
  stopped: 'stopped',
  restoring: 'starting',
  'setting-up': 'starting',
  deciding: 'running',
  claiming: 'running',
  recording: 'running',
  executing: 'running',
  holding: 'sleeping',
  sleeping: 'sleeping',
  paused: 'paused',
  'retry-wait': 'retrying',
  'shutting-down': 'stopping',
};

/** The state users read for a phase: `stopping` for every live phase once a stop was requested. */
export function publicState(phase: WorkerPhase, stopRequested: boolean): JobState {
  return phase !== 'stopped' && stopRequested ? 'stopping' : PUBLIC_STATES[phase];
}
