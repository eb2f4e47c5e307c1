/**
 * The CLI's logger: pino, pretty-printed (pino-pretty) or JSON lines, by `--log-format` or, by
 * default, by whether stdout is a terminal. Written synchronously, so nothing is lost when the
 * process exits after a signal. Pretty output shows control characters in messages escaped.
 */
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { logLevelFromEnv, type JobLogger } from '../job/job-logger.js';
import { CliError } from './cli-error.js';
import { visible } from './visible-text.js';

/** The values of `--log-format`. */
export const LOG_FORMATS = ['pretty', 'json'] as const;

/** A value of `--log-format`. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** Output format. Default: `pretty` when stdout is a terminal, else `json`. */
  readonly format?: LogFormat | undefined;
  /** Minimum level. Default: `LOG_LEVEL`, else `info`. */
  readonly level?: string | undefined;
}

/**
 * The value of `--log-format`.
 *
 * @throws CliError listing the valid formats
 */
export function logFormatOption(raw: string): LogFormat {
  const format = (LOG_FORMATS as readonly string[]).find((value) => value === raw.trim().toLowerCase());
  if (format === undefined) throw new CliError(`--log-format must be one of ${LOG_FORMATS.join(', ')}; got ${JSON.stringify(visible(raw))}`);
  return format as LogFormat;
}

/**
 * A pino logger for the CLI; see the module documentation.
 *
 * @throws RangeError for an invalid level, listing the valid ones (see `logLevelFromEnv`)
 */
export function createCliLogger(options: CliLoggerOptions = {}): JobLogger {
  const level = logLevelFromEnv(options.level ?? process.env.LOG_LEVEL);
  const base = { name: 'eleanor-jobs' };
  if ((options.format ?? (process.stdout.isTTY === true ? 'pretty' : 'json')) === 'pretty') {
    return pino(
      { level, ...base },
      pretty({
        colorize: process.stdout.isTTY === true,
        sync: true,
        singleLine: true,
        translateTime: 'SYS:HH:MM:ss.l',
        // Other fields are printed as JSON (escaped); the message and job name are text.
        messageFormat: (log, messageKey) => {
          const job = typeof log.job === 'string' ? `${visible(log.job)}: ` : '';
          return `${job}${visible(String(log[messageKey] ?? ''))}`;
        },
        ignore: 'pid,hostname,name,job,component,event',
      }),
    );
  }
  return pino({ level, ...base }, pino.destination({ dest: 1, sync: true }));
}
