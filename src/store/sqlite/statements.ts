import type Database from 'better-sqlite3';

/** A row of `eleanor_job_states`. */
export interface StateRow {
  readonly job: string;
  readonly trigger_count: number;
  readonly last_tick_at: number | null;
  readonly lease_owner: string | null;
  readonly lease_expires_at: number | null;
  readonly lease_fence: number;
}

/** A row of `eleanor_runs`. */
export interface RunRow {
  readonly id: number;
  readonly job: string;
  readonly tick_at: number | null;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly status: string;
  readonly error: string | null;
  readonly trigger: number | null;
  readonly owner: string | null;
  readonly progress_fraction: number | null;
  readonly progress_message: string | null;
  readonly progress_at: number | null;
}

/** Every statement of the SQLite store, prepared once per connection. */
export interface SqliteStatements {
  readonly ping: Database.Statement<[]>;
  readonly state: Database.Statement<[job: string], StateRow>;
  readonly states: Database.Statement<[], StateRow>;
  readonly createState: Database.Statement<[job: string]>;
  readonly saveState: Database.Statement<
    [triggerCount: number, lastTickAt: number | null, owner: string | null, expiresAt: number | null, fence: number, job: string]
  >;
  readonly renew: Database.Statement<[expiresAt: number, job: string, owner: string, fence: number, now: number]>;
  readonly release: Database.Statement<[job: string, owner: string, fence: number]>;
  readonly insertRun: Database.Statement<
    [job: string, tickAt: number | null, startedAt: number | null, status: string, trigger: number | null, owner: string]
  >;
  readonly finishRun: Database.Statement<[status: string, endedAt: number, error: string | null, id: number]>;
  readonly interrupt: Database.Statement<[endedAt: number, error: string, owner: string, now: number]>;
  readonly interruptOthers: Database.Statement<[endedAt: number, error: string, job: string, owner: string]>;
  readonly pruneCutoff: Database.Statement<[job: string, keep: number], { id: number }>;
  readonly pruneUpTo: Database.Statement<[job: string, id: number]>;
}

/** Prepares {@link SqliteStatements} on a migrated connection. */
export function prepareStatements(db: Database.Database): SqliteStatements {
  return {
    ping: db.prepare('SELECT 1'),
    state: db.prepare('SELECT * FROM eleanor_job_states WHERE job = ?'),
    states: db.prepare('SELECT * FROM eleanor_job_states ORDER BY job'),
    createState: db.prepare('INSERT INTO eleanor_job_states (job) VALUES (?) ON CONFLICT (job) DO NOTHING'),
    saveState: db.prepare(
      `UPDATE eleanor_job_states
          SET trigger_count = ?, last_tick_at = ?, lease_owner = ?, lease_expires_at = ?, lease_fence = ?
        WHERE job = ?`,
    ),
    renew: db.prepare(
      `UPDATE eleanor_job_states SET lease_expires_at = ?
        WHERE job = ? AND lease_owner = ? AND lease_fence = ? AND lease_expires_at > ?`,
    ),
    release: db.prepare(
      `UPDATE eleanor_job_states SET lease_owner = NULL, lease_expires_at = NULL
        WHERE job = ? AND lease_owner = ? AND lease_fence = ?`,
    ),
    insertRun: db.prepare(
      `INSERT INTO eleanor_runs (job, tick_at, started_at, status, trigger, owner) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    finishRun: db.prepare(
      `UPDATE eleanor_runs SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status = 'running'`,
    ),
    interrupt: db.prepare(
      `UPDATE eleanor_runs SET status = 'interrupted', ended_at = ?, error = ?
        WHERE status = 'running'
          AND (owner = ? OR NOT EXISTS (
                SELECT 1 FROM eleanor_job_states AS s
                 WHERE s.job = eleanor_runs.job AND s.lease_owner = eleanor_runs.owner AND s.lease_expires_at > ?))`,
    ),
    interruptOthers: db.prepare(
      `UPDATE eleanor_runs SET status = 'interrupted', ended_at = ?, error = ?
        WHERE job = ? AND status = 'running' AND owner <> ?`,
    ),
    pruneCutoff: db.prepare(
      `SELECT id FROM eleanor_runs WHERE job = ? AND status <> 'running' ORDER BY id DESC LIMIT 1 OFFSET ?`,
    ),
    pruneUpTo: db.prepare(`DELETE FROM eleanor_runs WHERE job = ? AND status <> 'running' AND id <= ?`),
  };
}
