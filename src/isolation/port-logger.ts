import type { MessagePort } from 'node:worker_threads';
import type { JobLogger, JobLogLevel, LogMethod } from '../job/job-logger.js';
import { toCloneable, type WorkerToMain } from './thread-protocol.js';

/**
 * The logger of a job inside its worker thread: a pino-compatible logger that sends each
 * entry to the main thread, where the job's own logger writes it (so entries carry
 * `job: <name>` and reach the application's sink). Levels the main logger does not write are
 * dropped in the worker, without a message.
 */
export class PortLogger implements JobLogger {
  readonly #port: MessagePort;
  readonly #bindings: Record<string, unknown>;
  readonly #enabled: ReadonlySet<JobLogLevel>;

  /**
   * @param port - the worker's `parentPort`
   * @param enabled - levels the main logger writes
   * @param bindings - bindings added to every entry (from {@link PortLogger.child})
   */
  constructor(port: MessagePort, enabled: ReadonlySet<JobLogLevel>, bindings: Record<string, unknown> = {}) {
    this.#port = port;
    this.#enabled = enabled;
    this.#bindings = bindings;
  }

  /** A logger adding `bindings` to every entry. */
  child(bindings: Record<string, unknown>): JobLogger {
    return new PortLogger(this.#port, this.#enabled, { ...this.#bindings, ...bindings });
  }

  /** Whether entries at `level` reach the main logger. */
  isLevelEnabled(level: string): boolean {
    return this.#enabled.has(level as JobLogLevel);
  }

  /** Sends a debug entry. */
  debug: LogMethod = (obj, message, ...args) => this.#send('debug', obj, message, args);
  /** Sends an info entry. */
  info: LogMethod = (obj, message, ...args) => this.#send('info', obj, message, args);
  /** Sends a warn entry. */
  warn: LogMethod = (obj, message, ...args) => this.#send('warn', obj, message, args);
  /** Sends an error entry. */
  error: LogMethod = (obj, message, ...args) => this.#send('error', obj, message, args);

  /** pino's conventions: `(message, ...args)`, `(bindings, message?, ...args)` or `(error, message?)`. */
  #send(level: JobLogLevel, obj: unknown, message: string | undefined, args: unknown[]): void {
    if (!this.#enabled.has(level)) return;
    let own: Record<string, unknown>;
    let text: string | undefined;
    let rest: unknown[];
    if (typeof obj === 'object' && obj !== null) {
      own = obj instanceof Error ? { err: obj } : (obj as Record<string, unknown>);
      text = message ?? (obj instanceof Error ? obj.message : undefined);
      rest = args;
    } else {
      own = {};
      text = obj === undefined ? undefined : String(obj);
      rest = message === undefined ? args : [message, ...args];
    }
    const entry: WorkerToMain = {
      type: 'log',
      level,
      bindings: toCloneable({ ...this.#bindings, ...own }) as Record<string, unknown>,
      message: text,
      args: rest.map(toCloneable),
    };
    this.#port.postMessage(entry);
  }
}
