// Scenario 6 (issue 16): 3 replicas, 10,000 jobs on `* * * * * *`, one PostgreSQL (the test
// clusters' settings: fsync=off), with the runner's default claimAhead and with claimAhead: 0;
// then the scaling curve: 1,000 / 3,000 / 10,000 job-ticks per second on 3 replicas, and 1 / 3 /
// 6 replicas at 3,000. Each window runs on a fresh schema. Per window: start lateness p50/p99/max,
// duplicates, missed job-ticks, PostgreSQL statements (transactions: each store call is one
// autocommit statement) per second, per tick and per replica, rows written per tick, the runs
// table's rows and size (retention: `--retention` runs kept per job, pruned in batches), and the
// CPU of each replica and of PostgreSQL (all its processes), from /proc.
// Prints one JSON line; with --out also writes it to that file, and the page and chart to
// docs/benchmarks-scale.md and docs/benchmarks-scale.svg.
//   node benchmarks/replicas/run-scale.mjs [--jobs 10000] [--seconds 60] [--curve-seconds 25] [--retention 20] [--out f.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { withMonitoredCluster } from './monitored-cluster.mjs';
import { readCounters } from './pg-counters.mjs';
import { scaleChart, scalePage } from './scale-page.mjs';
import { startReplica } from './start-replica.mjs';
import { tickFigures } from './tick-figures.mjs';
import { reading } from './window-reading.mjs';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '60' },
    'curve-seconds': { type: 'string', default: '25' },
    retention: { type: 'string', default: '20' },
    'no-curve': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const retention = Number(values.retention);
/** Readings of the runs table taken every this many ms during a window (retention at work). */
const TABLE_READING_MS = 10_000;

const sleepUntil = (at) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** One measured window (see the module comment). `claimAhead` null keeps the runner's default. */
async function measure(url, monitor, serverPid, { jobs, replicas, seconds, claimAhead, label }) {
  const schema = `scale_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`;
  const args = [url, String(jobs), String(seconds), schema, claimAhead === null ? 'default' : String(claimAhead), String(retention)];
  const children = Array.from({ length: replicas }, () => startReplica(args));
  const readyAt = await Promise.all(children.map((child) => child.ready));
  // The steady window: whole seconds from 2 s after the last replica started to 1 s before the first stops.
  const from = Math.ceil(Math.max(...readyAt) / 1000) * 1000 + 2000;
  const to = Math.floor((Math.min(...readyAt) + seconds * 1000 - 1000) / 1000) * 1000;
  const pids = children.map((child) => child.pid);
  await sleepUntil(from);
  const first = await reading(monitor, schema, pids, serverPid);
  const table = [{ second: 0, rows: first.counters.run_rows, bytes: first.counters.runs_bytes }];
  for (let at = from + TABLE_READING_MS; at < to; at += TABLE_READING_MS) {
    await sleepUntil(at);
    const counters = await readCounters(monitor, schema);
    table.push({ second: (at - from) / 1000, rows: counters.run_rows, bytes: counters.runs_bytes });
  }
  await sleepUntil(to);
  const last = await reading(monitor, schema, pids, serverPid);
  const outputs = await Promise.all(children.map((child) => child.done));
  const elapsed = (last.at - first.at) / 1000;
  const delta = (key) => last.counters[key] - first.counters[key];
  const statementsPerSecond = delta('xacts') / elapsed;
  return {
    label,
    jobs,
    replicas,
    claimAhead: claimAhead ?? outputs[0].defaultClaimAhead,
    ...tickFigures(outputs.flatMap((output) => output.executions), { from, to, jobs }),
    statementsPerSecond,
    statementsPerReplicaSecond: statementsPerSecond / replicas,
    rowsInsertedPerSecond: delta('inserted') / elapsed,
    rowsUpdatedPerSecond: delta('updated') / elapsed,
    rowsDeletedPerSecond: delta('deleted') / elapsed,
    runsTable: table.concat([{ second: elapsed, rows: last.counters.run_rows, bytes: last.counters.runs_bytes }]),
    deadRunRows: last.counters.dead_run_rows,
    replicaCpuPercent: pids.map((_, index) => (100 * (last.replicaCpu[index] - first.replicaCpu[index])) / (elapsed * 1000)),
    serverCpuPercent: (100 * (last.serverCpu - first.serverCpu)) / (elapsed * 1000),
    executionsPerReplica: outputs.map((output) => output.executions.length),
  };
}

await withMonitoredCluster(async ({ url, monitor, serverPid }) => {
  const loadBefore = loadavg();
  const startedAt = Date.now();
  const jobs = Number(values.jobs);
  const seconds = Number(values.seconds);
  const curveSeconds = Number(values['curve-seconds']);
  const scenario = await measure(url, monitor, serverPid, { jobs, replicas: 3, seconds, claimAhead: null, label: `s6 ${jobs}` });
  const atTick = await measure(url, monitor, serverPid, { jobs, replicas: 3, seconds, claimAhead: 0, label: `s6 ${jobs} at tick` });
  const curve = [];
  if (!values['no-curve']) {
    for (const [curveJobs, replicas] of [
      [1000, 3],
      [3000, 3],
      [3000, 1],
      [3000, 6],
    ]) {
      curve.push(await measure(url, monitor, serverPid, { jobs: curveJobs, replicas, seconds: curveSeconds, claimAhead: null, label: `curve ${curveJobs} x${replicas}` }));
    }
  }
  const result = {
    date: new Date(startedAt).toISOString(),
    retention,
    loadBefore,
    loadAfter: loadavg(),
    wholeRunSeconds: (Date.now() - startedAt) / 1000,
    scenario,
    atTick,
    curve,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (values.out) {
    writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(new URL('../../docs/benchmarks-scale.md', import.meta.url), scalePage(result));
    writeFileSync(new URL('../../docs/benchmarks-scale.svg', import.meta.url), scaleChart(result));
  }
});
