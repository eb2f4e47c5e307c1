/**
 * The {@link JobControls} of `SqliteStore`: pauses and queued triggers in two tables
 * (migration 3), each operation one `BEGIN IMMEDIATE` transaction, so the processes sharing
 * the file see one queue and a trigger is taken by one of them.
 *
 * @module
 */
import type Database from 'better-sqlite3';
import { checkPauseRequest, checkTakeTrigger, checkTriggerRequest } from '../control-arguments.js';
import type { JobControls, JobControlsSnapshot, JobPause, PauseRequest, PendingTrigger, TriggerRequest, TriggerRequestAnswer } from '../job-store.js';
import { checkName } from '../store-arguments.js';

/** Runs `work` in one immediate transaction of the store's open connection, `now` read under the lock. */
export type SqliteTransaction = <T>(work: (db: Database.Database, now: number) => T) => T;

interface PauseRow {
  readonly job: string;
  readonly paused_by: string;
  readonly paused_at: number;
  readonly reason: string | null;
}

interface TriggerRow {
  readonly id: number;
  readonly job: string;
  readonly requested_by: string;
  readonly requested_at: number;
}

const toPause = (row: PauseRow): JobPause => ({ job: row.job, by: row.paused_by, at: row.paused_at, reason: row.reason });
const toTrigger = (row: TriggerRow): PendingTrigger => ({ id: String(row.id), job: row.job, by: row.requested_by, at: row.requested_at });

const PAUSE_SQL = 'SELECT * FROM eleanor_job_pauses WHERE job = ?';
const TRIGGER_SQL = 'SELECT * FROM eleanor_queued_triggers WHERE job = ?';

/** SQLite {@link JobControls} (see the module documentation). */
export class SqliteControls implements JobControls {
  readonly #transaction: SqliteTransaction;

  /** @param transaction - runs work in one immediate transaction of the store */
  constructor(transaction: SqliteTransaction) {
    this.#transaction = transaction;
  }

  /** {@inheritDoc JobControls.pause} */
  async pause(request: PauseRequest): Promise<JobPause> {
    const reason = checkPauseRequest(request);
    return this.#transaction((db, now) => {
      db.prepare('INSERT INTO eleanor_job_pauses (job, paused_by, paused_at, reason) VALUES (?, ?, ?, ?) ON CONFLICT (job) DO NOTHING').run(request.job, request.by, now, reason);
      return toPause(db.prepare<[string], PauseRow>(PAUSE_SQL).get(request.job) as PauseRow);
    });
  }

  /** {@inheritDoc JobControls.resume} */
  async resume(job: string): Promise<JobPause | null> {
    checkName('job', job);
    return this.#transaction((db) => {
      const row = db.prepare<[string], PauseRow>('DELETE FROM eleanor_job_pauses WHERE job = ? RETURNING *').get(job);
      return row === undefined ? null : toPause(row);
    });
  }

  /** {@inheritDoc JobControls.list} */
  async list(): Promise<JobControlsSnapshot> {
    return this.#transaction((db) => ({
      pauses: db.prepare<[], PauseRow>('SELECT * FROM eleanor_job_pauses ORDER BY job').all().map(toPause),
      triggers: db.prepare<[], TriggerRow>('SELECT * FROM eleanor_queued_triggers ORDER BY job').all().map(toTrigger),
    }));
  }

  /** {@inheritDoc JobControls.requestTrigger} */
  async requestTrigger(request: TriggerRequest): Promise<TriggerRequestAnswer> {
    checkTriggerRequest(request);
    return this.#transaction((db, now): TriggerRequestAnswer => {
      if (db.prepare(PAUSE_SQL).get(request.job) !== undefined) return { status: 'refused', reason: 'paused' };
      if (db.prepare(TRIGGER_SQL).get(request.job) !== undefined) return { status: 'refused', reason: 'already-queued' };
      const row = db
        .prepare<[string, string, number], TriggerRow>('INSERT INTO eleanor_queued_triggers (job, requested_by, requested_at) VALUES (?, ?, ?) RETURNING *')
        .get(request.job, request.by, now) as TriggerRow;
      return { status: 'queued', trigger: toTrigger(row) };
    });
  }

  /** {@inheritDoc JobControls.takeTrigger} */
  async takeTrigger(job: string, owner: string): Promise<PendingTrigger | null> {
    checkTakeTrigger(job, owner);
    return this.#transaction((db, now) => {
      const row = db
        .prepare<[{ job: string; owner: string; now: number }], TriggerRow>(
          `DELETE FROM eleanor_queued_triggers WHERE job = @job
             AND NOT EXISTS (SELECT 1 FROM eleanor_job_pauses WHERE job = @job)
             AND NOT EXISTS (SELECT 1 FROM eleanor_job_states WHERE job = @job AND lease_owner IS NOT NULL AND lease_owner <> @owner AND lease_expires_at > @now)
           RETURNING *`,
        )
        .get({ job, owner, now });
      return row === undefined ? null : toTrigger(row);
    });
  }
}
