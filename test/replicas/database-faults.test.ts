/**
 * Replicas through database trouble, with real processes and a real PostgreSQL:
 *
 * - each replica reaches the shared cluster through its own fault proxy, which drops
 *   connections, refuses new ones for a while and fails claims and finishes after the server
 *   committed them: still at most once per tick, and nothing recorded is lost;
 * - PostgreSQL itself restarted (a dedicated cluster) in the middle of a run: the replicas
 *   recover without being restarted, and the ticks continue;
 * - the lease holder cut off by a silent partition: it aborts its execution before another
 *   replica can take over.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { bindSchema } from '../../src/store/postgres/migrations.js';
import { quoteSchemaName } from '../../src/store/postgres/schema-name.js';
import { CLAIM_RUN_SQL, CLAIM_RUNS_SQL, FINISH_RUN_SQL, FINISH_RUNS_SQL, RELEASE_LEASE_SQL, RELEASE_LEASES_SQL } from '../../src/store/postgres/statements.js';
import { dropSchema, randomSchemaName, startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { checkSchedule, LEASE_TTL_S, PERIOD_MS, readRuns, ReplicaSet, sleep, type BeginLine, type Received, type StoredRun } from './replica-harness.js';

const url = inject('postgresUrl');
/** How long PostgreSQL stays down in the restart test. */
const OUTAGE_MS = 2_000;

/** Rows of `rows` by id. */
function byId(rows: readonly StoredRun[]): Map<string, StoredRun> {
  return new Map(rows.map((row) => [row.id, row]));
}

describe.sequential('replicas through database trouble', () => {
  let set: ReplicaSet | undefined;
  let schema = '';
  const proxies: TcpProxy[] = [];
  let cluster: PostgresCluster | undefined;

  afterEach(async () => {
    await set?.killAll();
    set = undefined;
    for (const proxy of proxies.splice(0)) await proxy.close();
    if (schema !== '' && cluster === undefined) await dropSchema(url, schema);
    schema = '';
    await cluster?.stop();
    cluster = undefined;
  });

  it('at most once per tick and nothing recorded lost, through dropped connections, refused connections and commits whose reply is lost', { timeout: 150_000 }, async () => {
    schema = randomSchemaName('rep_proxy');
    const target = new URL(url);
    const sql = (text: string): string => bindSchema(text, quoteSchemaName(schema));
    // The runner sends claims, finishes and releases in batches; a re-sent claim in doubt goes alone.
    const isClaim = (text: string): boolean => text === sql(CLAIM_RUN_SQL) || text === sql(CLAIM_RUNS_SQL);
    const isFinish = (text: string): boolean => text === sql(FINISH_RUN_SQL) || text === sql(FINISH_RUNS_SQL);
    const isRelease = (text: string): boolean => text === sql(RELEASE_LEASE_SQL) || text === sql(RELEASE_LEASES_SQL);
    set = new ReplicaSet(url, schema);
    for (const name of ['a', 'b', 'c']) {
      const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
      proxies.push(proxy);
      set.start(name, { url: proxy.urlFor(url) });
    }
    await Promise.all(set.live.map((replica) => replica.ready(60_000)));

    // Faults, one every 1.5 s for 24 s, then 4 s of calm before the graceful stop.
    const pick = (): TcpProxy => proxies[Math.floor(Math.random() * proxies.length)] as TcpProxy;
    const faults: Array<[string, () => void]> = [
      ['claim reply lost after commit (every replica)', () => proxies.forEach((proxy) => proxy.failAfterCommit(isClaim))],
      ['all connections of one replica dropped', () => pick().dropAll()],
      ['finish reply lost after commit (every replica)', () => proxies.forEach((proxy) => proxy.failAfterCommit(isFinish))],
      ['one replica refused for 1.5 s and dropped', () => {
        const proxy = pick();
        proxy.refuse(1_500);
        proxy.dropAll();
      }],
      ['release reply lost after commit (every replica)', () => proxies.forEach((proxy) => proxy.failAfterCommit(isRelease))],
      ['all connections of every replica dropped', () => proxies.forEach((proxy) => proxy.dropAll())],
      // On a fresh connection the store does not re-send: the claim rejects, its outcome
      // unknown, and the runner resolves it by claiming again with `retry`.
      ['connections dropped, then the claim reply lost after commit on a fresh connection (every replica)', () => {
        for (const proxy of proxies) {
          proxy.dropAll();
          proxy.failAfterCommit(isClaim);
        }
      }],
    ];
    const injected = new Map<string, number>();
    const from = Date.now();
    for (let step = 0; Date.now() - from < 24_000; step++) {
      const [name, apply] = faults[step % faults.length] as [string, () => void];
      apply();
      injected.set(name, (injected.get(name) ?? 0) + 1);
      await sleep(1_500);
    }
    await sleep(4_000);
    const to = Date.now();
    const exitCodes = await Promise.all(set.processes.map((replica) => replica.stop()));

    const rows = await readRuns(url, schema, 'tick');
    const rowsById = byId(rows);
    const report = checkSchedule(set, rows, from + PERIOD_MS, to - PERIOD_MS);
    const failed = proxies.flatMap((proxy) => proxy.stats.failedAfterCommit);
    const committedClaims = failed.filter((event) => isClaim(event.sql) && event.rows >= 1);
    const finishedLines = set.linesOf('run');
    const wonClaims = set.linesOf('claim').filter((line) => line.result === 'won');
    const claimErrors = set.linesOf('claim').filter((line) => line.result === 'error');
    const resolvedByRetry = wonClaims.filter((line) => line.retry);
    const statuses = new Map<string, number>();
    for (const row of rows) statuses.set(row.status, (statuses.get(row.status) ?? 0) + 1);
    const stats = proxies.map((proxy) => proxy.stats);
    const begun = new Set(set.linesOf('begin').map((line) => line.runId));
    const finishedButInterrupted = finishedLines.filter((line) => line.aborted === null && rowsById.get(line.runId ?? '')?.status === 'interrupted');
    const neverExecuted = rows.filter((row) => row.status !== 'missed' && row.status !== 'skipped' && !begun.has(row.id));
    console.log(
      `[replicas] proxy faults: ${[...injected].map(([name, count]) => `${name} x${count}`).join('; ')}; ` +
        `connections dropped ${stats.reduce((sum, s) => sum + s.dropped, 0)}, refused ${stats.reduce((sum, s) => sum + s.refused, 0)}, ` +
        `replies lost after commit ${failed.length} (claims that had claimed: ${committedClaims.length}, finishes: ${failed.filter((event) => isFinish(event.sql)).length}, releases: ${failed.filter((event) => isRelease(event.sql)).length}); ` +
        `claim errors seen by replicas ${claimErrors.length}, claims in doubt resolved by a retry that found them committed ${resolvedByRetry.length}; ${report.ticksChecked} ticks checked, ${report.ticksChecked - report.missing.length} run, ` +
        `${report.duplicates.length} duplicates, ${report.overlaps.length} overlapping executions; rows by status ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `finished executions stored interrupted ${finishedButInterrupted.length}, claimed rows never executed ${neverExecuted.length} (${neverExecuted.map((row) => `${row.tick}:${row.status}`).join(' ')})`,
    );

    // The faults really happened.
    expect(committedClaims.length, 'some claims committed and their reply was lost').toBeGreaterThan(0);
    expect(resolvedByRetry.length, 'a claim in doubt was resolved by re-reading').toBeGreaterThan(0);
    expect(failed.filter((event) => isFinish(event.sql) && !event.error).length).toBeGreaterThan(0);
    expect(stats.reduce((sum, s) => sum + s.dropped, 0)).toBeGreaterThan(0);
    expect(stats.reduce((sum, s) => sum + s.refused, 0)).toBeGreaterThan(0);
    // No replica crashed: each stopped gracefully when asked.
    expect(exitCodes).toEqual([0, 0, 0]);
    // At most once per tick, one execution at a time.
    expect(report.duplicates).toEqual([]);
    expect(report.duplicateRows).toEqual([]);
    expect(report.overlaps).toEqual([]);
    // Nothing recorded is lost: every claim a replica was told it won is a row, and every
    // execution a replica finished is recorded ok (or, at worst, interrupted), never missing.
    for (const claim of wonClaims) expect(rowsById.get(claim.runId ?? ''), `claimed run ${claim.runId}`).toMatchObject({ tick: claim.tick, owner: claim.owner });
    for (const line of finishedLines) {
      const row = rowsById.get(line.runId ?? '');
      expect(row, `finished run ${line.runId} of tick ${line.tick}`).toBeDefined();
      expect(line.aborted === null ? ['ok', 'interrupted'] : ['interrupted']).toContain(row?.status);
    }
    // The schedule went on: most ticks ran despite the faults.
    expect(report.ticksChecked - report.missing.length).toBeGreaterThan(report.ticksChecked / 2);
  });

  it('recovers from a PostgreSQL restart in the middle of a run, without restarting the replicas', { timeout: 150_000 }, async () => {
    cluster = await startPostgresCluster();
    schema = 'rep_restart';
    set = new ReplicaSet(cluster.url, schema);
    const replicas = ['a', 'b', 'c'].map((name) => (set as ReplicaSet).start(name));
    await Promise.all(replicas.map((replica) => replica.ready(60_000)));
    const pids = replicas.map((replica) => replica.pid);
    const from = Date.now();
    await sleep(4_000);

    // In the middle of an execution: its finish and the lease release hit the dead server.
    const interrupted = await set.nextLine((line): line is Received<BeginLine> => line.type === 'begin', 10_000);
    const restartAt = Date.now();
    await cluster.kill(); // pg_ctl stop -m immediate: a crash
    await sleep(OUTAGE_MS);
    await cluster.start();
    const restartedAt = Date.now();
    // Until every replica has had a claim answered again, and 5 more seconds.
    await Promise.all(
      replicas.map((replica) =>
        replica.waitFor((lines) => lines.some((line) => line.type === 'claim' && line.at > restartedAt && line.result !== 'error'), 30_000, 'a claim answered after the restart'),
      ),
    );
    await sleep(5_000);
    const to = Date.now();
    expect(replicas.map((replica) => replica.ended), 'no replica exited').toEqual([false, false, false]);
    expect(replicas.map((replica) => replica.pid)).toEqual(pids);
    const exitCodes = await Promise.all(replicas.map((replica) => replica.stop()));

    const rows = await readRuns(cluster.url, schema, 'tick');
    const rowsById = byId(rows);
    const begins = set.linesOf('begin');
    const firstAfter = begins.filter((line) => line.start > restartedAt).sort((a, b) => a.start - b.start)[0];
    const answeredAgain = replicas.map((replica) => {
      const line = replica.lines.find((candidate) => candidate.type === 'claim' && candidate.at > restartedAt && candidate.result !== 'error');
      return line === undefined || line.type !== 'claim' ? Number.POSITIVE_INFINITY : line.at - restartedAt;
    });
    const claimErrors = set.linesOf('claim').filter((line) => line.result === 'error');
    const report = checkSchedule(set, rows, from + PERIOD_MS, to - PERIOD_MS);
    const duringOutage = rows.filter((row) => row.tick !== null && row.tick > restartAt - PERIOD_MS && row.tick <= (firstAfter?.tick ?? restartedAt));
    const recovery = firstAfter === undefined ? Number.POSITIVE_INFINITY : firstAfter.start - restartedAt;
    console.log(
      `[replicas] PostgreSQL restart: down ${restartedAt - restartAt} ms (pg_ctl stop -m immediate, ${OUTAGE_MS} ms, start), during the run of tick ${interrupted.tick}; ` +
        `first tick run ${recovery} ms after the server was back (${firstAfter === undefined ? '-' : firstAfter.start - restartAt} ms after the restart began); ` +
        `each replica's claims answered again after ${answeredAgain.join(', ')} ms; ${claimErrors.length} claim errors seen; ` +
        `ticks around the outage: ${duringOutage.map((row) => row.status).join(', ')}; ` +
        `${report.ticksChecked} ticks checked, ${report.missing.length} not run, ${report.duplicates.length} duplicates, ${report.overlaps.length} overlaps`,
    );

    expect(exitCodes).toEqual([0, 0, 0]);
    expect(claimErrors.length, 'the restart was felt').toBeGreaterThan(0);
    expect(firstAfter, 'ticks run again after the restart').toBeDefined();
    expect(recovery).toBeLessThanOrEqual(5_000);
    expect(report.duplicates).toEqual([]);
    expect(report.duplicateRows).toEqual([]);
    expect(report.overlaps).toEqual([]);
    // Every tick after the recovery ran.
    const afterRecovery = checkSchedule(set, rows, (firstAfter?.start ?? to) + PERIOD_MS, to - PERIOD_MS);
    expect(afterRecovery.missing).toEqual([]);
    // Nothing committed before the crash was lost; every finished execution is recorded.
    for (const line of set.linesOf('run')) {
      expect(['ok', 'interrupted'], `run ${line.runId} of tick ${line.tick}`).toContain(rowsById.get(line.runId ?? '')?.status);
    }
    // The run the crash cut in finished; its outcome was written once the server was back.
    expect(rowsById.get(interrupted.runId ?? '')?.status).toBe('ok');
  });

  /*
   * A silent partition (no error, no reset: the bytes just stop) of the lease holder. Found
   * failing by these tests (the renewal hung, the execution ran on after another replica took
   * over); fixed by the lease deadline in StoreHost (4335abe) and the query timeout of
   * PostgresStore (a3751eb). Kept as the regression test.
   */
  it('a replica cut off from the database by a silent partition aborts its execution before another takes over', { timeout: 120_000 }, async () => {
    schema = randomSchemaName('rep_partition');
    const target = new URL(url);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port) });
    proxies.push(proxy);
    set = new ReplicaSet(url, schema);
    // Executions longer than the lease, so the partitioned one is still running when its lease
    // lapses. The other replica starts once the first holds the lease.
    const cut = set.start('a', { url: proxy.urlFor(url), workMs: 6_000 });
    await cut.ready(60_000);
    const begin = await set.nextLine((line): line is Received<BeginLine> => line.type === 'begin' && line.replica === 'a', 10_000, 0);
    proxy.partition(8_000);
    await set.start('b', { workMs: 6_000 }).ready(60_000);
    await cut.waitFor((lines) => lines.some((line) => line.type === 'run' && line.runId === begin.runId), 20_000, 'the end of the cut-off run');
    await sleep(2_000);
    await set.stopAll();

    const rows = await readRuns(url, schema, 'tick');
    const end = set.linesOf('run').find((line) => line.runId === begin.runId);
    const takeover = set.linesOf('begin').filter((line) => line.replica === 'b' && line.start > begin.start).sort((a, b) => a.start - b.start)[0];
    const overlap = end === undefined || takeover === undefined ? 0 : Math.max(0, end.end - takeover.start);
    console.log(
      `[replicas] silent partition of the lease holder (lease TTL ${LEASE_TTL_S * 1000} ms): its execution ran ${end === undefined ? '?' : end.end - end.start} ms ` +
        `(aborted: ${JSON.stringify(end?.aborted ?? null)}); another replica took over ${takeover === undefined ? '-' : takeover.start - begin.start} ms after it began; ` +
        `two executions at once for ${overlap} ms; stored status of the cut-off run: ${rows.find((row) => row.id === begin.runId)?.status}`,
    );
    expect(takeover, 'the other replica took over').toBeDefined();
    expect(rows.find((row) => row.id === begin.runId)?.status).toBe('interrupted');
    // It noticed on its own (local lease deadline), before the other replica could take over.
    expect(String(end?.aborted)).toMatch(/^LeaseLostError/);
    expect(overlap).toBe(0);
  });
});
