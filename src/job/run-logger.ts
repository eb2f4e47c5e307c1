/**
 * `run.logger`: a {@link JobLogger} that writes through the job's logger and also hands each
 * entry, as one line of text, to the run's log.
 *
 * @module
 */
import { toError } from '../errors/to-error.js';
import type { JobLogger, JobLogLevel } from './job-logger.js';

/** Most characters of an entry's fields written on its line (the store keeps 1,000 per line). */
const MAX_FIELDS_LENGTH = 600;

/** The fields of an entry as short JSON (an error as its message), or `''` when there are none. */
function fieldsText(fields: object): string {
  const entries = Object.entries(fields);
  if (entries.length === 0) return '';
  try {
    const text = JSON.stringify(Object.fromEntries(entries.map(([key, value]) => [key, value instanceof Error ? toError(value).message : value])));
    return text.length > MAX_FIELDS_LENGTH ? `${text.slice(0, MAX_FIELDS_LENGTH - 1)}…` : text;
  } catch {
    return '{…}';
  }
}

/**
 * One log line: `HH:MM:SS.mmm LEVEL message {fields}` (UTC time). Control characters are
 * escaped by the store, which keeps each line to 1,000 characters.
 */
export function runLogLine(at: number, level: JobLogLevel, args: readonly unknown[]): string {
  const [first, ...rest] = args;
  let message: string;
  let fields = '';
  if (typeof first === 'object' && first !== null) {
    fields = first instanceof Error ? first.message : fieldsText(first);
    message = rest.map(String).join(' ');
  } else {
    message = args.map(String).join(' ');
  }
  const time = new Date(at).toISOString().slice(11, 23);
  return [time, level.toUpperCase(), message, fields].filter((part) => part !== '').join(' ');
}

/** The logger given to an execution as `run.logger`. */
export class RunLogger implements JobLogger {
  readonly #target: JobLogger;
  readonly #capture: (line: string) => void;
  readonly #now: () => number;

  /**
   * @param target - the job's logger, which every entry is written to
   * @param capture - receives each entry's line (for the run's log)
   * @param now - the time of an entry
   */
  constructor(target: JobLogger, capture: (line: string) => void, now: () => number) {
    this.#target = target;
    this.#capture = capture;
    this.#now = now;
  }

  /** A logger adding `bindings` to the job's logger's entries; its lines go to the same run log. */
  child(bindings: Record<string, unknown>): JobLogger {
    return new RunLogger(this.#target.child(bindings), this.#capture, this.#now);
  }

  /** Whether the job's logger writes `level` (true when it cannot tell). */
  isLevelEnabled(level: string): boolean {
    return this.#target.isLevelEnabled?.(level) ?? true;
  }

  /** Writes a debug entry. */
  readonly debug = (...args: [unknown, ...unknown[]]): void => this.#write('debug', args);
  /** Writes an info entry. */
  readonly info = (...args: [unknown, ...unknown[]]): void => this.#write('info', args);
  /** Writes a warning entry. */
  readonly warn = (...args: [unknown, ...unknown[]]): void => this.#write('warn', args);
  /** Writes an error entry. */
  readonly error = (...args: [unknown, ...unknown[]]): void => this.#write('error', args);

  #write(level: JobLogLevel, args: [unknown, ...unknown[]]): void {
    Reflect.apply(this.#target[level], this.#target, args);
    if (this.isLevelEnabled(level)) this.#capture(runLogLine(this.#now(), level, args));
  }
}
