/**
 * Replicas that stop answering, and a schedule that resumes after every replica was down:
 *
 * - a replica frozen (SIGSTOP) longer than its lease: another takes over; on SIGCONT the frozen
 *   one notices its lost lease and never records success for the run it was in;
 * - outage catch-up: all replicas stop for several ticks; one that comes back (a new process
 *   that never ran before) judges the missed ticks from the stored high-water mark, under each
 *   misfire policy.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { dropSchema, randomSchemaName } from '../helpers/postgres-cluster.js';
import {
  checkSchedule,
  LEASE_TTL_S,
  PERIOD_MS,
  readMark,
  readRuns,
  ReplicaSet,
  sleep,
  type BeginLine,
  type Received,
  type ReplicaOptions,
  type StoredRun,
} from './replica-harness.js';

const url = inject('postgresUrl');
const TTL_MS = LEASE_TTL_S * 1000;
const SLACK_MS = 500;

describe('a frozen replica (SIGSTOP longer than its lease)', () => {
  let set: ReplicaSet | undefined;
  let schema = '';

  afterEach(async () => {
    await set?.killAll();
    set = undefined;
    if (schema !== '') await dropSchema(url, schema);
  });

  it('is taken over, notices its lost lease on SIGCONT and does not record success', { timeout: 90_000 }, async () => {
    schema = randomSchemaName('rep_frozen');
    set = new ReplicaSet(url, schema);
    // 600 ms executions: the frozen one still has work left when it resumes.
    const options: ReplicaOptions = { workMs: 600 };
    for (const name of ['a', 'b', 'c']) set.start(name, options);
    await Promise.all(set.live.map((replica) => replica.ready(60_000)));
    await sleep(2 * PERIOD_MS);

    const frozenRun = await set.nextLine((line): line is Received<BeginLine> => line.type === 'begin', 10_000);
    const frozen = set.byOwner(frozenRun.owner);
    if (frozen === undefined) throw new Error('no process for the owner that began the run');
    frozen.signal('SIGSTOP');
    const frozenAt = Date.now();
    await sleep(TTL_MS + 2_500);
    const resumedAt = Date.now();
    frozen.signal('SIGCONT');
    await frozen.waitFor((lines) => lines.some((line) => line.type === 'run' && line.runId === frozenRun.runId), 10_000, 'the end of the frozen run');
    await sleep(3 * PERIOD_MS);
    const to = Date.now();
    await set.stopAll();

    const rows = await readRuns(url, schema, 'tick');
    const begins = set.linesOf('begin');
    const takeovers = begins.filter((line) => line.owner !== frozen.owner && line.start > frozenAt && line.start < resumedAt);
    const firstTakeover = takeovers.sort((a, b) => a.start - b.start)[0];
    const frozenEnd = set.linesOf('run').find((line) => line.runId === frozenRun.runId);
    const frozenRow = rows.find((row) => row.id === frozenRun.runId);
    const report = checkSchedule(set, rows, resumedAt + PERIOD_MS, to - PERIOD_MS);
    const takeoverGap = firstTakeover === undefined ? Number.POSITIVE_INFINITY : firstTakeover.start - frozenRun.start;
    console.log(
      `[replicas] frozen replica: SIGSTOP ${resumedAt - frozenAt} ms (lease TTL ${TTL_MS} ms); first takeover ${takeoverGap} ms after the frozen run began, ` +
        `${takeovers.length} ticks run by others while frozen; on SIGCONT it ended its run as ${JSON.stringify(frozenEnd?.aborted?.split(':')[0])} ` +
        `${frozenEnd === undefined ? '' : `${frozenEnd.end - resumedAt} ms after resuming`}; stored status of that run: ${frozenRow?.status}`,
    );

    // Another replica took over once the lease lapsed.
    expect(firstTakeover, 'another replica ran a tick while one was frozen').toBeDefined();
    expect(takeoverGap).toBeLessThanOrEqual(TTL_MS + PERIOD_MS + SLACK_MS);
    // The frozen one noticed (its execution's signal aborted with LeaseLostError) ...
    expect(frozenEnd?.aborted).toMatch(/^LeaseLostError/);
    // ... and its run is not recorded as a success.
    expect(frozenRow?.status).toBe('interrupted');
    expect(frozenRow?.owner).toBe(frozen.owner);
    // It was not restarted and takes part again: the store answered its claims after SIGCONT.
    expect(frozen.lines.some((line) => line.type === 'claim' && line.at > resumedAt && line.result !== 'error')).toBe(true);
    // At most once per tick, one execution at a time (the interrupted one aside), nothing missed after it resumed.
    expect(report.duplicates).toEqual([]);
    expect(report.duplicateRows).toEqual([]);
    expect(report.overlaps).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(rows.filter((row) => row.status === 'ok').map((row) => row.id)).not.toContain(frozenRun.runId);
  });
});

describe.concurrent('outage catch-up across replicas, judged from the stored high-water mark', () => {
  /**
   * Two replicas run the job, then all stop; after the outage a third replica (a new process,
   * which never ran the job) starts alone. Returns the rows after the mark stored at the
   * outage, in tick order, and the new replica's executions.
   */
  async function outage(options: ReplicaOptions): Promise<{ mark: number; after: StoredRun[]; reasons: Map<number, string>; owner: string }> {
    const schema = randomSchemaName('rep_catch');
    const set = new ReplicaSet(url, schema);
    try {
      for (const name of ['a', 'b']) set.start(name, options);
      await Promise.all(set.live.map((replica) => replica.ready(60_000)));
      await sleep(3 * PERIOD_MS);
      await set.stopAll();
      const mark = await readMark(url, schema, 'tick');
      if (mark === null) throw new Error('no mark stored before the outage');
      await sleep(5 * PERIOD_MS);
      const back = set.start('c', options);
      await back.ready(60_000);
      // Until it has run three ticks on time after the catch-up.
      await back.waitFor((lines) => lines.filter((line) => line.type === 'run' && line.reason === 'schedule').length >= 3, 20_000, 'three on-time runs');
      await set.stopAll();
      const rows = await readRuns(url, schema, 'tick');
      const after = rows.filter((row) => row.tick !== null && row.tick > mark).sort((a, b) => (a.tick as number) - (b.tick as number));
      const reasons = new Map(back.lines.flatMap((line) => (line.type === 'run' ? [[line.tick, line.reason] as const] : [])));
      return { mark, after, reasons, owner: back.owner as string };
    } finally {
      await set.killAll();
      await dropSchema(url, schema);
    }
  }

  /** Every tick after the mark has exactly one row, without a gap. */
  function expectContiguous(mark: number, after: readonly StoredRun[]): void {
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((row) => row.tick)).toEqual(after.map((_, i) => mark + (i + 1) * PERIOD_MS));
  }

  /** The statuses as runs: e.g. `missed x6, ok x5`. */
  function summary(after: readonly StoredRun[]): string {
    const parts: string[] = [];
    let previous = '';
    let count = 0;
    for (const row of after) {
      if (row.status === previous) count++;
      else {
        if (count > 0) parts.push(`${previous} x${count}`);
        previous = row.status;
        count = 1;
      }
    }
    if (count > 0) parts.push(`${previous} x${count}`);
    return parts.join(', ');
  }

  it("'once': one catch-up run for the newest missed tick, the others recorded missed", { timeout: 120_000 }, async () => {
    const { mark, after, reasons, owner } = await outage({ misfire: 'once' });
    console.log(`[replicas] catch-up 'once' after the mark ${new Date(mark).toISOString()}: ${summary(after)} (first run: ${reasons.get(after.find((row) => row.status === 'ok')?.tick ?? 0)})`);
    expectContiguous(mark, after);
    const firstRun = after.findIndex((row) => row.status !== 'missed');
    expect(firstRun, 'several ticks were missed during the outage').toBeGreaterThanOrEqual(4);
    expect(after.slice(0, firstRun).every((row) => row.status === 'missed' && row.owner === owner)).toBe(true);
    expect(after.slice(firstRun).every((row) => row.status === 'ok')).toBe(true);
    expect(reasons.get(after[firstRun]?.tick as number)).toBe('catch-up');
    // Only the one: the next tick is on time again (or at worst late once more, never a backlog).
    const catchUps = after.filter((row) => reasons.get(row.tick as number) === 'catch-up').length;
    expect(catchUps).toBeLessThanOrEqual(2);
  });

  it("'all' with maxCatchUp 3: the newest 3 missed ticks run in order, older ones missed", { timeout: 120_000 }, async () => {
    const { mark, after, reasons, owner } = await outage({ misfire: 'all', maxCatchUp: 3 });
    console.log(`[replicas] catch-up 'all' (cap 3) after the mark ${new Date(mark).toISOString()}: ${summary(after)} (reasons of the first runs: ${after.filter((row) => row.status === 'ok').slice(0, 4).map((row) => reasons.get(row.tick as number)).join(', ')})`);
    expectContiguous(mark, after);
    const firstRun = after.findIndex((row) => row.status !== 'missed');
    expect(firstRun, 'more ticks were missed than the cap').toBeGreaterThanOrEqual(1);
    expect(after.slice(0, firstRun).every((row) => row.status === 'missed' && row.owner === owner)).toBe(true);
    expect(after.slice(firstRun).every((row) => row.status === 'ok')).toBe(true);
    // The capped catch-up: three runs of consecutive ticks, oldest first, right after the missed ones.
    expect(after.slice(firstRun, firstRun + 3).map((row) => reasons.get(row.tick as number))).toEqual(['catch-up', 'catch-up', 'catch-up']);
    expect(firstRun + 3, 'ticks due at the restart, in all').toBeGreaterThanOrEqual(6);
  });

  it("'skip': no catch-up, the missed ticks recorded skipped, then on time", { timeout: 120_000 }, async () => {
    const { mark, after, reasons, owner } = await outage({ misfire: 'skip' });
    console.log(`[replicas] catch-up 'skip' after the mark ${new Date(mark).toISOString()}: ${summary(after)}`);
    expectContiguous(mark, after);
    const firstRun = after.findIndex((row) => row.status !== 'skipped');
    expect(firstRun, 'several ticks were skipped during the outage').toBeGreaterThanOrEqual(5);
    expect(after.slice(0, firstRun).every((row) => row.status === 'skipped' && row.owner === owner)).toBe(true);
    expect(after.slice(firstRun).every((row) => row.status === 'ok' && reasons.get(row.tick as number) === 'schedule')).toBe(true);
    expect(after.some((row) => row.status === 'missed')).toBe(false);
  });
});
