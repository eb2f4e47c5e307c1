/**
 * What every store shares about the replicas table: the checks of a heartbeat's fields, the
 * staleness rule, and the mapping of a stored row (any backend's column names) to a
 * {@link ReplicaRecord}.
 *
 * @module
 */
import { quoteText } from '../errors/quote-text.js';
import { REPLICA_STALE_BEATS, REPLICA_TEXT_MAX, type ReplicaBeat, type ReplicaRecord } from './job-store.js';
import { checkName, checkTime } from './store-arguments.js';

/** A replicas row as every store selects it (numbers may come back as text from PostgreSQL). */
export interface ReplicaRow {
  readonly owner: string;
  readonly host: string;
  readonly pid: number | string;
  readonly version: string;
  readonly started_at: number | string;
  readonly heartbeat_ms: number | string;
  readonly last_seen_at: number | string;
  readonly stopped_at: number | string | null;
}

function checkBoundedText(field: string, value: unknown): asserts value is string {
  checkName(field, value);
  if (value.length > REPLICA_TEXT_MAX) {
    throw new RangeError(`${field} must be at most ${REPLICA_TEXT_MAX} characters, got ${value.length}: ${quoteText(value.slice(0, 40))}...`);
  }
}

/** Largest pid a heartbeat may carry (a 32-bit signed integer, as every store keeps it). */
const MAX_PID = 2 ** 31 - 1;

function checkPositiveInteger(field: string, value: unknown, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new RangeError(`${field} must be a positive integer up to ${max}, got ${typeof value === 'string' ? quoteText(value) : String(value)}`);
  }
}

/** Throws a `TypeError`/`RangeError` naming the first bad field of a heartbeat. */
export function checkReplicaBeat(beat: ReplicaBeat): void {
  if (typeof beat !== 'object' || beat === null) throw new TypeError(`heartbeat must be an object, got ${String(beat)}`);
  checkName('owner', beat.owner);
  checkBoundedText('host', beat.host);
  checkBoundedText('version', beat.version);
  checkPositiveInteger('pid', beat.pid, MAX_PID);
  checkTime('startedAt', beat.startedAt);
  checkPositiveInteger('heartbeatMs', beat.heartbeatMs);
}

/** Throws a `RangeError` unless `value` is a non-negative integer number of milliseconds. */
export function checkNotSeenForMs(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`notSeenForMs must be a non-negative integer number of milliseconds, got ${String(value)}`);
  }
}

/**
 * The staleness rule: a replica that did not stop cleanly is stale once more than
 * {@link REPLICA_STALE_BEATS} of its heartbeat intervals passed since it was last seen, all
 * judged by the store's clock (`now`).
 */
export function isReplicaStale(lastSeenAt: number, heartbeatMs: number, stoppedAt: number | null, now: number): boolean {
  return stoppedAt === null && now - lastSeenAt > REPLICA_STALE_BEATS * heartbeatMs;
}

/** Maps a stored row to the contract's record, judging staleness at `now` (the store's clock). */
export function toReplicaRecord(row: ReplicaRow, now: number): ReplicaRecord {
  const lastSeenAt = Number(row.last_seen_at);
  const heartbeatMs = Number(row.heartbeat_ms);
  const stoppedAt = row.stopped_at === null ? null : Number(row.stopped_at);
  return {
    owner: row.owner,
    host: row.host,
    pid: Number(row.pid),
    version: row.version,
    startedAt: Number(row.started_at),
    heartbeatMs,
    lastSeenAt,
    stoppedAt,
    stale: isReplicaStale(lastSeenAt, heartbeatMs, stoppedAt, now),
  };
}
