import type { JobLogger, LogMethod } from '../../src/index.js';

/** One entry written to a {@link CaptureLogger}. */
export interface CapturedEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  bindings: Record<string, unknown>;
  message: string | undefined;
}

/** A pino-compatible logger that keeps every entry in memory, for assertions. */
export class CaptureLogger implements JobLogger {
  readonly entries: CapturedEntry[];
  readonly #bindings: Record<string, unknown>;

  constructor(bindings: Record<string, unknown> = {}, entries: CapturedEntry[] = []) {
    this.#bindings = bindings;
    this.entries = entries;
  }

  child(bindings: Record<string, unknown>): JobLogger {
    return new CaptureLogger({ ...this.#bindings, ...bindings }, this.entries);
  }

  debug: LogMethod = (obj, message) => this.#write('debug', obj, message);
  info: LogMethod = (obj, message) => this.#write('info', obj, message);
  warn: LogMethod = (obj, message) => this.#write('warn', obj, message);
  error: LogMethod = (obj, message) => this.#write('error', obj, message);

  /** Entries whose `event` binding equals `event`. */
  events(event: string): CapturedEntry[] {
    return this.entries.filter((entry) => entry.bindings.event === event);
  }

  #write(level: CapturedEntry['level'], obj: unknown, message: string | undefined): void {
    const own = typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>) : {};
    this.entries.push({ level, bindings: { ...this.#bindings, ...own }, message: typeof obj === 'string' ? obj : message });
  }
}
