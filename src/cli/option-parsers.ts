/**
 * Parsers of numeric CLI options: a bad value is a {@link CliError} naming the option and
 * the value.
 */
import { CliError } from './cli-error.js';

/** An integer option within `[min, max]`. */
export function integerOption(option: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) throw new CliError(`${option} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return value;
  };
}

/** A duration option in seconds (a positive number, or `>= 0` when `zeroAllowed`). */
export function secondsOption(option: string, zeroAllowed = false): (raw: string) => number {
  return (raw) => {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
      throw new CliError(`${option} must be a number of seconds ${zeroAllowed ? '>= 0' : '> 0'}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
}
