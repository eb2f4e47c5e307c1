/**
 * The {@link JobControls} of `PostgresStore`: pauses and queued triggers in two tables
 * (migration 3), each operation one statement (`control-statements.ts`), times on the
 * database clock. Two replicas taking one trigger: the row lock makes one of them take it.
 *
 * @module
 */
import type { QueryResult, QueryResultRow } from 'pg';
import { checkPauseRequest, checkTakeTrigger, checkTriggerRequest } from '../control-arguments.js';
import type { JobControls, JobControlsSnapshot, JobPause, PauseRequest, PendingTrigger, TriggerRefusal, TriggerRequest, TriggerRequestAnswer } from '../job-store.js';
import { checkName } from '../store-arguments.js';
import * as statements from './control-statements.js';

/**
 * Runs one statement through the store's pool (its errors become `StoreError`s); `resend`
 * says how to re-send it on a stale connection, for statements that may be re-sent.
 */
export type PostgresQuery = <R extends QueryResultRow>(operation: string, sql: string, params: readonly unknown[], resend?: () => readonly unknown[]) => Promise<QueryResult<R>>;

interface PauseRow {
  readonly job: string;
  readonly paused_by: string;
  readonly paused_at: string;
  readonly reason: string | null;
}

interface TriggerRow {
  readonly id: string;
  readonly job: string;
  readonly requested_by: string;
  readonly requested_at: string;
}

interface ControlRow {
  readonly kind: 'pause' | 'trigger';
  readonly job: string;
  readonly by: string;
  readonly at: string;
  readonly reason: string | null;
  readonly id: string | null;
}

const toPause = (row: PauseRow): JobPause => ({ job: row.job, by: row.paused_by, at: Number(row.paused_at), reason: row.reason });
const toTrigger = (row: TriggerRow): PendingTrigger => ({ id: row.id, job: row.job, by: row.requested_by, at: Number(row.requested_at) });

/** PostgreSQL {@link JobControls} (see the module documentation). */
export class PostgresControls implements JobControls {
  readonly #query: PostgresQuery;
  readonly #bind: (sql: string) => string;

  /**
   * @param query - the store's statement runner
   * @param bind - binds the schema into a statement text
   */
  constructor(query: PostgresQuery, bind: (sql: string) => string) {
    this.#query = query;
    this.#bind = bind;
  }

  /** {@inheritDoc JobControls.pause} */
  async pause(request: PauseRequest): Promise<JobPause> {
    const reason = checkPauseRequest(request);
    const params = [request.job, request.by, reason];
    for (;;) {
      const row = (await this.#query<PauseRow>('pause', this.#bind(statements.PAUSE_JOB_SQL), params, () => params)).rows[0];
      // None: a concurrent pause committed after this statement's snapshot; read it again.
      if (row !== undefined) return toPause(row);
    }
  }

  /** {@inheritDoc JobControls.resume} */
  async resume(job: string): Promise<JobPause | null> {
    checkName('job', job);
    const row = (await this.#query<PauseRow>('resume', this.#bind(statements.RESUME_JOB_SQL), [job], () => [job])).rows[0];
    return row === undefined ? null : toPause(row);
  }

  /** {@inheritDoc JobControls.list} */
  async list(): Promise<JobControlsSnapshot> {
    const rows = (await this.#query<ControlRow>('listControls', this.#bind(statements.LIST_CONTROLS_SQL), [], () => [])).rows;
    const snapshot: JobControlsSnapshot = { pauses: [], triggers: [] };
    for (const row of rows) {
      if (row.kind === 'pause') snapshot.pauses.push({ job: row.job, by: row.by, at: Number(row.at), reason: row.reason });
      else snapshot.triggers.push({ id: row.id as string, job: row.job, by: row.by, at: Number(row.at) });
    }
    return snapshot;
  }

  /** {@inheritDoc JobControls.requestTrigger} Not re-sent: a lost reply leaves its outcome unknown. */
  async requestTrigger(request: TriggerRequest): Promise<TriggerRequestAnswer> {
    checkTriggerRequest(request);
    const result = await this.#query<TriggerRow & { status: 'queued' | TriggerRefusal }>('requestTrigger', this.#bind(statements.REQUEST_TRIGGER_SQL), [request.job, request.by]);
    const row = result.rows[0];
    if (row === undefined) throw new Error('requestTrigger: the statement returned no row');
    return row.status === 'queued' ? { status: 'queued', trigger: toTrigger(row) } : { status: 'refused', reason: row.status };
  }

  /** {@inheritDoc JobControls.takeTrigger} Not re-sent: a lost reply may have taken it. */
  async takeTrigger(job: string, owner: string): Promise<PendingTrigger | null> {
    checkTakeTrigger(job, owner);
    const row = (await this.#query<TriggerRow>('takeTrigger', this.#bind(statements.TAKE_TRIGGER_SQL), [job, owner])).rows[0];
    return row === undefined ? null : toTrigger(row);
  }
}
