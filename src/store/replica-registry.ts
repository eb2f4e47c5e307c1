/**
 * The replicas table of the storage contract (`JobStore.replicas`): each runner's
 * heartbeat, and which replicas are stale.
 *
 * @module
 */

/** What a runner reports about itself at each heartbeat ({@link ReplicaRegistry.heartbeat}). */
export interface ReplicaBeat {
  /** The runner's owner id (as on its leases and runs); the replica's key. */
  readonly owner: string;
  /** Host name of the process (at most {@link REPLICA_TEXT_MAX} characters). */
  readonly host: string;
  /** Process id. */
  readonly pid: number;
  /** eleanor-jobs version the process runs (at most {@link REPLICA_TEXT_MAX} characters). */
  readonly version: string;
  /** When the runner started (the runner's clock, epoch ms). */
  readonly startedAt: number;
  /** How often the runner heartbeats (ms): judges when it counts as stale. */
  readonly heartbeatMs: number;
}

/** One replica as the store knows it. */
export interface ReplicaRecord extends ReplicaBeat {
  /** The store's clock at its latest heartbeat. */
  readonly lastSeenAt: number;
  /** The store's clock when it stopped cleanly ({@link ReplicaRegistry.markStopped}), else `null`. */
  readonly stoppedAt: number | null;
  /**
   * `true` when it has not stopped cleanly and was last seen more than
   * {@link REPLICA_STALE_BEATS} heartbeat intervals ago, by the store's clock (it froze, died
   * or lost the store).
   */
  readonly stale: boolean;
}

/** Longest host name or version a heartbeat may carry (characters). */
export const REPLICA_TEXT_MAX = 255;

/** A replica counts as stale once this many of its heartbeat intervals passed without one. */
export const REPLICA_STALE_BEATS = 3;

/**
 * The replicas table: each runner upserts its row on every heartbeat; times are the store's
 * clock (the database server's for PostgreSQL). A clean stop marks the row stopped (kept, so
 * views show it went away on purpose); rows not seen for a long time are deleted by
 * {@link ReplicaRegistry.prune}.
 */
export interface ReplicaRegistry {
  /**
   * Insert or update the beat's row: its fields, `lastSeenAt` = now, `stoppedAt` = `null`.
   * Rejects a bad field with a `TypeError`/`RangeError` naming it.
   */
  heartbeat(beat: ReplicaBeat): Promise<void>;
  /** Set the owner's `stoppedAt` (and `lastSeenAt`) to now; a no-op for an unknown owner. */
  markStopped(owner: string): Promise<void>;
  /** Every row, ordered by owner (binary order), with `stale` judged by the store's clock now. */
  list(): Promise<ReplicaRecord[]>;
  /** Delete the rows last seen more than `notSeenForMs` ago (store clock). Returns how many. */
  prune(notSeenForMs: number): Promise<number>;
}
