/**
 * Many replicas, one schedule: three real runner processes share one PostgreSQL (the shared
 * test cluster) and one job on `* * * * * *`. Every tick must run exactly once, never two
 * executions at once, also while replicas are SIGKILLed and restarted.
 *
 * Figures are printed with `console.log` (prefix `[replicas]`) so they can be quoted.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { dropSchema, randomSchemaName } from '../helpers/postgres-cluster.js';
import {
  checkSchedule,
  LEASE_TTL_S,
  PERIOD_MS,
  POLL_S,
  readRuns,
  ReplicaSet,
  sleep,
  type BeginLine,
  type ReplicaProcess,
  type Received,
} from './replica-harness.js';

const url = inject('postgresUrl');
const TTL_MS = LEASE_TTL_S * 1000;
const POLL_MS = POLL_S * 1000;
/**
 * After a lease lapses, a cron job is next claimed at its next tick: replicas try each tick
 * when it is due (and again every poll only after a store failure), so failover of a cron job
 * takes at most the lease TTL plus one attempt period, max(poll, schedule period).
 */
const FAILOVER_BOUND_MS = TTL_MS + Math.max(POLL_MS, PERIOD_MS);
/** Scheduling slack on a loaded 2-core machine (a restarting replica competes for the CPU). */
const SLACK_MS = 500;

describe.sequential('three replicas, one schedule (real processes, real PostgreSQL)', () => {
  let set: ReplicaSet | undefined;
  let schema = '';

  afterEach(async () => {
    await set?.killAll();
    set = undefined;
    if (schema !== '') await dropSchema(url, schema);
  });

  it('runs every tick of 30 s exactly once, never two executions at once', { timeout: 120_000 }, async () => {
    schema = randomSchemaName('rep_once');
    set = new ReplicaSet(url, schema);
    const replicas = ['a', 'b', 'c'].map((name) => (set as ReplicaSet).start(name));
    await Promise.all(replicas.map((replica) => replica.ready(60_000)));

    const from = Date.now();
    await sleep(31_000);
    const to = Date.now();
    await set.stopAll();
    expect(replicas.map((replica) => replica.ended)).toEqual([true, true, true]);

    const rows = await readRuns(url, schema, 'tick');
    // The first and last second may be partial (a tick claimed before `from`, or cut by the stop).
    const report = checkSchedule(set, rows, from + PERIOD_MS, to - PERIOD_MS);
    console.log(
      `[replicas] exactly once: ${report.ticksChecked} ticks checked over ${((to - from) / 1000).toFixed(1)} s, ` +
        `${report.duplicates.length} duplicates, ${report.missing.length} missing, ${report.overlaps.length} overlapping executions, ` +
        `runs per replica ${JSON.stringify(report.perReplica)}`,
    );
    expect(report.ticksChecked).toBeGreaterThanOrEqual(29);
    expect(report.duplicates).toEqual([]);
    expect(report.duplicateRows).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.overlaps).toEqual([]);
    expect(Object.keys(report.perReplica).length, 'more than one replica took ticks').toBeGreaterThan(1);

    // Cross-check every execution with its row: same id, tick and owner, recorded ok.
    const rowsById = new Map(rows.map((row) => [row.id, row]));
    const finished = set.linesOf('run').filter((line) => line.aborted === null);
    for (const line of finished) {
      const row = rowsById.get(line.runId ?? '');
      expect(row, `run ${line.runId} of tick ${line.tick}`).toBeDefined();
      expect(row).toMatchObject({ tick: line.tick, owner: line.owner, status: 'ok' });
    }
    // And every row is a finished execution, except an execution the graceful stop cut: the
    // stop aborts the signal, the fixture honours it, and that run is recorded `interrupted`.
    const cutByStop = set.linesOf('run').filter((line) => line.aborted?.includes('stop requested') === true);
    expect(cutByStop.length, 'at most one execution per replica is cut by the stop').toBeLessThanOrEqual(3);
    for (const line of cutByStop) {
      expect(line.end).toBeGreaterThanOrEqual(to);
      expect(rowsById.get(line.runId ?? '')).toMatchObject({ tick: line.tick, owner: line.owner, status: 'interrupted' });
    }
    // A tick claimed ahead (`claimAhead`) and not yet due when the stop came is handed back
    // unexecuted: `interrupted`, with no execution line, for a tick after the stop began.
    const cutIds = new Set(cutByStop.map((line) => line.runId));
    const handedBack = rows.filter((row) => row.status === 'interrupted' && !cutIds.has(row.id));
    expect(handedBack.length, 'at most one held tick per replica is handed back').toBeLessThanOrEqual(3);
    for (const row of handedBack) {
      expect(row.error).toContain('stopped before the execution started');
      expect(row.tick).toBeGreaterThanOrEqual(to);
      expect(row.ended).toBe(row.started);
    }
    const runRows = rows.filter((row) => row.status !== 'missed' && row.status !== 'skipped');
    expect(runRows.filter((row) => row.status !== 'ok').map((row) => row.id).sort()).toEqual([...cutIds, ...handedBack.map((row) => row.id)].sort());
    expect(runRows.length).toBe(finished.length + cutByStop.length + handedBack.length);
    // Stored intervals do not overlap either.
    const stored = [...runRows].sort((a, b) => (a.started as number) - (b.started as number));
    for (let i = 1; i < stored.length; i++) expect(stored[i]?.started as number).toBeGreaterThanOrEqual(stored[i - 1]?.ended as number);
  });

  it('runs each tick at most once while a replica is SIGKILLed every few seconds and restarted', { timeout: 150_000 }, async () => {
    schema = randomSchemaName('rep_kill');
    set = new ReplicaSet(url, schema);
    for (const name of ['a', 'b', 'c']) set.start(name);
    await Promise.all(set.live.map((replica) => replica.ready(60_000)));

    interface Kill {
      readonly replica: string;
      readonly owner: string;
      /** The execution it was in, for kills aimed at a running execution. */
      readonly during: Received<BeginLine> | null;
      readonly killedAt: number;
    }
    const kills: Kill[] = [];
    const from = Date.now();
    while (Date.now() - from < 30_000) {
      // Alternate: kill the replica that just began an execution (it holds the lease), or a
      // replica at a random moment (usually idle).
      let victim: ReplicaProcess | undefined;
      let during: Received<BeginLine> | null = null;
      if (kills.length % 2 === 0) {
        during = await set.nextLine((line): line is Received<BeginLine> => line.type === 'begin', 10_000);
        victim = set.byOwner(during.owner);
      } else {
        await sleep(200 + Math.random() * 800);
        const candidates = set.live.filter((replica) => replica.owner !== undefined);
        victim = candidates[Math.floor(Math.random() * candidates.length)];
      }
      if (victim === undefined || victim.ended) continue;
      const owner = victim.owner as string;
      victim.signal('SIGKILL');
      const killedAt = Date.now();
      await victim.exited;
      kills.push({ replica: victim.name, owner, during, killedAt });
      set.start(victim.name); // a new process (new owner id), as a supervisor would restart it
      await sleep(TTL_MS + 2 * PERIOD_MS);
    }
    await Promise.all(set.live.map((replica) => replica.ready(60_000)));
    await sleep(2 * PERIOD_MS);
    const to = Date.now();
    await set.stopAll();

    const rows = await readRuns(url, schema, 'tick');
    const report = checkSchedule(set, rows, from + PERIOD_MS, to - PERIOD_MS);
    const begins = set.linesOf('begin');
    const gaps = kills.map((kill) => {
      const next = begins.filter((line) => line.start > kill.killedAt).sort((a, b) => a.start - b.start)[0];
      return { ...kill, gap: next === undefined ? Number.POSITIVE_INFINITY : next.start - kill.killedAt, next };
    });
    const during = gaps.filter((kill) => kill.during !== null);
    const rowTicks = new Set(rows.map((row) => row.tick));
    const unrecorded = report.missing.filter((tick) => !rowTicks.has(tick));
    const longest = Math.max(...gaps.map((kill) => kill.gap));
    const longestDuring = Math.max(...during.map((kill) => kill.gap));
    console.log(
      `[replicas] SIGKILL churn: ${kills.length} kills (${during.length} during an execution) over ${((to - from) / 1000).toFixed(1)} s, ` +
        `${report.ticksChecked} ticks checked, ${report.duplicates.length} duplicates, ${report.overlaps.length} overlapping executions, ` +
        `${report.missing.length} ticks not run (all inside a dead replica's lease; ${unrecorded.length} of them without any row, not even missed); gaps after kills ${gaps.map((kill) => kill.gap).join(', ')} ms; ` +
        `longest ${longest} ms (during an execution: ${longestDuring} ms) with lease TTL ${TTL_MS} ms, poll ${POLL_MS} ms, ` +
        `schedule period ${PERIOD_MS} ms: bound TTL + max(poll, period) = ${FAILOVER_BOUND_MS} ms`,
    );

    expect(kills.length).toBeGreaterThanOrEqual(4);
    expect(report.duplicates).toEqual([]);
    expect(report.duplicateRows).toEqual([]);
    expect(report.overlaps).toEqual([]);
    for (const kill of gaps) expect(kill.gap, `gap after killing ${kill.replica} at ${kill.killedAt}`).toBeLessThanOrEqual(FAILOVER_BOUND_MS + SLACK_MS);
    // A tick can go unrun only while a killed replica's lease is still live.
    for (const tick of report.missing) {
      const explained = kills.some((kill) => tick >= kill.killedAt - PERIOD_MS && tick <= kill.killedAt + TTL_MS + PERIOD_MS + SLACK_MS);
      expect(explained, `tick ${tick} not run and not within a killed replica's lease`).toBe(true);
    }
    // The execution a replica died in never counts as a success: the takeover interrupted it.
    const rowsById = new Map(rows.map((row) => [row.id, row]));
    for (const kill of during) {
      expect(rowsById.get(kill.during?.runId ?? '')?.status, `run of tick ${kill.during?.tick} killed mid-execution`).toBe('interrupted');
    }
    // Every restarted replica took part again: it started and the store answered its claims.
    const killedPids = new Set(kills.map((kill) => set?.byOwner(kill.owner)?.pid));
    const survivors = set.processes.filter((replica) => !killedPids.has(replica.pid));
    expect(survivors.length).toBe(3);
    for (const replica of survivors) {
      expect(replica.lines.some((line) => line.type === 'claim' && line.result !== 'error'), `replica ${replica.name} (pid ${replica.pid}) claims`).toBe(true);
      expect(await replica.exited, `replica ${replica.name} stopped gracefully`).toBe(0);
    }
  });
});
