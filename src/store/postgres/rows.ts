/**
 * Mapping of PostgreSQL result rows to the contract's records. The SQL returns `bigint`
 * columns as text (exact), converted here to numbers (epoch ms and counters fit in 2^53).
 *
 * @module
 */
import type { JobStateRecord, RunClaim, RunProgress, RunRecord, RunStatus } from '../job-store.js';
import { progressOfColumns } from '../run-report-rules.js';

/** A row of `LOAD_STATE_SQL` / `LIST_STATES_SQL`. */
export interface StateRow {
  /** Job name. */
  job: string;
  /** Trigger count (bigint as text). */
  trigger_count: string;
  /** High-water mark (bigint as text) or null. */
  last_tick_at: string | null;
  /** Live lease holder or null. */
  lease_owner: string | null;
  /** Live lease expiry, epoch ms as text, or null. */
  lease_expires_at: string | null;
}

/** A row of `LIST_RUNS_SQL`. */
export interface RunRow {
  /** Run id (bigint as text). */
  id: string;
  /** Job name. */
  job: string;
  /** Tick (bigint as text) or null. */
  tick_at: string | null;
  /** Start (bigint as text) or null. */
  started_at: string | null;
  /** End (bigint as text) or null. */
  ended_at: string | null;
  /** Status. */
  status: string;
  /** Error text or null. */
  error: string | null;
  /** Trigger number (bigint as text) or null. */
  trigger_number: string | null;
  /** Owner or null. */
  owner: string | null;
  /** Reported progress, from 0 to 1, or null (absent from statements that do not read it). */
  progress_fraction?: number | null;
  /** Progress message or null. */
  progress_message?: string | null;
  /** When the progress was reported (bigint as text) or null. */
  progress_at?: string | null;
}

/** A row of `CLAIM_RUN_SQL`. */
export interface ClaimRow {
  /** New (or, on a retry, existing) run id. */
  run_id: string;
  /** Lease fence (bigint as text). */
  fence: string;
  /** Trigger number (bigint as text). */
  trigger_number: string;
  /** True when an already committed identical claim was returned. */
  retried: boolean;
  /** How many of the claim's unexecuted ticks it recorded. */
  unexecuted_recorded: number;
}

/** A row of `CLAIM_RUNS_SQL`: one claimed job. */
export interface BatchClaimRow {
  /** Job name. */
  job: string;
  /** New run id. */
  run_id: string;
  /** Lease fence (bigint as text). */
  fence: string;
  /** Trigger number (bigint as text). */
  trigger_number: string;
  /** How many of the request's unexecuted ticks were recorded. */
  unexecuted_recorded: number;
}

/** Map a claim row (single or batch) to a {@link RunClaim}. */
export function toRunClaim(row: ClaimRow | BatchClaimRow): RunClaim {
  return { runId: row.run_id, fence: Number(row.fence), trigger: Number(row.trigger_number), unexecutedRecorded: row.unexecuted_recorded };
}

/** A nullable bigint-as-text column as a number. */
export function toNumberOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}

/** Map a state row to a {@link JobStateRecord}. */
export function toStateRecord(row: StateRow): JobStateRecord {
  return {
    job: row.job,
    triggerCount: Number(row.trigger_count),
    lastTickAt: toNumberOrNull(row.last_tick_at),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: toNumberOrNull(row.lease_expires_at),
  };
}

/** Map a run row to a {@link RunRecord}. */
export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    job: row.job,
    tickAt: toNumberOrNull(row.tick_at),
    startedAt: toNumberOrNull(row.started_at),
    endedAt: toNumberOrNull(row.ended_at),
    status: row.status as RunStatus,
    error: row.error,
    trigger: toNumberOrNull(row.trigger_number),
    owner: row.owner,
    ...withProgress(progressOfColumns(row.progress_fraction, row.progress_message, toNumberOrNull(row.progress_at ?? null))),
  };
}

function withProgress(progress: RunProgress | undefined): { progress?: RunProgress } {
  return progress === undefined ? {} : { progress };
}
