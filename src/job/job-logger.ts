/**
 * Logging for jobs: the pino-compatible logger contract and the default logger.
 *
 * On the main thread pino is loaded with this module, so that creating the first job loads no
 * module (and a service's first job costs what every other one does). A worker thread loads it
 * only on first use: a thread-isolated job's worker imports the run context (and so this
 * module) but logs through the main thread, and must not pay pino's heap under a tight
 * `resourceLimits`.
 */
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import type * as Pino from 'pino';

const loadPino = (): typeof Pino => createRequire(import.meta.url)('pino') as typeof Pino;

/** The pino module: loaded now on the main thread, on first use in a worker thread. */
let pinoModule: typeof Pino | null = isMainThread ? loadPino() : null;

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

/** The levels `LOG_LEVEL` accepts (pino's), most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The level `LOG_LEVEL` names (case-insensitive; unset or empty: `info`).
 *
 * @throws RangeError listing the valid levels
 */
export function logLevelFromEnv(raw: string | undefined = process.env.LOG_LEVEL): string {
  if (raw === undefined || raw.trim() === '') return 'info';
  const level = raw.trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new RangeError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(raw)}`);
  return level;
}

/**
 * Where the default logger is kept: on `globalThis` under a registered symbol, so that every
 * copy of eleanor-jobs in the process shares it (the CLI's, and the one a job module compiled
 * to CommonJS loads; a global CLI and a local library).
 */
const DEFAULT_LOGGER = Symbol.for('eleanor-jobs.defaultLogger');
const shared = globalThis as { [DEFAULT_LOGGER]?: JobLogger };

/**
 * The process-wide default logger: pino writing JSON to stdout at the level named by
 * `LOG_LEVEL` (default `info`). Created on first use.
 *
 * @throws RangeError naming the valid levels when `LOG_LEVEL` is not one
 */
export function getDefaultLogger(): JobLogger {
  if (shared[DEFAULT_LOGGER] === undefined) {
    pinoModule ??= loadPino();
    shared[DEFAULT_LOGGER] = pinoModule.pino({ name: 'eleanor-jobs', level: logLevelFromEnv() });
  }
  return shared[DEFAULT_LOGGER];
}

/** Replaces the default logger for every job created without a `logger` option afterwards. */
export function setDefaultLogger(logger: JobLogger): void {
  shared[DEFAULT_LOGGER] = logger;
}
