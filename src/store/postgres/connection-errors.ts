/**
 * Telling a broken connection from an error of the SQL statement itself.
 *
 * @module
 */
import type { PgDriver } from './pg-driver.js';

/**
 * True when `error` means the connection failed (socket reset, server shut down or restarted,
 * backend terminated), so the statement's outcome is unknown and the client must be dropped;
 * false for an error the server reported about the statement (constraint, syntax, ...), after
 * which the connection is still usable.
 *
 * @param error - what a `pg` query rejected with
 * @param pg - the `pg` module that ran the query (its `DatabaseError` class)
 */
export function isConnectionError(error: unknown, pg: PgDriver): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  const code = error.code ?? '';
  // Class 08: connection exception; 57P01..57P05: admin/crash shutdown, cannot connect now, idle timeouts.
  return code.startsWith('08') || code.startsWith('57P');
}
