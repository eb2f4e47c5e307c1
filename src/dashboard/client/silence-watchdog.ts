/**
 * Telling a silently dead live connection from a quiet one: the server sends
 * `event: heartbeat` every `everyMs` (its data says how often); when nothing at all arrives for
 * {@link DEAD_AFTER_BEATS} of those intervals, the connection is dead even though the browser
 * still believes it open (a sleeping laptop, a proxy that dropped it without a word).
 */

/** Intervals without any event after which the connection counts as dead. */
export const DEAD_AFTER_BEATS = 3;

/** Calls `onSilent` once no event was fed for {@link DEAD_AFTER_BEATS} heartbeat intervals. */
export class SilenceWatchdog {
  readonly #onSilent: () => void;
  #everyMs: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** @param onSilent - called (once per silence) when the connection is judged dead */
  constructor(onSilent: () => void) {
    this.#onSilent = onSilent;
  }

  /**
   * Something arrived: restart the wait. `everyMs` (from a heartbeat's data) sets the interval;
   * until one is known, nothing is watched (a server that sends no heartbeat events).
   */
  feed(everyMs?: number): void {
    if (everyMs !== undefined && Number.isFinite(everyMs) && everyMs > 0) this.#everyMs = everyMs;
    if (this.#everyMs === null) return;
    this.stop();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#onSilent();
    }, this.#everyMs * DEAD_AFTER_BEATS);
  }

  /** Stops watching (the connection was closed on purpose or already reported lost). */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
