/**
 * The booleans of a job's worker, as bits of one number: an idle job is kept small (a process
 * may hold 100,000). The worker extends this class, so they cost no object of their own.
 *
 * @module
 */

/** Bit of a stop requested since the latest start. */
export const STOP_REQUESTED = 1;
const PAUSED = 2;
const MANUAL_PENDING = 4;
const RESTORED = 8;
/** Bit of a successful `setup()` whose `shutdown()` has not run yet. */
export const SETUP_DONE = 16;
/** Bit of a claim in flight for a manual trigger (a pause leaves it to settle). */
const MANUAL_CLAIM = 32;

/** The worker's flags (see the module documentation). */
export class WorkerFlags {
  /** The bits; read and written directly only on the stop path, which must stay cheap. */
  protected flags = 0;

  /** A stop was requested since the latest start. */
  get stopRequested(): boolean {
    return (this.flags & STOP_REQUESTED) !== 0;
  }

  set stopRequested(value: boolean) {
    this.#setFlag(STOP_REQUESTED, value);
  }

  /** The job is paused. */
  get paused(): boolean {
    return (this.flags & PAUSED) !== 0;
  }

  set paused(value: boolean) {
    this.#setFlag(PAUSED, value);
  }

  /** A manual trigger waits for the worker to be idle. */
  get manualPending(): boolean {
    return (this.flags & MANUAL_PENDING) !== 0;
  }

  set manualPending(value: boolean) {
    this.#setFlag(MANUAL_PENDING, value);
  }

  /** The persisted state was restored since the latest start. */
  get restored(): boolean {
    return (this.flags & RESTORED) !== 0;
  }

  set restored(value: boolean) {
    this.#setFlag(RESTORED, value);
  }

  /** The claim in flight is for a manual trigger (which runs even while paused). */
  get claimingManual(): boolean {
    return (this.flags & MANUAL_CLAIM) !== 0;
  }

  set claimingManual(value: boolean) {
    this.#setFlag(MANUAL_CLAIM, value);
  }

  /** `setup()` succeeded and `shutdown()` has not run since. */
  get setupDone(): boolean {
    return (this.flags & SETUP_DONE) !== 0;
  }

  set setupDone(value: boolean) {
    this.#setFlag(SETUP_DONE, value);
  }

  #setFlag(bit: number, value: boolean): void {
    this.flags = value ? this.flags | bit : this.flags & ~bit;
  }

  /** A (re)start: every flag cleared but `setupDone` (a shutdown still owed stays owed). */
  protected resetFlags(): void {
    this.flags &= SETUP_DONE;
  }
}
