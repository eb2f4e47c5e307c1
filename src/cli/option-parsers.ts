/**
 * Parsers of CLI option values (numbers, zones, instants): a bad value is a {@link CliError} naming the option and
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

/** An IANA time zone option (`--tz`). */
export function zoneOption(option: string): (raw: string) => string {
  return (raw) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: raw });
      return raw;
    } catch {
      throw new CliError(`${option} must be an IANA time zone such as Europe/Berlin or UTC, got ${JSON.stringify(raw)}`);
    }
  };
}

/** An instant option (`--from`): ISO 8601 with a `Z` or an offset, so that it is not ambiguous. */
export function instantOption(option: string): (raw: string) => Date {
  return (raw) => {
    const text = raw.trim();
    const instant = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(text) ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(instant.getTime())) {
      throw new CliError(`${option} must be an ISO 8601 instant with Z or an offset, e.g. 2026-03-29T00:00:00Z or 2026-03-29T02:00:00+02:00; got ${JSON.stringify(raw)}`);
    }
    return instant;
  };
}
