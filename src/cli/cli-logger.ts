/**
 * The CLI's logger: pino, pretty-printed (pino-pretty) when stdout is a terminal, JSON lines
 * otherwise. Written synchronously, so nothing is lost when the process exits after a signal.
 */
import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { JobLogger } from '../job/job-logger.js';

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** Pretty output. Default: whether stdout is a terminal. */
  readonly pretty?: boolean;
  /** Minimum level. Default: `LOG_LEVEL`, else `info`. */
  readonly level?: string;
}

/** A pino logger for the CLI; see the module documentation. */
export function createCliLogger(options: CliLoggerOptions = {}): JobLogger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const base = { name: 'eleanor-jobs' };
  if (options.pretty ?? process.stdout.isTTY === true) {
    return pino(
      { level, ...base },
      pretty({
        colorize: true,
        sync: true,
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        messageFormat: '{if job}{job}: {end}{msg}',
        ignore: 'pid,hostname,name,job,component,event',
      }),
    );
  }
  return pino({ level, ...base }, pino.destination({ dest: 1, sync: true }));
}
