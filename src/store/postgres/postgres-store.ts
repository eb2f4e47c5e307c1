/**
 * `PostgresStore`: the {@link JobStore} contract on PostgreSQL (driver `pg`), so that several
 * replicas share one schedule: each tick is claimed by one atomic statement, and each job's
 * executions are guarded by a lease on the database clock with a fencing number.
 *
 * @module
 */
import type pg from 'pg';
import type { Pool, QueryResult, QueryResultRow } from 'pg';
import { isConnectionError } from './connection-errors.js';
import { loadPgDriver, type PgDriver } from './pg-driver.js';
import { StoreError } from '../../errors/store-errors.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { refusalFor } from '../claim-answers.js';
import { storedRunError } from '../run-error-text.js';
import { checkClaimRequest, checkClaimRequests, checkFence, checkJobNames, checkKeep, checkLeaseMs, checkLeaseReleases } from '../store-arguments.js';
import { checkName, checkRunFinishes, checkRunOutcome, checkRunQuery, checkSkipRequest, parseRunId } from '../store-arguments.js';
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
  RunRecord,
  SkipRequest,
} from '../job-store.js';
import { migrate } from './migrate.js';
import { PostgresReplicas } from './postgres-replicas.js';
import { bindSchema } from './migrations.js';
import { PostgresControls } from './postgres-controls.js';
import { PostgresRunReports } from './run-reports.js';
import { toRunClaim, toRunRecord, toStateRecord, type BatchClaimRow, type ClaimRow, type RunRow, type StateRow } from './rows.js';
import { DEFAULT_SCHEMA, quoteSchemaName } from './schema-name.js';
import { assertSupportedServerVersion } from './server-version.js';
import * as statements from './statements.js';
import { storeFailure } from './store-failure.js';
import { describeTarget } from './target.js';
import { PostgresBatchUpkeep } from './batch-upkeep.js';
import { unexecutedColumns } from './unexecuted-columns.js';
import type { PostgresStoreOptions } from './postgres-store-options.js';

export type { PostgresStoreOptions } from './postgres-store-options.js';

/** Error text recorded on runs marked `interrupted` by {@link PostgresStore.interruptStaleRuns}. */
export const INTERRUPTED_RUN_ERROR =
  'Interrupted: the process running it stopped, or lost the job lease, before the run finished.';

/** Statement texts with the schema bound once. */
type BoundStatements = { readonly [K in keyof typeof statements]: string };

/**
 * The PostgreSQL store. Every method is one SQL statement (atomic on its own; `claimRuns` may
 * add single claims and a read) and rejects with
 * {@link StoreError} (the driver's error as `cause`) when the database is unreachable; the
 * pool recovers by itself once the server is back.
 *
 * When a call fails after the statement may have committed (the connection dropped during
 * the reply), the outcome is unknown: resolve it by retrying the same call. A retried
 * {@link PostgresStore.claimRun} (same job, owner and tick) returns the claim it already made;
 * a retried {@link PostgresStore.finishRun} with the same outcome returns `true` again.
 */
export class PostgresStore implements JobStore {
  /** Backend name. */
  readonly kind = 'postgres';
  /** The schema holding the tables (unquoted). */
  readonly schema: string;

  readonly #options: PostgresStoreOptions;
  readonly #quotedSchema: string;
  readonly #sql: BoundStatements;
  readonly #clock: Clock;
  readonly #target: string;
  #pool: Pool | undefined;
  /** The `pg` module, imported at the first open. */
  #driver: PgDriver | undefined;
  /** Connections that completed a statement: a failure on one of them may just be staleness. */
  readonly #served = new WeakSet<pg.PoolClient>();
  readonly #maxResends: number;
  readonly #batches: PostgresBatchUpkeep;
  #opening: Promise<void> | undefined;
  #opened = false;
  #closed = false;
  /** {@inheritDoc JobStore.controls} */
  readonly controls = new PostgresControls((operation, sql, params, resend) => this.#query(operation, sql, params, resend), (sql) => bindSchema(sql, this.#quotedSchema));
  /** {@inheritDoc JobStore.replicas} */
  readonly replicas = new PostgresReplicas((operation, sql, params) => this.#query(operation, bindSchema(sql, this.#quotedSchema), params, () => params));
  readonly #reports = new PostgresRunReports((operation, sql, params, resend) => this.#query(operation, bindSchema(sql, this.#quotedSchema), params, resend));
  /** {@inheritDoc JobStore.reportRun} */
  readonly reportRun: JobStore['reportRun'] = (report) => this.#reports.report(report);
  /** {@inheritDoc JobStore.readRunLog} */
  readonly readRunLog: JobStore['readRunLog'] = (runId) => this.#reports.read(runId);

  /**
   * @param options - connection string, schema, pool size, clock (see {@link PostgresStoreOptions})
   * @throws TypeError naming the option for a bad connection string, schema or pool size
   */
  constructor(options: PostgresStoreOptions) {
    if (typeof options?.connectionString !== 'string' || options.connectionString.trim() === '') {
      throw new TypeError(
        `PostgresStore option "connectionString" must be a non-empty string, got ${JSON.stringify(options?.connectionString)}.`,
      );
    }
    const poolSize = options.poolSize ?? 10;
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new TypeError(`PostgresStore option "poolSize" must be a positive integer, got ${String(options.poolSize)}.`);
    }
    for (const option of ['connectionTimeoutMs', 'queryTimeoutMs'] as const) {
      const value = options[option] ?? 10_000;
      if (!Number.isFinite(value) || value <= 0) {
        throw new TypeError(`PostgresStore option "${option}" must be a positive number, got ${String(options[option])}.`);
      }
    }
    this.#options = options;
    this.#maxResends = poolSize;
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    this.#quotedSchema = quoteSchemaName(this.schema);
    this.#clock = options.clock ?? systemClock;
    this.#target = describeTarget(options.connectionString);
    const bound: Record<string, string> = {};
    for (const [name, text] of Object.entries(statements)) bound[name] = bindSchema(text, this.#quotedSchema);
    this.#sql = bound as BoundStatements;
    this.#batches = new PostgresBatchUpkeep(this.#quotedSchema, this.#clock, (...args) => this.#query(...args), INTERRUPTED_RUN_ERROR);
  }

  /** Connect, check the server version (13 or newer) and apply migrations. Idempotent. */
  async open(): Promise<void> {
    if (this.#closed) throw new StoreError(`PostgresStore (${this.#target}) is closed; create a new store.`);
    this.#opening ??= this.#doOpen().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    await this.#opening;
  }

  async #doOpen(): Promise<void> {
    const pool = await this.#ensurePool();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeFailure(this.#target, 'open', error);
    }
    // A connection that breaks while held (between queries) emits 'error': never let it crash.
    const onClientError = (): void => undefined;
    client.on('error', onClientError);
    let broken: unknown;
    try {
      const version = (await client.query<{ version_num: number; version: string }>(this.#sql.SERVER_VERSION_SQL)).rows[0];
      assertSupportedServerVersion(version?.version_num ?? 0, version?.version ?? 'unknown');
      await migrate(client, this.schema, this.#quotedSchema);
      this.#opened = true;
    } catch (error) {
      broken = error;
      throw storeFailure(this.#target, 'open', error);
    } finally {
      client.off('error', onClientError);
      client.release(broken instanceof Error && !(broken instanceof StoreError) ? broken : undefined);
    }
  }

  async #ensurePool(): Promise<Pool> {
    if (this.#pool) return this.#pool;
    const pg = await loadPgDriver();
    this.#driver = pg;
    const pool = new pg.Pool({
      connectionString: this.#options.connectionString,
      max: this.#options.poolSize ?? 10,
      connectionTimeoutMillis: this.#options.connectionTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      // A statement on a silently dead connection (a network partition: no reset, no error)
      // would otherwise wait for TCP to give up, minutes or hours, holding a claim or a lease
      // renewal hostage. The client that timed out is discarded.
      query_timeout: this.#options.queryTimeoutMs ?? 10_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: this.#options.applicationName ?? 'eleanor-jobs',
    });
    // An idle client's error (server restart, pg_terminate_backend, network) must never crash
    // the process: the pool has already removed that client.
    pool.on('error', (error: Error) => {
      this.#options.onPoolError?.(error);
    });
    this.#pool = pool;
    return pool;
  }

  /** Close every connection. Idempotent; the store cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#opening?.catch(() => undefined);
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
  }

  /** Resolve when the database answers `SELECT 1`. */
  async ping(): Promise<void> {
    await this.#query('ping', this.#sql.PING_SQL, [], () => []);
  }

  /** A job's state, or `null` if the store has never seen it. An expired lease reads as free. */
  async loadState(job: string): Promise<JobStateRecord | null> {
    checkName('job', job);
    const result = await this.#query<StateRow>('loadState', this.#sql.LOAD_STATE_SQL, [job], () => [job]);
    const row = result.rows[0];
    return row ? toStateRecord(row) : null;
  }

  /** The states of several jobs, in the order asked (`null` for jobs never seen), in one statement. */
  async loadStates(jobs: readonly string[]): Promise<Array<JobStateRecord | null>> {
    checkJobNames(jobs);
    if (jobs.length === 0) return [];
    const result = await this.#query<StateRow>('loadStates', this.#sql.LOAD_STATES_SQL, [jobs], () => [jobs]);
    const byJob = new Map(result.rows.map((row) => [row.job, toStateRecord(row)]));
    return jobs.map((job) => byJob.get(job) ?? null);
  }

  /** Every job's state, ordered by name. */
  async listStates(): Promise<JobStateRecord[]> {
    const result = await this.#query<StateRow>('listStates', this.#sql.LIST_STATES_SQL, [], () => []);
    return result.rows.map(toStateRecord);
  }

  /**
   * Claim one execution in one atomic statement (see `CLAIM_RUN_SQL`). Returns `null` when the
   * tick is at or before the mark or another owner holds a live lease. With `request.retry`, a
   * claim that already committed (same job, owner and tick, run still `running`, lease still
   * its own and live) is returned again, with its lease extended.
   */
  async claimRun(request: ClaimRequest): Promise<RunClaim | null> {
    checkClaimRequest(request);
    const params = (retry: boolean): unknown[] => [
      request.job,
      request.owner,
      request.tickAt,
      request.startedAt,
      request.leaseMs,
      request.unexecuted?.ticks ?? [],
      request.unexecuted?.status ?? 'missed',
      retry,
      this.#clock.now(),
      INTERRUPTED_RUN_ERROR,
      request.key ?? null,
    ];
    // A claim for a tick, or with a key, is re-sent (after a stale connection broke) as a retry,
    // which finds the claim if it did commit. Any other claim cannot be recognised, so it is
    // not re-sent.
    const recognisable = request.tickAt !== null || request.key !== undefined;
    let resent = false;
    const resend = recognisable
      ? () => {
          resent = true;
          return params(true);
        }
      : undefined;
    let result = await this.#query<ClaimRow>('claimRun', this.#sql.CLAIM_RUN_SQL, params(request.retry === true), resend);
    if (result.rows.length === 0 && recognisable && (request.retry === true || resent)) {
      // The lost attempt may still have been committing when the retry started: the retry then
      // waited for its row lock, but its snapshot predates that commit. Once more, with a fresh one.
      result = await this.#query<ClaimRow>('claimRun', this.#sql.CLAIM_RUN_SQL, params(true), () => params(true));
    }
    const row = result.rows[0];
    return row ? toRunClaim(row) : null;
  }

  /**
   * Many claims: those that are not a retry in one atomic statement (`CLAIM_RUNS_SQL`, with
   * their unexecuted ticks), retries one by one as {@link PostgresStore.claimRun}; then one read
   * of the refused jobs' marks tells `taken` from `busy`. A failed batch statement is not
   * re-sent (its outcome is unknown: the caller re-sends its claims with `retry`).
   */
  async claimRuns(requests: readonly ClaimRequest[]): Promise<ClaimAnswer[]> {
    checkClaimRequests(requests);
    const simple: ClaimRequest[] = [];
    const single: ClaimRequest[] = [];
    for (const request of requests) (request.retry === true ? single : simple).push(request);
    const answers = new Map<string, RunClaim | null>();
    const [batch] = await Promise.all([
      simple.length === 0
        ? undefined
        : this.#query<BatchClaimRow>('claimRuns', this.#sql.CLAIM_RUNS_SQL, [
            simple.map((request) => request.job),
            simple.map((request) => request.owner),
            simple.map((request) => request.tickAt),
            simple.map((request) => request.startedAt),
            simple.map((request) => request.leaseMs),
            this.#clock.now(),
            INTERRUPTED_RUN_ERROR,
            simple.map((request) => request.key ?? null),
            ...unexecutedColumns(simple),
          ]),
      ...single.map(async (request) => answers.set(request.job, await this.claimRun(request))),
    ]);
    for (const row of batch?.rows ?? []) answers.set(row.job, toRunClaim(row));
    const refused = requests.filter((request) => (answers.get(request.job) ?? null) === null);
    // The claims are decided: a failed read of the marks must not make them unknown. A refusal
    // then answers `busy`, which makes the caller ask again later (and learn `taken` then).
    const states = refused.length === 0 ? [] : await this.loadStates(refused.map((request) => request.job)).catch(() => null);
    const marks = new Map(states?.map((state, index) => [refused[index]?.job, state?.lastTickAt ?? null]));
    return requests.map((request) => answers.get(request.job) ?? (states === null ? 'busy' : refusalFor(request, marks.get(request.job) ?? null)));
  }

  /**
   * Take or keep the job's lease without a run (a takeover interrupts other owners' running runs
   * of the job). Returns the fence, or `null` if another owner holds a live lease.
   */
  async acquireLease(job: string, owner: string, leaseMs: number): Promise<number | null> {
    checkName('job', job);
    checkName('owner', owner);
    checkLeaseMs(leaseMs);
    const params = [job, owner, leaseMs, this.#clock.now(), INTERRUPTED_RUN_ERROR];
    const result = await this.#query<{ fence: string }>('acquireLease', this.#sql.ACQUIRE_LEASE_SQL, params, () => params);
    const row = result.rows[0];
    return row ? Number(row.fence) : null;
  }

  /** Extend a held lease; `false` when it is no longer this owner's with this fence. */
  async renewLease(job: string, owner: string, fence: number, leaseMs: number): Promise<boolean> {
    checkName('job', job);
    checkName('owner', owner);
    checkFence(fence);
    checkLeaseMs(leaseMs);
    const params = [job, owner, fence, leaseMs];
    const result = await this.#query('renewLease', this.#sql.RENEW_LEASE_SQL, params, () => params);
    return (result.rowCount ?? 0) > 0;
  }

  /** Release a held lease; a no-op unless it is this owner's with this fence. */
  async releaseLease(job: string, owner: string, fence: number): Promise<void> {
    checkName('job', job);
    checkName('owner', owner);
    checkFence(fence);
    const params = [job, owner, fence];
    await this.#query('releaseLease', this.#sql.RELEASE_LEASE_SQL, params, () => params);
  }

  /**
   * Record how a claimed run ended: only while it is `running` (a takeover by another owner
   * marks it `interrupted`). Returns `false` otherwise; `true` again for a retry of the same
   * outcome (PostgreSQL only: resolves a finish whose reply was lost).
   */
  async finishRun(runId: string, outcome: RunOutcome): Promise<boolean> {
    parseRunId('runId', runId);
    checkRunOutcome(outcome);
    const params = [runId, outcome.status, outcome.endedAt, storedRunError(outcome.error)];
    // Re-sending is harmless: the same outcome, once recorded, is recognised.
    const result = await this.#query('finishRun', this.#sql.FINISH_RUN_SQL, params, () => params);
    return (result.rowCount ?? 0) > 0;
  }

  /** Release several leases in one statement; each only if it is that owner's with that fence. */
  async releaseLeases(releases: readonly LeaseRelease[]): Promise<void> {
    checkLeaseReleases(releases);
    if (releases.length === 0) return;
    const params = [releases.map((release) => release.job), releases.map((release) => release.owner), releases.map((release) => release.fence)];
    await this.#query('releaseLeases', this.#sql.RELEASE_LEASES_SQL, params, () => params);
  }

  /** {@link PostgresStore.finishRun} for several runs in one statement. */
  async finishRuns(finishes: readonly RunFinish[]): Promise<boolean[]> {
    checkRunFinishes(finishes);
    if (finishes.length === 0) return [];
    const params = [
      finishes.map((finish) => finish.runId),
      finishes.map((finish) => finish.outcome.status),
      finishes.map((finish) => finish.outcome.endedAt),
      finishes.map((finish) => storedRunError(finish.outcome.error)),
    ];
    // Re-sending is harmless, as for finishRun.
    const result = await this.#query<{ id: string }>('finishRuns', this.#sql.FINISH_RUNS_SQL, params, () => params);
    const recorded = new Set(result.rows.map((row) => row.id));
    return finishes.map((finish) => recorded.has(finish.runId));
  }

  /** Record unexecuted ticks and advance the mark to the newest, only if the mark is before it. */
  async skipTicks(request: SkipRequest): Promise<boolean> {
    checkSkipRequest(request);
    const newest = request.ticks[request.ticks.length - 1] as number;
    const result = await this.#query('skipTicks', this.#sql.SKIP_TICKS_SQL, [
      request.job,
      request.owner,
      request.ticks,
      request.status,
      newest,
    ]);
    return result.rows.length > 0;
  }

  /** Mark as `interrupted` the runs of `owner` and those whose lease is gone. Returns how many. */
  async interruptStaleRuns(owner: string): Promise<number> {
    checkName('owner', owner);
    const result = await this.#query('interruptStaleRuns', this.#sql.INTERRUPT_STALE_RUNS_SQL, [
      owner,
      this.#clock.now(),
      INTERRUPTED_RUN_ERROR,
    ]);
    return result.rowCount ?? 0;
  }

  /** Runs matching the query, newest (highest id) first. */
  async listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    const { job, since, beforeId, limit } = checkRunQuery(query);
    const result = await this.#query<RunRow>('listRuns', this.#sql.LIST_RUNS_SQL, [
      job ?? null,
      since ?? null,
      beforeId ?? null,
      limit,
    ]);
    return result.rows.map(toRunRecord);
  }

  /** Delete all but the newest `keep` finished runs of a job. Returns how many were deleted. */
  async prune(job: string, keep: number): Promise<number> {
    checkName('job', job);
    checkKeep(keep);
    const result = await this.#query('prune', this.#sql.PRUNE_SQL, [job, keep]);
    return result.rowCount ?? 0;
  }

  /** {@inheritDoc JobStore.acquireLeases} One statement (see `batch-statements.ts`). */
  acquireLeases(acquires: readonly LeaseAcquire[]): Promise<Array<number | null>> {
    return this.#batches.acquireLeases(acquires);
  }

  /** {@inheritDoc JobStore.renewLeases} One statement. */
  renewLeases(renewals: readonly LeaseRenewal[]): Promise<boolean[]> {
    return this.#batches.renewLeases(renewals);
  }

  /** {@inheritDoc JobStore.skipTicksOfJobs} One statement. */
  skipTicksOfJobs(requests: readonly SkipRequest[]): Promise<boolean[]> { return this.#batches.skipTicksOfJobs(requests); }

  /** {@inheritDoc JobStore.pruneJobs} One statement. */
  pruneJobs(jobs: readonly string[], keep: number): Promise<number> {
    return this.#batches.pruneJobs(jobs, keep);
  }

  /**
   * Run one statement on a pooled connection. A connection error on a connection that had
   * served before (a stale idle one, e.g. after a server restart or a terminated backend) is
   * re-sent on another connection when `resend` says how (only for statements whose re-sending
   * is harmless); a failure on a brand-new connection, or to connect at all, is not retried.
   */
  async #query<R extends QueryResultRow = QueryResultRow>(
    operation: string,
    sql: string,
    params: readonly unknown[],
    resend?: () => readonly unknown[],
  ): Promise<QueryResult<R>> {
    let values = params;
    for (let attempt = 0; ; attempt += 1) {
      if (this.#closed) throw new StoreError(`PostgresStore (${this.#target}) is closed; ${operation} is not possible.`);
      const pool = this.#pool;
      if (!pool || !this.#opened) {
        throw new StoreError(`PostgresStore (${this.#target}) is not open; call open() before ${operation}.`);
      }
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw storeFailure(this.#target, operation, error);
      }
      const reused = this.#served.has(client);
      // While checked out, a connection error must not become an unhandled 'error' event.
      const onError = (): void => undefined;
      client.on('error', onError);
      try {
        const result = await client.query<R>(sql, [...values]);
        this.#served.add(client);
        client.off('error', onError);
        client.release();
        return result;
      } catch (error) {
        client.off('error', onError);
        const broken = this.#driver === undefined || isConnectionError(error, this.#driver);
        client.release(broken ? (error instanceof Error ? error : new Error(String(error))) : undefined);
        if (broken && reused && resend !== undefined && attempt < this.#maxResends) {
          values = resend();
          continue;
        }
        throw storeFailure(this.#target, operation, error);
      }
    }
  }
}
