/**
 * The parent side of the replica tests: start replica processes (`fixtures/replica.ts`), read
 * what they print, signal them, read the runs table, and check the schedule.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach } from 'vitest';
import { LineProcess } from '../helpers/line-process.js';
import { dropSchema, randomSchemaName, withClient } from '../helpers/postgres-cluster.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/replica.ts', import.meta.url));

/** Lease length the replicas use in these tests (seconds). */
export const LEASE_TTL_S = 3;
/** Poll interval the replicas use in these tests (seconds). */
export const POLL_S = 0.5;
/** Period of the `* * * * * *` schedule (ms). */
export const PERIOD_MS = 1000;

/** `{type:'claim'}`: the store answered (or failed) a tick claim. */
export interface ClaimLine {
  readonly type: 'claim';
  readonly replica: string;
  readonly owner: string;
  readonly job: string;
  readonly tick: number;
  readonly result: 'won' | 'lost' | 'error';
  readonly runId?: string;
  readonly error?: string;
  readonly retry: boolean;
  readonly at: number;
}

/** `{type:'begin'}`: `execute` started. */
export interface BeginLine {
  readonly type: 'begin';
  readonly replica: string;
  readonly owner: string;
  readonly job: string;
  readonly runId: string | null;
  readonly tick: number;
  readonly trigger: number;
  readonly reason: string;
  readonly start: number;
}

/** `{type:'run'}`: `execute` ended. */
export interface RunLine extends Omit<BeginLine, 'type'> {
  readonly type: 'run';
  readonly end: number;
  /** The abort reason when the execution was aborted (lease lost, stop), else `null`. */
  readonly aborted: string | null;
}

/** `{type:'batch'}`: a batched store call of `items` items (only with {@link ReplicaOptions.traceBatches}). */
export interface BatchLine {
  readonly type: 'batch';
  readonly replica: string;
  /** The store method, e.g. `claimRuns`. */
  readonly op: string;
  readonly items: number;
}

/** Any line a replica prints. */
export type ReplicaLine =
  | ClaimLine
  | BeginLine
  | RunLine
  | BatchLine
  | { readonly type: 'ready'; readonly replica: string; readonly owner: string; readonly pid: number; readonly url?: string }
  | { readonly type: 'stopped'; readonly replica: string; readonly notStopped: string[] };

/** A line with the time the parent read it. */
export type Received<L extends ReplicaLine = ReplicaLine> = L & { readonly receivedAt: number };

/** Options of one replica process. */
export interface ReplicaOptions {
  /** How many jobs (default 1, named as the set's job; N > 1: `<job>-0` … `<job>-(N-1)`). */
  readonly jobs?: number;
  readonly cron?: string;
  readonly workMs?: number;
  readonly leaseTtl?: number;
  readonly poll?: number;
  readonly misfire?: 'once' | 'all' | 'skip';
  readonly maxCatchUp?: number;
  /** Seconds before a tick its claim is sent (the runner's `claimAhead`; default 0.25). */
  readonly claimAhead?: number;
  /** Connection string (default: the set's). */
  readonly url?: string;
  /** Serve the runner's HTTP API with this bearer token (its address: {@link ReplicaProcess.httpUrl}). */
  readonly httpToken?: string;
  /** Print a `batch` line for every batched store call (default false). */
  readonly traceBatches?: boolean;
}

/** One replica process. */
export class ReplicaProcess extends LineProcess<Received> {
  constructor(
    readonly name: string,
    args: readonly string[],
    onLine: (line: Received) => void,
    traceBatches = false,
  ) {
    super(FIXTURE, args, {
      label: `replica ${name}`,
      env: { ...process.env, LOG_LEVEL: process.env.REPLICA_LOG_LEVEL ?? 'info', ...(traceBatches ? { REPLICA_TRACE_BATCHES: '1' } : {}) },
      parse: (text, receivedAt) => (text.startsWith('{') ? ({ ...(JSON.parse(text) as ReplicaLine), receivedAt } as Received) : null),
      onLine,
    });
  }

  /** The pino log entries written to stderr so far. */
  logs(): Record<string, unknown>[] {
    return this.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The owner id, once ready. */
  get owner(): string | undefined {
    const ready = this.lines.find((line) => line.type === 'ready');
    return ready?.owner;
  }

  /** The HTTP API's address, once ready (started with `httpToken`). */
  get httpUrl(): string | undefined {
    const ready = this.lines.find((line) => line.type === 'ready');
    return ready?.type === 'ready' ? ready.url : undefined;
  }

  /** Waits for the `ready` line. */
  ready(timeoutMs = 30_000): Promise<void> {
    return this.waitFor((lines) => lines.some((line) => line.type === 'ready'), timeoutMs, 'ready');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. Resolves with how it ended. */
  async stop(timeoutMs = 15_000): Promise<number | NodeJS.Signals> {
    if (this.ended) return this.exited;
    this.child.kill('SIGCONT'); // a frozen process could not handle SIGTERM
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** All replica processes of one test (one schema, one job), including ended ones. */
export class ReplicaSet {
  readonly processes: ReplicaProcess[] = [];
  /** Every line of every process, in the order the parent read them. */
  readonly lines: Received[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly url: string,
    readonly schema: string,
    readonly job = 'tick',
  ) {}

  /** Starts a replica process named `name` (not yet ready). */
  start(name: string, options: ReplicaOptions = {}): ReplicaProcess {
    const args = [
      '--url', options.url ?? this.url,
      '--schema', this.schema,
      '--replica', name,
      '--job', this.job,
      '--jobs', String(options.jobs ?? 1),
      '--cron', options.cron ?? '* * * * * *',
      '--work-ms', String(options.workMs ?? 200),
      '--lease-ttl', String(options.leaseTtl ?? LEASE_TTL_S),
      '--poll', String(options.poll ?? POLL_S),
      '--misfire', options.misfire ?? 'once',
      '--max-catch-up', String(options.maxCatchUp ?? 100),
      '--claim-ahead', String(options.claimAhead ?? 0.25),
      ...(options.httpToken === undefined ? [] : ['--http-token', options.httpToken]),
    ];
    const replica = new ReplicaProcess(
      name,
      args,
      (line) => {
        this.lines.push(line);
        for (const wake of this.#waiters) wake();
      },
      options.traceBatches,
    );
    this.processes.push(replica);
    return replica;
  }

  /** The live processes. */
  get live(): ReplicaProcess[] {
    return this.processes.filter((replica) => !replica.ended);
  }

  /** The process whose owner id is `owner`. */
  byOwner(owner: string): ReplicaProcess | undefined {
    return this.processes.find((replica) => replica.owner === owner);
  }

  /** Lines of one type, from every process. */
  linesOf<T extends ReplicaLine['type']>(type: T): Received<Extract<ReplicaLine, { type: T }>>[] {
    return this.lines.filter((line): line is Received<Extract<ReplicaLine, { type: T }>> => line.type === type);
  }

  /** Waits for the first line (read at or after `since`) that satisfies `test`. */
  async nextLine<L extends Received>(test: (line: Received) => line is L, timeoutMs: number, since = Date.now()): Promise<L> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((line): line is L => line.receivedAt >= since && test(line));
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching replica line within ${timeoutMs} ms; last lines: ${JSON.stringify(this.lines.slice(-4))}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  /** Gracefully stops every live process (SIGTERM), in parallel. */
  async stopAll(): Promise<void> {
    await Promise.all(this.live.map((replica) => replica.stop()));
  }

  /** Kills every process still running (cleanup after a failure). */
  async killAll(): Promise<void> {
    await Promise.all(this.processes.filter((replica) => !replica.ended).map((replica) => replica.kill()));
  }
}

/** A row of the runs table, as stored. */
export interface StoredRun {
  readonly id: string;
  readonly job: string;
  readonly tick: number | null;
  readonly started: number | null;
  readonly ended: number | null;
  readonly status: string;
  readonly owner: string | null;
  readonly fence: number | null;
  readonly error: string | null;
}

/** Every row of `schema.runs` for `job` (every job when `null`), by id (read with SQL, not through the store). */
export async function readRuns(url: string, schema: string, job: string | null): Promise<StoredRun[]> {
  const result = await withClient(url, (client) =>
    client.query<{ id: string; job: string; tick_at: string | null; started_at: string | null; ended_at: string | null; status: string; owner: string | null; fence: string | null; error: string | null }>(
      `SELECT id::text, job, tick_at::text, started_at::text, ended_at::text, status, owner, fence::text, error
         FROM ${pg.escapeIdentifier(schema)}.runs WHERE $1::text IS NULL OR job = $1 ORDER BY id`,
      [job],
    ),
  );
  const num = (value: string | null): number | null => (value === null ? null : Number(value));
  return result.rows.map((row) => ({
    id: row.id,
    job: row.job,
    tick: num(row.tick_at),
    started: num(row.started_at),
    ended: num(row.ended_at),
    status: row.status,
    owner: row.owner,
    fence: num(row.fence),
    error: row.error,
  }));
}

/** The job's stored high-water mark (`last_tick_at`), or `null`. */
export async function readMark(url: string, schema: string, job: string): Promise<number | null> {
  const result = await withClient(url, (client) =>
    client.query<{ last_tick_at: string | null }>(`SELECT last_tick_at::text FROM ${pg.escapeIdentifier(schema)}.job_state WHERE job = $1`, [job]),
  );
  const value = result.rows[0]?.last_tick_at;
  return value === undefined || value === null ? null : Number(value);
}

/** What {@link checkSchedule} found. */
export interface ScheduleReport {
  /** Ticks in the window. */
  readonly ticksChecked: number;
  /** Ticks of the window with no successful execution. */
  readonly missing: number[];
  /** Ticks executed (begun) more than once, anywhere. */
  readonly duplicates: number[];
  /** Ticks with more than one run row. */
  readonly duplicateRows: number[];
  /** Pairs of successful executions whose intervals overlap. */
  readonly overlaps: Array<[RunLine, RunLine]>;
  /** Successful executions per replica name. */
  readonly perReplica: Record<string, number>;
}

/** The ticks `t` of a one-second schedule with `from <= t <= to`. */
export function ticksBetween(from: number, to: number): number[] {
  const ticks: number[] = [];
  for (let tick = Math.ceil(from / PERIOD_MS) * PERIOD_MS; tick <= to; tick += PERIOD_MS) ticks.push(tick);
  return ticks;
}

/**
 * Checks a one-second schedule over `[from, to]` against what the replicas printed and the runs
 * table: which ticks of the window have no successful execution, which ticks began more than
 * once (anywhere, any time), which have several rows, and which successful executions overlap.
 * With `job`, only that job's lines and rows count (a replica set running several jobs).
 */
export function checkSchedule(set: ReplicaSet, rows: readonly StoredRun[], from: number, to: number, job?: string): ScheduleReport {
  const ofJob = <T extends { readonly job: string }>(items: readonly T[]): T[] => (job === undefined ? [...items] : items.filter((item) => item.job === job));
  const begins = ofJob(set.linesOf('begin'));
  const runs = ofJob(set.linesOf('run'));
  rows = ofJob(rows);
  const ok = runs.filter((line) => line.aborted === null);
  const okTicks = new Set(ok.map((line) => line.tick));
  const window = ticksBetween(from, to);
  const missing = window.filter((tick) => !okTicks.has(tick));
  const beginsPerTick = countBy(begins.map((line) => line.tick));
  const duplicates = [...beginsPerTick].filter(([, count]) => count > 1).map(([tick]) => tick);
  const rowsPerTick = countBy(rows.filter((row) => row.tick !== null).map((row) => row.tick as number));
  const duplicateRows = [...rowsPerTick].filter(([, count]) => count > 1).map(([tick]) => tick);
  const overlaps = overlapping(ok);
  const perReplica: Record<string, number> = {};
  for (const line of ok) perReplica[line.replica] = (perReplica[line.replica] ?? 0) + 1;
  return { ticksChecked: window.length, missing, duplicates, duplicateRows, overlaps, perReplica };
}

/** The pairs of intervals, in start order, where one starts before the one that started before it ended. */
export function overlapping<T extends { readonly start: number; readonly end: number }>(intervals: readonly T[]): Array<[T, T]> {
  const byStart = [...intervals].sort((a, b) => a.start - b.start);
  const overlaps: Array<[T, T]> = [];
  let latest: T | undefined;
  for (const current of byStart) {
    if (latest !== undefined && current.start < latest.end) overlaps.push([latest, current]);
    if (latest === undefined || current.end > latest.end) latest = current;
  }
  return overlaps;
}

function countBy(values: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Registers an `afterEach` that kills the processes of the set the returned function created
 * in the test and drops its schema; the function creates one set on a fresh schema named
 * after `prefix`.
 */
export function replicaSetPerTest(url: string): (prefix: string) => ReplicaSet {
  let current: { readonly set: ReplicaSet; readonly schema: string } | null = null;
  afterEach(async () => {
    if (current === null) return;
    const { set, schema } = current;
    current = null;
    await set.killAll();
    await dropSchema(url, schema);
  });
  return (prefix) => {
    const schema = randomSchemaName(prefix);
    const set = new ReplicaSet(url, schema);
    current = { set, schema };
    return set;
  };
}
