/**
 * The one place where a run's error text is made fit for storage, used by every store before
 * it writes an outcome, so that no store fails on what a job threw and every store keeps the
 * same text.
 *
 * @module
 */

/** Most characters of error text (message and stack) a run row keeps. */
export const MAX_RUN_ERROR_LENGTH = 16_384;

/** The text a run row keeps of `error` before {@link storedRunError}: the stack when there is one (it starts with the message). */
export function runErrorText(error: Error): string {
  return error.stack ?? `${error.name}: ${error.message}`;
}

/** A UTF-16 surrogate without its partner: not encodable as UTF-8. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The error text a store keeps for `error`: at most {@link MAX_RUN_ERROR_LENGTH} characters
 * (a longer text is cut and says how long it was), NUL written as the visible `\0` (PostgreSQL
 * text cannot hold it) and a lone surrogate as U+FFFD (UTF-8 cannot encode it). Other
 * characters are kept: readers escape them for where they show them.
 */
export function storedRunError(error: string | null): string | null {
  if (error === null) return null;
  const bounded =
    error.length > MAX_RUN_ERROR_LENGTH
      ? `${error.slice(0, MAX_RUN_ERROR_LENGTH)}\n[cut: ${error.length - MAX_RUN_ERROR_LENGTH} more characters, ${error.length} in all]`
      : error;
  return bounded.replaceAll('\u0000', '\\0').replace(LONE_SURROGATE, '\uFFFD');
}
