import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from '../../errors/store-errors.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { claimOrNull, isTickTaken } from '../claim-answers.js';
import { storedRunError } from '../run-error-text.js';
import type {
  ClaimAnswer,
  ClaimRequest,
  JobStateRecord,
  JobStore,
  LeaseAcquire,
  LeaseRelease,
  LeaseRenewal,
  RunClaim,
  RunFinish,
  RunOutcome,
  RunQuery,
  RunLog,
  RunRecord,
  RunReport,
  RunStatus,
  SkipRequest,
  UnexecutedTickStatus,
} from '../job-store.js';
import {
  checkClaimRequest,
  checkClaimRequests,
  checkFence,
  checkJobNames,
  checkKeep,
  checkLeaseAcquires,
  checkLeaseMs,
  checkLeaseReleases,
  checkLeaseRenewals,
  checkName,
  checkPruneJobs,
  checkRunFinishes,
  checkRunOutcome,
  checkRunQuery,
  checkSkipRequest,
  checkSkipRequests,
  parseRunId,
  type CheckedRunQuery,
} from '../store-arguments.js';
import { checkRunReport, progressOfColumns } from '../run-report-rules.js';
import { migrate } from './migrate.js';
import { IN_MEMORY_PATH, openSqliteDatabase } from './open-database.js';
import { SqliteControls } from './sqlite-controls.js';
import { SqliteRunReports } from './run-reports.js';
import { sqliteFailure } from './sqlite-failure.js';
import { SqliteReplicas } from './sqlite-replicas.js';
import { prepareStatements, type RunRow, type SqliteStatements, type StateRow } from './statements.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * The database file (created with its parent directories when missing; relative paths are
   * resolved against the working directory), or `':memory:'` for a private in-memory database.
   */
  readonly path: string;
  /** Judges lease expiry. Default: the system clock (shared by every process on the host). */
  readonly clock?: Clock;
  /** How long a statement waits for another process's write lock. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
}

/** Default of {@link SqliteStoreOptions.busyTimeoutMs}. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

const INTERRUPTED_ERROR = 'Interrupted: the process running it stopped, or lost the job lease, before the run finished.';

interface Connection {
  readonly db: Database.Database;
  readonly sql: SqliteStatements;
  readonly reports: SqliteRunReports;
}

function toRecord(row: RunRow): RunRecord {
  const progress = progressOfColumns(row.progress_fraction, row.progress_message, row.progress_at);
  return {
    id: String(row.id),
    job: row.job,
    tickAt: row.tick_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status as RunStatus,
    error: row.error,
    trigger: row.trigger,
    owner: row.owner,
    ...(progress === undefined ? {} : { progress }),
  };
}

/** Deletes all but the newest `keep` finished runs of `job` (inside the caller's transaction). */
function pruneJob(sql: SqliteStatements, job: string, keep: number): number {
  const cutoff = sql.pruneCutoff.get(job, keep);
  return cutoff === undefined ? 0 : sql.pruneUpTo.run(job, cutoff.id).changes;
}

/** The SQL and parameters (all but the limit) of a run listing. */
function listQuery({ job, since, beforeId }: CheckedRunQuery): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (job !== undefined) {
    where.push('job = ?');
    params.push(job);
  }
  if (since !== undefined) {
    where.push('coalesce(started_at, tick_at) >= ?');
    params.push(since);
  }
  if (beforeId !== undefined) {
    where.push('id < ?');
    params.push(beforeId);
  }
  const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  return { sql: `SELECT * FROM eleanor_runs ${filter} ORDER BY id DESC LIMIT ?`, params };
}

/**
 * The embedded store: one SQLite file (better-sqlite3) in WAL mode, shared safely by several
 * processes on one host. Every operation that reads the clock or checks and moves the mark or
 * the lease is one `BEGIN IMMEDIATE` transaction, so claims are serialized across processes.
 * Migrations are applied by {@link SqliteStore.open}. A file that is not a database, or is
 * corrupt, is reported as a {@link StoreError} and never modified.
 */
export class SqliteStore implements JobStore {
  /** Always `sqlite`. */
  readonly kind = 'sqlite';
  /** The absolute path of the database file (or `':memory:'`). */
  readonly path: string;
  readonly #clock: Clock;
  readonly #busyTimeoutMs: number;
  readonly #listStatements = new Map<string, Database.Statement<(string | number)[], RunRow>>();
  #connection: Connection | undefined;
  #closed = false;
  /** {@inheritDoc JobStore.controls} */
  readonly controls = new SqliteControls((work) => this.#use(({ db }) => db.transaction(() => work(db, this.#clock.now())).immediate()));
  /** {@inheritDoc JobStore.replicas} */
  readonly replicas = new SqliteReplicas((work) => this.#use(({ db }) => work(db)), { now: () => this.#clock.now() });

  /** @param options - see {@link SqliteStoreOptions} */
  constructor(options: SqliteStoreOptions) {
    checkName('path', options.path);
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${String(busyTimeoutMs)}`);
    }
    this.path = options.path === IN_MEMORY_PATH ? IN_MEMORY_PATH : resolve(options.path);
    this.#clock = options.clock ?? systemClock;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  /**
   * Opens the file and applies pending migrations in one transaction. Idempotent.
   *
   * @throws StoreSchemaError when the file's schema is newer than this code
   * @throws StoreError when the file is unusable (a directory, unreadable, not a database)
   */
  async open(): Promise<void> {
    if (this.#closed) throw new StoreError(`The SQLite store ${this.path} is closed.`);
    if (this.#connection !== undefined) return;
    const db = openSqliteDatabase(this.path, this.#busyTimeoutMs);
    try {
      migrate(db, this.#clock.now());
      this.#connection = { db, sql: prepareStatements(db), reports: new SqliteRunReports(db) };
    } catch (error) {
      db.close();
      throw sqliteFailure(this.path, error);
    }
  }

  /** Closes the connection. Idempotent; the store cannot be reopened. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#connection?.db.close();
    this.#connection = undefined;
  }

  /** {@inheritDoc JobStore.ping} */
  async ping(): Promise<void> {
    this.#use(({ sql }) => sql.ping.run());
  }

  /** {@inheritDoc JobStore.loadState} */
  async loadState(job: string): Promise<JobStateRecord | null> {
    checkName('job', job);
    return this.#use(({ sql }) => {
      const row = sql.state.get(job);
      return row === undefined ? null : this.#stateRecord(row);
    });
  }

  /** {@inheritDoc JobStore.loadStates} */
  async loadStates(jobs: readonly string[]): Promise<Array<JobStateRecord | null>> {
    checkJobNames(jobs);
    return this.#use(({ db, sql }) =>
      db.transaction(() =>
        jobs.map((job) => {
          const row = sql.state.get(job);
          return row === undefined ? null : this.#stateRecord(row);
        }),
      )(),
    );
  }

  /** {@inheritDoc JobStore.listStates} */
  async listStates(): Promise<JobStateRecord[]> {
    return this.#use(({ sql }) => sql.states.all().map((row) => this.#stateRecord(row)));
  }

  /** {@inheritDoc JobStore.claimRun} */
  async claimRun(request: ClaimRequest): Promise<RunClaim | null> {
    checkClaimRequest(request);
    return claimOrNull(this.#immediate((sql, now) => this.#claim(sql, now, request)));
  }

  /** {@inheritDoc JobStore.claimRuns} One transaction for all of them. */
  async claimRuns(requests: readonly ClaimRequest[]): Promise<ClaimAnswer[]> {
    checkClaimRequests(requests);
    if (requests.length === 0) return [];
    return this.#immediate((sql, now) => requests.map((request) => this.#claim(sql, now, request)));
  }

  #claim(sql: SqliteStatements, now: number, request: ClaimRequest): ClaimAnswer {
    const state = this.#stateRow(sql, request.job);
    const mark = state.last_tick_at;
    if (isTickTaken(request, mark)) return 'taken';
    const trigger = state.trigger_count + 1;
    const fence = this.#takeLease(sql, state, request.owner, request.leaseMs, now, { trigger, mark: request.tickAt ?? mark });
    if (fence === null) return 'busy';
    const unexecutedRecorded =
      request.unexecuted === undefined ? 0 : this.#insertUnexecuted(sql, request.job, request.owner, request.unexecuted.ticks, request.unexecuted.status, mark);
    const result = sql.insertRun.run(request.job, request.tickAt, request.startedAt, 'running', trigger, request.owner);
    return { runId: String(result.lastInsertRowid), fence, trigger, unexecutedRecorded };
  }

  /** {@inheritDoc JobStore.acquireLease} */
  async acquireLease(job: string, owner: string, leaseMs: number): Promise<number | null> {
    checkName('job', job);
    checkName('owner', owner);
    checkLeaseMs(leaseMs);
    return this.#immediate((sql, now) => {
      const state = this.#stateRow(sql, job);
      return this.#takeLease(sql, state, owner, leaseMs, now, { trigger: state.trigger_count, mark: state.last_tick_at });
    });
  }

  /** {@inheritDoc JobStore.renewLease} */
  async renewLease(job: string, owner: string, fence: number, leaseMs: number): Promise<boolean> {
    checkName('job', job);
    checkName('owner', owner);
    checkFence(fence);
    checkLeaseMs(leaseMs);
    return this.#immediate((sql, now) => sql.renew.run(now + leaseMs, job, owner, fence, now).changes === 1);
  }

  /** {@inheritDoc JobStore.acquireLeases} One transaction for all of them. */
  async acquireLeases(acquires: readonly LeaseAcquire[]): Promise<Array<number | null>> {
    checkLeaseAcquires(acquires);
    if (acquires.length === 0) return [];
    return this.#immediate((sql, now) =>
      acquires.map(({ job, owner, leaseMs }) => {
        const state = this.#stateRow(sql, job);
        return this.#takeLease(sql, state, owner, leaseMs, now, { trigger: state.trigger_count, mark: state.last_tick_at });
      }),
    );
  }

  /** {@inheritDoc JobStore.renewLeases} One transaction for all of them. */
  async renewLeases(renewals: readonly LeaseRenewal[]): Promise<boolean[]> {
    checkLeaseRenewals(renewals);
    if (renewals.length === 0) return [];
    return this.#immediate((sql, now) => renewals.map(({ job, owner, fence, leaseMs }) => sql.renew.run(now + leaseMs, job, owner, fence, now).changes === 1));
  }

  /** {@inheritDoc JobStore.releaseLease} */
  async releaseLease(job: string, owner: string, fence: number): Promise<void> {
    checkName('job', job);
    checkName('owner', owner);
    checkFence(fence);
    this.#use(({ sql }) => sql.release.run(job, owner, fence));
  }

  /** {@inheritDoc JobStore.releaseLeases} One transaction for all of them. */
  async releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    checkLeaseReleases(releases);
    if (releases.length === 0) return;
    this.#immediate((sql) => {
      for (const { job, owner, fence } of releases) sql.release.run(job, owner, fence);
    });
  }

  /** {@inheritDoc JobStore.finishRun} */
  async finishRun(runId: string, outcome: RunOutcome): Promise<boolean> {
    const id = parseRunId('runId', runId);
    checkRunOutcome(outcome);
    return this.#use(({ sql }) => sql.finishRun.run(outcome.status, outcome.endedAt, storedRunError(outcome.error), id).changes === 1);
  }

  /** {@inheritDoc JobStore.finishRuns} One transaction for all of them. */
  async finishRuns(finishes: readonly RunFinish[]): Promise<boolean[]> {
    const ids = checkRunFinishes(finishes);
    if (finishes.length === 0) return [];
    return this.#immediate((sql) =>
      finishes.map(({ outcome }, index) => sql.finishRun.run(outcome.status, outcome.endedAt, storedRunError(outcome.error), ids[index] as number).changes === 1),
    );
  }

  /** {@inheritDoc JobStore.skipTicks} */
  async skipTicks(request: SkipRequest): Promise<boolean> {
    checkSkipRequest(request);
    return this.#immediate((sql) => this.#skip(sql, request));
  }

  /** {@inheritDoc JobStore.skipTicksOfJobs} One transaction for all of them. */
  async skipTicksOfJobs(requests: readonly SkipRequest[]): Promise<boolean[]> {
    checkSkipRequests(requests);
    if (requests.length === 0) return [];
    return this.#immediate((sql) => requests.map((request) => this.#skip(sql, request)));
  }

  #skip(sql: SqliteStatements, request: SkipRequest): boolean {
    const newest = request.ticks[request.ticks.length - 1] as number;
    const state = this.#stateRow(sql, request.job);
    const mark = state.last_tick_at;
    if (mark !== null && mark >= newest) return false;
    this.#insertUnexecuted(sql, request.job, request.owner, request.ticks, request.status, mark);
    sql.saveState.run(state.trigger_count, newest, state.lease_owner, state.lease_expires_at, state.lease_fence, request.job);
    return true;
  }

  /** {@inheritDoc JobStore.interruptStaleRuns} */
  async interruptStaleRuns(owner: string): Promise<number> {
    checkName('owner', owner);
    return this.#immediate((sql, now) => sql.interrupt.run(now, INTERRUPTED_ERROR, owner, now).changes);
  }

  /** {@inheritDoc JobStore.listRuns} */
  async listRuns(query?: RunQuery): Promise<RunRecord[]> {
    const checked = checkRunQuery(query);
    return this.#use(({ db }) => {
      const { sql, params } = listQuery(checked);
      let statement = this.#listStatements.get(sql);
      if (statement === undefined) {
        statement = db.prepare<(string | number)[], RunRow>(sql);
        this.#listStatements.set(sql, statement);
      }
      return statement.all(...params, checked.limit).map(toRecord);
    });
  }

  /** {@inheritDoc JobStore.prune} */
  async prune(job: string, keep: number): Promise<number> {
    checkName('job', job);
    checkKeep(keep);
    return this.#immediate((sql) => pruneJob(sql, job, keep));
  }

  /** {@inheritDoc JobStore.pruneJobs} One transaction for all of them. */
  async pruneJobs(jobs: readonly string[], keep: number): Promise<number> {
    checkPruneJobs(jobs, keep);
    if (jobs.length === 0) return 0;
    return this.#immediate((sql) => jobs.reduce((deleted, job) => deleted + pruneJob(sql, job, keep), 0));
  }

  /** {@inheritDoc JobStore.reportRun} */
  async reportRun(report: RunReport): Promise<boolean> {
    const id = checkRunReport(report);
    return this.#use(({ db, reports }) => db.transaction(() => reports.report(id, report)).immediate());
  }

  /** {@inheritDoc JobStore.readRunLog} */
  async readRunLog(runId: string): Promise<RunLog | null> {
    const id = parseRunId('runId', runId);
    return this.#use(({ reports }) => reports.read(id));
  }

  /** Runs `work` on the open connection, turning SQLite failures into `StoreError`s. */
  #use<T>(work: (connection: Connection) => T): T {
    const connection = this.#connection;
    if (connection === undefined) {
      throw new StoreError(
        this.#closed ? `The SQLite store ${this.path} is closed.` : `The SQLite store ${this.path} is not open; call open() first.`,
      );
    }
    try {
      return work(connection);
    } catch (error) {
      throw sqliteFailure(this.path, error);
    }
  }

  /** Runs `work` in one `BEGIN IMMEDIATE` transaction; `now` is read once the lock is held. */
  #immediate<T>(work: (sql: SqliteStatements, now: number) => T): T {
    return this.#use(({ db, sql }) => db.transaction(() => work(sql, this.#clock.now())).immediate());
  }

  /** The job's state row, created (trigger count 0, no mark, no lease) when missing. */
  #stateRow(sql: SqliteStatements, job: string): StateRow {
    sql.createState.run(job);
    return sql.state.get(job) as StateRow;
  }

  /**
   * Takes or keeps the lease for `owner` (a takeover interrupts other owners' running runs of
   * the job) and saves the state with the given trigger count and mark. Returns the fence, or
   * `null` (saving nothing) when another owner holds a live lease.
   */
  #takeLease(
    sql: SqliteStatements,
    state: StateRow,
    owner: string,
    leaseMs: number,
    now: number,
    save: { trigger: number; mark: number | null },
  ): number | null {
    const holder = this.#liveOwner(state, now);
    if (holder !== null && holder !== owner) return null;
    const fence = holder === null ? state.lease_fence + 1 : state.lease_fence;
    if (holder === null) sql.interruptOthers.run(now, INTERRUPTED_ERROR, state.job, owner);
    sql.saveState.run(save.trigger, save.mark, owner, now + leaseMs, fence, state.job);
    return fence;
  }

  #insertUnexecuted(
    sql: SqliteStatements,
    job: string,
    owner: string,
    ticks: readonly number[],
    status: UnexecutedTickStatus,
    mark: number | null,
  ): number {
    let recorded = 0;
    for (const tick of ticks) {
      if (mark !== null && tick <= mark) continue;
      sql.insertRun.run(job, tick, null, status, null, owner);
      recorded++;
    }
    return recorded;
  }

  #liveOwner(row: StateRow, now: number): string | null {
    return row.lease_expires_at !== null && now < row.lease_expires_at ? row.lease_owner : null;
  }

  #stateRecord(row: StateRow): JobStateRecord {
    const owner = this.#liveOwner(row, this.#clock.now());
    return {
      job: row.job,
      triggerCount: row.trigger_count,
      lastTickAt: row.last_tick_at,
      leaseOwner: owner,
      leaseExpiresAt: owner === null ? null : row.lease_expires_at,
    };
  }
}
