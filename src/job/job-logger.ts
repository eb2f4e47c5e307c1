/**
 * Logging for jobs: the pino-compatible logger contract and the default logger.
 */
import { pino } from 'pino';

/** One logging method, in pino's calling convention: `(bindings, message)` or `(message)`. */
export type LogMethod = (objOrMessage: unknown, message?: string, ...args: unknown[]) => void;

/** Log levels jobs write at. */
export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Any pino-compatible logger: pino itself, or an adapter with the same methods. `child`
 * returns a logger that adds `bindings` to every entry.
 */
export interface JobLogger {
  child(bindings: Record<string, unknown>): JobLogger;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** Optional (pino has it): lets callers skip building entries for disabled levels. */
  isLevelEnabled?(level: string): boolean;
}

let defaultLogger: JobLogger | null = null;

/**
 * The process-wide default logger: pino writing JSON to stdout at the level named by
 * `LOG_LEVEL` (default `info`). Created on first use.
 */
export function getDefaultLogger(): JobLogger {
  defaultLogger ??= pino({ name: 'eleanor-jobs', level: process.env.LOG_LEVEL ?? 'info' });
  return defaultLogger;
}

/** Replaces the default logger for every job created without a `logger` option afterwards. */
export function setDefaultLogger(logger: JobLogger): void {
  defaultLogger = logger;
}
