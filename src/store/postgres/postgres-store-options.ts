/**
 * The options of `PostgresStore`.
 *
 * @module
 */
import type { Clock } from '../../time/clock.js';

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (any form `pg` accepts). */
  readonly connectionString: string;
  /** Schema holding the tables; created at open if missing. Default `eleanor`. */
  readonly schema?: string;
  /** Most connections the pool opens. Default 10. */
  readonly poolSize?: number;
  /** Source of "now" for times the store records itself (interrupted runs' end). Default: the system clock. */
  readonly clock?: Clock;
  /** How long to wait for a new connection before failing, in ms. Default 10,000. */
  readonly connectionTimeoutMs?: number;
  /**
   * Milliseconds a statement may take before it rejects and its connection is dropped, so a
   * silent network partition surfaces as an error instead of a hang. Keep it below the
   * runner's lease TTL. Default 10,000.
   */
  readonly queryTimeoutMs?: number;
  /** `application_name` of the connections (visible in `pg_stat_activity`). Default `eleanor-jobs`. */
  readonly applicationName?: string;
  /**
   * Called when an idle pooled connection fails (e.g. the server restarted). The store never
   * throws for it: the pool drops that connection and opens a new one on the next query.
   */
  readonly onPoolError?: (error: Error) => void;
}
