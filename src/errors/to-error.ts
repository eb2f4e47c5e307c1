/** Wraps thrown non-errors so logs and `lastRun.error` always hold an `Error`. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(`non-error thrown: ${String(value)}`, { cause: value });
}
