// The retention run (issue 16): `replicas` processes, each a JobRunner + PostgresStore hosting
// `jobs` jobs on `* * * * * *` with `retention` runs kept per job, against one throwaway
// PostgreSQL (the test clusters' settings: fsync=off), for `minutes` measured minutes after a
// warm-up. The replicas aggregate per minute (executions, start lateness and claimRuns durations
// as fixed histograms), so the run can last an hour. Every 30 s this samples the runs table
// (exact rows, table + index bytes, dead rows), rows inserted/updated/deleted and statements
// since the last sample, and the CPU of each replica and of PostgreSQL. After the run: duplicate
// executions are looked for in the kept rows ((job, tick) with more than one executed row) and in
// the per-minute counts (executed beyond jobs x 60).
// Prints one JSON line; with --out also writes it to that file and the page to --page.
//   node benchmarks/replicas/run-retention.mjs [--jobs 3000] [--replicas 3] [--minutes 20] [--retention 20]
//     [--warm-up 15] [--out f.json] [--page docs/benchmarks-retention.md]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Histogram } from '../lib/histogram.mjs';
import { withMonitoredCluster } from './monitored-cluster.mjs';
import { retentionPage } from './retention-page.mjs';
import { retentionVerdict } from './retention-verdict.mjs';
import { startReplica } from './start-replica.mjs';
import { reading } from './window-reading.mjs';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '3000' },
    replicas: { type: 'string', default: '3' },
    minutes: { type: 'string', default: '20' },
    retention: { type: 'string', default: '20' },
    'warm-up': { type: 'string', default: '15' },
    out: { type: 'string' },
    page: { type: 'string', default: fileURLToPath(new URL('../../docs/benchmarks-retention.md', import.meta.url)) },
  },
});
const [jobs, replicas, minutes, retention, warmUp] = ['jobs', 'replicas', 'minutes', 'retention', 'warm-up'].map((name) => {
  const value = Number(values[name]);
  const least = name === 'warm-up' ? 0 : 1;
  if (!Number.isInteger(value) || value < least) throw new Error(`--${name}: expected an integer of at least ${least}, got ${JSON.stringify(values[name])}`);
  return value;
});
const SCHEMA = 'retention';
/** The orchestrator samples the database and the CPU every this many ms. */
const SAMPLE_MS = 30_000;
/** How long the replicas run on after the last minute: the lateness histograms' limit. */
const STOP_GRACE_MS = 10_000;

const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** One sample: exact rows of the runs table beside the counters and CPU (see window-reading.mjs). */
async function sample(monitor, pids, serverPid) {
  const taken = await reading(monitor, SCHEMA, pids, serverPid);
  const { rows } = await monitor.query(`SELECT count(*)::bigint AS n FROM ${SCHEMA}.runs`);
  return { ...taken, rows: Number(rows[0].n) };
}

/** The 30 s samples as figures: the table at each sample, rates over the interval before it. */
function sampleFigures(samples, origin) {
  return samples.map((current, index) => {
    const previous = samples[index - 1];
    const seconds = previous === undefined ? null : (current.at - previous.at) / 1000;
    const rate = (key) => (previous === undefined ? null : (current.counters[key] - previous.counters[key]) / seconds);
    const cpu = (now, before) => (previous === undefined ? null : (100 * (now - before)) / (seconds * 1000));
    return {
      second: Math.round((current.at - origin) / 1000),
      rows: current.rows,
      bytes: current.counters.runs_bytes,
      deadRows: current.counters.dead_run_rows,
      insertedPerSecond: rate('inserted'),
      updatedPerSecond: rate('updated'),
      deletedPerSecond: rate('deleted'),
      statementsPerSecond: rate('xacts'),
      replicaCpuPercent: current.replicaCpu.map((ms, replica) => cpu(ms, previous?.replicaCpu[replica])),
      serverCpuPercent: cpu(current.serverCpu, previous?.serverCpu),
    };
  });
}

/**
 * Per measured minute: the replicas' counts and histograms summed, the table at its end, rates
 * over it (`perMinute`); and the summed lateness histograms (`latenessByMinute`).
 */
function minuteFigures(outputs, samples) {
  const samplesPerMinute = 60_000 / SAMPLE_MS;
  const latenessByMinute = [];
  const perMinute = Array.from({ length: minutes }, (_, minute) => {
    const lateness = new Histogram({ width: 1 });
    const claims = new Histogram({ width: 0.1 });
    let executed = 0;
    for (const output of outputs) {
      const figures = output.minutes[minute];
      if (figures === undefined) continue;
      executed += figures.executed;
      lateness.merge(figures.lateness);
      claims.merge(figures.claims);
    }
    const [start, end] = [samples[minute * samplesPerMinute], samples[(minute + 1) * samplesPerMinute]];
    const seconds = (end.at - start.at) / 1000;
    const rate = (key) => (end.counters[key] - start.counters[key]) / seconds;
    const expected = jobs * 60;
    latenessByMinute.push(lateness);
    return {
      minute: minute + 1,
      executed,
      executedPerSecond: executed / 60,
      missed: Math.max(0, expected - executed),
      beyondOnce: Math.max(0, executed - expected),
      lateness: lateness.summary(),
      claims: claims.summary(),
      rows: end.rows,
      bytes: end.counters.runs_bytes,
      deadRows: end.counters.dead_run_rows,
      insertedPerSecond: rate('inserted'),
      deletedPerSecond: rate('deleted'),
      statementsPerSecond: rate('xacts'),
      replicaCpuPercent: end.replicaCpu.map((ms, replica) => (100 * (ms - start.replicaCpu[replica])) / (seconds * 1000)),
      serverCpuPercent: (100 * (end.serverCpu - start.serverCpu)) / (seconds * 1000),
    };
  });
  return { perMinute, latenessByMinute };
}

/** (job, tick) pairs with more than one executed row among the rows still kept. */
async function keptDuplicates(monitor) {
  const { rows } = await monitor.query(
    `SELECT count(*)::bigint AS n FROM (SELECT 1 FROM ${SCHEMA}.runs WHERE tick_at IS NOT NULL AND started_at IS NOT NULL GROUP BY job, tick_at HAVING count(*) > 1) AS twice`,
  );
  return Number(rows[0].n);
}

await withMonitoredCluster(async ({ url, monitor, serverPid }) => {
  const loadBefore = loadavg();
  const startedAt = Date.now();
  // Minute 1 starts at `origin`, a whole second after the warm-up; the replicas run on for
  // STOP_GRACE_MS after the last minute, so its late ticks (under saturation, seconds late) still run.
  const origin = Math.ceil((startedAt + warmUp * 1000) / 1000) * 1000;
  const end = origin + minutes * 60_000;
  const seconds = Math.ceil((end + STOP_GRACE_MS - startedAt) / 1000);
  const children = Array.from({ length: replicas }, () => startReplica([url, String(jobs), String(seconds), SCHEMA, 'default', String(retention), String(origin)]));
  // A replica that fails ends the run once sampling is over (awaited below), not as an unhandled rejection.
  const finished = Promise.all(children.map((child) => child.done));
  finished.catch(() => undefined);
  const readyAt = await Promise.all(children.map((child) => child.ready));
  const pids = children.map((child) => child.pid);
  const samples = [];
  for (let at = origin; at <= end; at += SAMPLE_MS) {
    await sleepUntil(at);
    samples.push(await sample(monitor, pids, serverPid));
  }
  const outputs = await finished;
  const { perMinute, latenessByMinute } = minuteFigures(outputs, samples);
  const result = {
    date: new Date(startedAt).toISOString(),
    jobs,
    replicas,
    minutes,
    retention,
    claimAhead: outputs[0].defaultClaimAhead,
    warmUpSeconds: warmUp,
    replicasReadyLateSeconds: readyAt.map((at) => Math.max(0, (at - origin) / 1000)),
    loadBefore,
    loadAfter: loadavg(),
    executed: perMinute.reduce((total, minute) => total + minute.executed, 0),
    expected: jobs * 60 * minutes,
    missed: perMinute.reduce((total, minute) => total + minute.missed, 0),
    beyondOnce: perMinute.reduce((total, minute) => total + minute.beyondOnce, 0),
    keptDuplicates: await keptDuplicates(monitor),
    finalRows: (await sample(monitor, pids, serverPid)).rows,
    notStopped: outputs.reduce((total, output) => total + output.notStopped, 0),
    perMinute,
    samples: sampleFigures(samples, origin),
  };
  result.verdict = retentionVerdict(perMinute, latenessByMinute);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (values.out) {
    writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(values.page, retentionPage(result));
  }
});
