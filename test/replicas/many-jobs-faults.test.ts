/**
 * The replica fault tests at full batch size: three real runner processes share one PostgreSQL
 * (the shared test cluster) and 200 jobs on `* * * * * *`, so every claim, finish, lease
 * renewal, acquisition and release goes to the store in batches of up to 200 items. Meanwhile
 * one replica is SIGKILLed and restarted, one is frozen (SIGSTOP) longer than its lease, one is
 * frozen briefly (within its lease) and later SIGKILLed and restarted.
 *
 * Checked from the replicas' lines and the runs table: no (job, tick) executed twice, no two
 * executions of one job at once (except the execution a replica was frozen in, which must end
 * with its lease lost and not be recorded as a success), no claim a frozen replica held past its
 * lease executed after it thawed (issue 12), and exactly one row per tick of every job.
 *
 * Figures are printed with `console.log` (prefix `[replicas]`) so they can be quoted.
 */
import { describe, expect, inject, it } from 'vitest';
import { checkSchedule, LEASE_TTL_S, overlapping, PERIOD_MS, readRuns, replicaSetPerTest, sleep, ticksBetween } from './replica-harness.js';
import type { BeginLine, ClaimLine, Received, ReplicaOptions, ReplicaProcess, ReplicaSet } from './replica-harness.js';

const url = inject('postgresUrl');
const TTL_MS = LEASE_TTL_S * 1000;
const JOBS = 200;
/**
 * 500 ms executions (sleeps in 50 ms steps, little CPU), and claims sent 0.6 s ahead of their
 * tick: from 0.4 s after a tick a replica is both in executions and holding claims for the next
 * tick, so a fault hits both, not only idle time.
 */
const OPTIONS: ReplicaOptions = { jobs: JOBS, workMs: 500, claimAhead: 0.6, traceBatches: true };
/** How long before its tick a claim must be won for the long freeze to count it as held (ms). */
const HELD_MS = 250;
/** How long after a replica began an execution (or won a claim ahead) a fault hits it (ms), within the 500 ms of its executions. */
const SETTLE_MS = 150;

/** A fault the test injected, and when. */
interface Fault {
  readonly kind: 'kill' | 'freeze' | 'short freeze';
  readonly replica: ReplicaProcess;
  readonly at: number;
  /** When the process was resumed (SIGCONT), for freezes. */
  readonly until: number;
}

/** One execution: its begin line and when it ended (its `run` line, or the SIGKILL). */
interface Execution {
  readonly begin: Received<BeginLine>;
  readonly start: number;
  readonly end: number;
  /** The abort reason, `null` for a success, `'killed'` when its process was killed in it. */
  readonly aborted: string | null;
}

/** Every execution, per job, from the begin and run lines; a begin without a run ended at its process's kill. */
function executionsPerJob(set: ReplicaSet, faults: readonly Fault[]): Map<string, Execution[]> {
  const ends = new Map(set.linesOf('run').map((line) => [`${line.owner}/${line.runId}`, line]));
  const perJob = new Map<string, Execution[]>();
  for (const begin of set.linesOf('begin')) {
    const run = ends.get(`${begin.owner}/${begin.runId}`);
    const kill = faults.find((fault) => fault.kind === 'kill' && fault.replica.owner === begin.owner);
    const end = run?.end ?? kill?.at ?? Number.POSITIVE_INFINITY;
    const execution = { begin, start: begin.start, end, aborted: run === undefined ? 'killed' : run.aborted };
    perJob.set(begin.job, [...(perJob.get(begin.job) ?? []), execution]);
  }
  return perJob;
}

/** How many of each string. */
function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** How executions ended after `resumedAt`: per abort reason (or `ok`), how many and how long after it. */
function endings(executions: readonly Execution[], resumedAt: number): string {
  const groups = new Map<string, number[]>();
  for (const run of executions) {
    const how = run.aborted === null ? 'ended normally' : run.aborted.replace(/^(\w+): Job "[^"]*": /, '$1: ');
    groups.set(how, [...(groups.get(how) ?? []), run.end - resumedAt]);
  }
  if (groups.size === 0) return 'none';
  return [...groups].map(([how, after]) => `${after.length} ${how} ${Math.min(...after)}-${Math.max(...after)} ms after the thaw`).join(', ');
}

/** The largest and the mean number of items per call of each batched store operation. */
function batchSizes(set: ReplicaSet): string {
  const perOp = new Map<string, number[]>();
  for (const line of set.linesOf('batch')) perOp.set(line.op, [...(perOp.get(line.op) ?? []), line.items]);
  return [...perOp]
    .map(([op, items]) => `${op} ${items.length} calls, max ${Math.max(...items)}, mean ${(items.reduce((sum, n) => sum + n, 0) / items.length).toFixed(1)}`)
    .join('; ');
}

describe('three replicas, 200 jobs, under faults (real processes, real PostgreSQL)', () => {
  const replicaSet = replicaSetPerTest(url);

  it('never runs a (job, tick) twice or one job twice at once, and records every tick once', { timeout: 120_000 }, async () => {
    const set = replicaSet('rep_many');
    const names = ['a', 'b', 'c'];
    const byName = new Map(names.map((name) => [name, set.start(name, OPTIONS)]));
    await Promise.all(set.live.map((replica) => replica.ready(60_000)));
    await sleep(2 * PERIOD_MS);

    const faults: Fault[] = [];
    const replica = (name: string): ReplicaProcess => byName.get(name) as ReplicaProcess;
    /**
     * The first of the `candidates` to begin an execution or, with `orHolding`, to win a claim
     * well ahead of its tick, to hit it mid-execution or holding claims (which replica holds
     * which jobs is up to the race of their claims), {@link SETTLE_MS} later so that it is in
     * several. If none does within a few seconds (a loaded machine), the first candidate.
     */
    const busy = async (candidates: readonly string[], orHolding: boolean): Promise<ReplicaProcess> => {
      const owners = new Set(candidates.map((name) => replica(name).owner));
      const hit = (line: Received): line is Received<BeginLine | ClaimLine> =>
        (line.type === 'begin' && owners.has(line.owner)) ||
        (orHolding && line.type === 'claim' && owners.has(line.owner) && line.result === 'won' && line.tick - line.at >= HELD_MS);
      const line = await set.nextLine(hit, 5_000).catch(() => null);
      if (line !== null) await sleep(SETTLE_MS);
      return set.byOwner(line?.owner ?? '') ?? replica(candidates[0] as string);
    };
    const kill = async (candidates: readonly string[]): Promise<string> => {
      const victim = await busy(candidates, false);
      victim.signal('SIGKILL');
      const at = Date.now();
      await victim.exited;
      faults.push({ kind: 'kill', replica: victim, at, until: at });
      byName.set(victim.name, set.start(victim.name, OPTIONS)); // a new process (new owner id), as a supervisor would restart it
      return victim.name;
    };
    const freeze = async (candidates: readonly string[], kind: Fault['kind'], ms: number): Promise<string> => {
      const victim = await busy(candidates, kind === 'freeze');
      victim.signal('SIGSTOP');
      const at = Date.now();
      await sleep(ms);
      victim.signal('SIGCONT');
      faults.push({ kind, replica: victim, at, until: Date.now() });
      return victim.name;
    };

    // One replica killed, another frozen past its lease, the third frozen briefly then killed.
    const from = Date.now();
    await sleep(1_000);
    const killed = await kill(names);
    await sleep(3_000);
    const frozenName = await freeze(names.filter((name) => name !== killed), 'freeze', TTL_MS + 2_500);
    await sleep(3_000);
    const third = names.filter((name) => name !== killed && name !== frozenName);
    await freeze(third, 'short freeze', 1_000);
    await sleep(3_000);
    await kill(third);
    await Promise.all(set.live.map((live) => live.ready(60_000)));
    await sleep(TTL_MS + 2 * PERIOD_MS);
    const to = Date.now();
    await set.stopAll();

    const rows = await readRuns(url, set.schema, null);
    const executions = executionsPerJob(set, faults);
    const frozen = faults.find((fault) => fault.kind === 'freeze') as Fault;
    const frozenOwner = frozen.replica.owner as string;
    // The executions the long freeze cut: begun before the thaw, ended after it. (Begun before
    // the thaw means before the stop took effect, which can be a little after the parent's `at`.)
    const cutByFreeze = [...executions.values()].flat().filter((run) => run.begin.owner === frozenOwner && run.start < frozen.until && run.end >= frozen.until);
    const window = ticksBetween(from + PERIOD_MS, to - PERIOD_MS);
    const duplicates: string[] = [];
    const overlaps: string[] = [];
    const rowless: string[] = [];
    const severalRows: string[] = [];
    let ticksChecked = 0;
    for (let index = 0; index < JOBS; index++) {
      const job = `tick-${index}`;
      const report = checkSchedule(set, rows, from + PERIOD_MS, to - PERIOD_MS, job);
      duplicates.push(...report.duplicates.map((tick) => `${job}@${tick}`));
      const counted = (executions.get(job) ?? []).filter((run) => !cutByFreeze.includes(run));
      overlaps.push(...overlapping(counted).map(([first, second]) => `${job}: ${first.begin.tick} by ${first.begin.replica} (${first.aborted}) and ${second.begin.tick} by ${second.begin.replica}`));
      // Up to the newest tick claimed (the stored mark): a loaded replica may not have claimed the last ticks before the stop.
      const ticks = new Set(rows.filter((row) => row.job === job).map((row) => row.tick));
      const newest = Math.max(...[...ticks].map((tick) => tick ?? 0));
      const checked = window.filter((tick) => tick <= newest);
      ticksChecked += checked.length;
      rowless.push(...checked.filter((tick) => !ticks.has(tick)).map((tick) => `${job}@${tick}`));
      severalRows.push(...report.duplicateRows.map((tick) => `${job}@${tick}`));
    }
    // Issue 12: a tick the frozen replica had claimed (ahead) before the freeze and not begun
    // lost its lease during the freeze, so it must not begin after the thaw.
    const claimedBeforeFreeze = new Set(
      set.linesOf('claim').filter((line) => line.owner === frozenOwner && line.result === 'won' && line.at < frozen.at).map((line) => line.runId),
    );
    const heldAtFreeze = set.linesOf('claim').filter((line) => line.owner === frozenOwner && line.result === 'won' && line.at < frozen.at && line.tick > frozen.at);
    const heldAndRun = set.linesOf('begin').filter((line) => line.owner === frozenOwner && line.start >= frozen.until && claimedBeforeFreeze.has(line.runId ?? ''));
    const statuses = countBy(rows.filter((row) => row.tick !== null && row.tick >= (window[0] ?? 0) && row.tick <= (window.at(-1) ?? 0)).map((row) => row.status));
    const rowsById = new Map(rows.map((row) => [row.id, row]));
    const begins = set.linesOf('begin');
    const perReplica = new Map<string, number>();
    for (const line of begins) perReplica.set(line.replica, (perReplica.get(line.replica) ?? 0) + 1);
    console.log(
      `[replicas] ${JOBS} jobs, 3 replicas, ${((to - from) / 1000).toFixed(1)} s with ${faults.map((fault) => `${fault.kind} ${fault.replica.name} ${fault.until - fault.at} ms`).join(', ')}: ` +
        `${begins.length} executions (${begins.filter((line) => line.start >= from && line.start <= to).length} in the window; per replica ${JSON.stringify(Object.fromEntries(perReplica))}), ${duplicates.length} duplicates, ${overlaps.length} overlapping executions, ` +
        `${cutByFreeze.length} executions cut by the long freeze (${endings(cutByFreeze, frozen.until)}; stored ${JSON.stringify(countBy(cutByFreeze.map((run) => rowsById.get(run.begin.runId ?? '')?.status ?? 'no row')))}), ` +
        `${heldAtFreeze.length} claims held at the freeze, ${heldAndRun.length} of them run after the thaw; ${ticksChecked} (job, tick) pairs checked (${window.length} ticks x ${JOBS} jobs in the window): rows ${JSON.stringify(statuses)}, ` +
        `${rowless.length} without a row, ${severalRows.length} with several; batches: ${batchSizes(set)}`,
    );

    expect(faults.map((fault) => fault.kind)).toEqual(['kill', 'freeze', 'short freeze', 'kill']);
    expect(window.length).toBeGreaterThanOrEqual(20);
    expect(duplicates).toEqual([]);
    expect(overlaps).toEqual([]);
    expect(heldAndRun.map((line) => `${line.job}@${line.tick}`)).toEqual([]);
    expect(rowless).toEqual([]);
    expect(severalRows).toEqual([]);
    // The executions the freeze cut are not recorded as successes.
    for (const run of cutByFreeze) expect(rowsById.get(run.begin.runId ?? '')?.status, `${run.begin.job}@${run.begin.tick} cut by the freeze`).toBe('interrupted');
    // Every success stored is an execution that ended without an abort, by the row's owner.
    const succeeded = new Set(set.linesOf('run').filter((line) => line.aborted === null).map((line) => `${line.owner}/${line.runId}`));
    const unbacked = rows.filter((row) => row.status === 'ok' && !succeeded.has(`${row.owner}/${row.id}`));
    expect(unbacked.map((row) => `${row.job}@${row.tick}`)).toEqual([]);
    // The batches were full size: one claimRuns call carried (nearly) every job.
    const claimBatches = set.linesOf('batch').filter((line) => line.op === 'claimRuns');
    expect(Math.max(...claimBatches.map((line) => line.items))).toBeGreaterThanOrEqual(JOBS / 2);
  });
});
