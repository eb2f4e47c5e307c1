/**
 * How {@link PostgresStore} reports a failed call.
 *
 * @module
 */
import { StoreError } from '../../errors/store-errors.js';

/**
 * A driver error as a {@link StoreError} (with the cause) naming the target and the
 * operation; the store's own errors (`StoreError`, argument `TypeError`/`RangeError`) pass
 * through unchanged.
 *
 * @param target - the connection target as shown in messages (no password)
 * @param operation - the store method that failed
 * @param error - what it failed with
 */
export function storeFailure(target: string, operation: string, error: unknown): Error {
  if (error instanceof StoreError || error instanceof TypeError || error instanceof RangeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? ` [${String(error.code)}]` : '';
  return new StoreError(`PostgreSQL (${target}) ${operation} failed: ${message}${code}`, { cause: error });
}
