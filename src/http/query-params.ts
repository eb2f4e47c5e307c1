/**
 * Reading query parameters strictly: a bad value is a 400 naming the parameter and the value.
 */
import { HttpError } from './http-route.js';

/** An integer parameter within `[min, max]`, or `fallback` when absent. */
export function integerParam(url: URL, name: string, range: { min: number; max: number }, fallback: number): number;
/** An integer parameter within `[min, max]`, or `undefined` when absent. */
export function integerParam(url: URL, name: string, range: { min: number; max: number }): number | undefined;
export function integerParam(url: URL, name: string, range: { min: number; max: number }, fallback?: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new HttpError(400, `query parameter "${name}" must be an integer from ${range.min} to ${range.max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** A run id parameter (a positive decimal integer, as stores render ids), or `undefined`. */
export function runIdParam(url: URL, name: string): string | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^[1-9]\d{0,18}$/.test(raw)) throw new HttpError(400, `query parameter "${name}" must be a run id (a positive integer), got ${JSON.stringify(raw)}`);
  return raw;
}
