/**
 * `FailureLog`: how a job's failures reach the log without flooding it.
 *
 * - The first {@link FailureLogOptions.fullRepeats} occurrences of one error (same phase, error
 *   name and message) are written in full; later ones are counted, and one `error-repeated`
 *   entry per {@link FailureLogOptions.intervalMs} says how many there were. An error that has
 *   not occurred for an interval starts over (its pending count is written first).
 * - Error text is capped: the message at {@link FailureLogOptions.maxMessageChars}, the stack at
 *   {@link FailureLogOptions.maxStackLines} lines; control characters in the message line are
 *   made visible.
 *
 * Time comes from an injectable {@link Clock}; nothing here waits or schedules anything.
 */
import { systemClock, type Clock } from '../time/clock.js';
import type { JobLogger } from './job-logger.js';

/** Options of {@link FailureLog}. */
export interface FailureLogOptions {
  /** Source of "now". Default: the system clock. */
  readonly clock?: Clock;
  /** Occurrences of one error written in full before the rest are counted. Default 3. */
  readonly fullRepeats?: number;
  /** Milliseconds between `error-repeated` summaries of one error. Default 60,000. */
  readonly intervalMs?: number;
  /** Most characters of an error message in an entry. Default 2,000. */
  readonly maxMessageChars?: number;
  /** Most stack lines (frames) in an entry. Default 30. */
  readonly maxStackLines?: number;
}

/** Defaults of {@link FailureLogOptions}. */
export const FAILURE_LOG_DEFAULTS = { fullRepeats: 3, intervalMs: 60_000, maxMessageChars: 2_000, maxStackLines: 30 } as const;

/** Most characters of one stack line in an entry. */
const MAX_FRAME_CHARS = 500;

/** Distinct errors tracked at once; the oldest is summarised and forgotten beyond it. */
const MAX_TRACKED_ERRORS = 32;

/** Counting state of one distinct error. */
interface Repeats {
  readonly phase: string;
  readonly type: string;
  readonly message: string;
  /** Occurrences written in full so far. */
  full: number;
  /** Occurrences counted since `since` and not yet summarised. */
  counted: number;
  since: number;
  lastAt: number;
}

/** One job's failure log; see the module documentation. */
export class FailureLog {
  readonly #clock: Clock;
  readonly #fullRepeats: number;
  readonly #intervalMs: number;
  readonly #maxMessageChars: number;
  readonly #maxStackLines: number;
  readonly #repeats = new Map<string, Repeats>();

  /** @param options - see {@link FailureLogOptions} */
  constructor(options: FailureLogOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#fullRepeats = options.fullRepeats ?? FAILURE_LOG_DEFAULTS.fullRepeats;
    this.#intervalMs = options.intervalMs ?? FAILURE_LOG_DEFAULTS.intervalMs;
    this.#maxMessageChars = options.maxMessageChars ?? FAILURE_LOG_DEFAULTS.maxMessageChars;
    this.#maxStackLines = options.maxStackLines ?? FAILURE_LOG_DEFAULTS.maxStackLines;
  }

  /**
   * Logs a failure of `phase` at `error` level: in full (returns `true`; the caller may add its
   * own follow-up lines, such as the retry wait), or counted (returns `false`).
   *
   * @param retryIn - seconds until the job restarts, or `null`
   */
  record(logger: JobLogger, phase: string, error: Error, retryIn: number | null): boolean {
    const now = this.#clock.now();
    const bounded = this.bound(error);
    const type = bounded.name || 'Error';
    const key = `${phase}\u0000${type}\u0000${bounded.message}`;
    let repeats = this.#repeats.get(key);
    if (repeats !== undefined && now - repeats.lastAt >= this.#intervalMs) {
      this.#summarise(logger, repeats, now);
      this.#repeats.delete(key);
      repeats = undefined;
    }
    if (repeats === undefined) {
      repeats = { phase, type, message: bounded.message, full: 0, counted: 0, since: now, lastAt: now };
      this.#track(logger, key, repeats, now);
    }
    repeats.lastAt = now;
    if (repeats.full < this.#fullRepeats) {
      repeats.full++;
      repeats.since = now;
      const last = repeats.full === this.#fullRepeats;
      const note = last ? ` (seen ${repeats.full} times; further repeats are counted, one summary per ${this.#intervalMs / 1000} s)` : '';
      logger.error({ event: 'error', phase, err: bounded, retryIn }, `job ${phase} failed: ${oneLine(bounded.message, 200)}${note}`);
      return true;
    }
    repeats.counted++;
    if (now - repeats.since >= this.#intervalMs) this.#summarise(logger, repeats, now);
    return false;
  }

  /** Writes the pending counts of every error (at stop), and forgets them. */
  flush(logger: JobLogger): void {
    const now = this.#clock.now();
    for (const repeats of this.#repeats.values()) this.#summarise(logger, repeats, now);
    this.#repeats.clear();
  }

  /**
   * The error as log entries carry it: `error` itself when within the caps, else a copy (same
   * class and own properties) whose message and stack are capped.
   */
  bound(error: Error): Error {
    const message = String(error.message);
    const cappedMessage = capChars(message, this.#maxMessageChars);
    const header = `${error.name}: ${message}`;
    const stack = error.stack ?? header;
    const rest = stack.startsWith(header) ? stack.slice(header.length) : stack.slice(stack.indexOf('\n') + 1 || stack.length);
    const frames = rest.split('\n').filter((line) => line.trim() !== '');
    if (cappedMessage === message && frames.length <= this.#maxStackLines && frames.every((line) => line.length <= MAX_FRAME_CHARS)) return error;
    const kept = frames.slice(0, this.#maxStackLines).map((line) => capChars(line, MAX_FRAME_CHARS));
    if (frames.length > kept.length) kept.push(`    ... ${frames.length - kept.length} more frame(s)`);
    const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as Error, error);
    const value = (text: string): PropertyDescriptor => ({ value: text, writable: true, configurable: true, enumerable: false });
    Object.defineProperties(copy, { message: value(cappedMessage), stack: value([`${error.name}: ${cappedMessage}`, ...kept].join('\n')) });
    if ('cause' in error) Object.defineProperty(copy, 'cause', { value: error.cause, writable: true, configurable: true, enumerable: false });
    return copy;
  }

  #track(logger: JobLogger, key: string, repeats: Repeats, now: number): void {
    this.#repeats.set(key, repeats);
    if (this.#repeats.size <= MAX_TRACKED_ERRORS) return;
    const [oldestKey, oldest] = this.#repeats.entries().next().value as [string, Repeats];
    this.#summarise(logger, oldest, now);
    this.#repeats.delete(oldestKey);
  }

  #summarise(logger: JobLogger, repeats: Repeats, now: number): void {
    if (repeats.counted === 0) return;
    const seconds = Math.round((now - repeats.since) / 1000);
    logger.error(
      { event: 'error-repeated', phase: repeats.phase, err: { type: repeats.type, message: repeats.message }, count: repeats.counted, since: repeats.since },
      `job ${repeats.phase} failed ${repeats.counted} more time(s) in ${seconds} s with the same error: ${oneLine(repeats.message, 200)}`,
    );
    repeats.counted = 0;
    repeats.since = now;
  }
}

/** `text` cut to `max` characters, saying how many were cut. */
function capChars(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** `text` capped, on one line, with control characters shown as escapes (for a message). */
function oneLine(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return capChars(text, max).replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => (char === '\n' ? '\\n' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
