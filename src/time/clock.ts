/**
 * The source of "now" for everything that reads the wall clock. Injected so that tests can
 * drive time, and so that stores receive "now" from the same source as the scheduler.
 */
export interface Clock {
  /** Current wall-clock time, UTC epoch milliseconds. */
  now(): number;
}

/** The process's wall clock (`Date.now`, which fake timers replace in tests). */
export const systemClock: Clock = { now: () => Date.now() };
