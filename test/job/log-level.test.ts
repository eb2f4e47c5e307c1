/**
 * `LOG_LEVEL` is checked where the default logger reads it: a level pino does not know is
 * refused with the valid list instead of pino's internal message.
 */
import { describe, expect, it } from 'vitest';
import { logLevelFromEnv } from '../../src/job/job-logger.js';

describe('logLevelFromEnv', () => {
  it('accepts pino levels in any case, and defaults to info', () => {
    expect(logLevelFromEnv('WARN')).toBe('warn');
    expect(logLevelFromEnv(' debug ')).toBe('debug');
    expect(logLevelFromEnv('silent')).toBe('silent');
    expect(logLevelFromEnv(undefined)).toBe('info');
    expect(logLevelFromEnv('')).toBe('info');
  });

  it('refuses anything else with the valid list', () => {
    expect(() => logLevelFromEnv('verbose')).toThrow(new RangeError('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"'));
  });
});
