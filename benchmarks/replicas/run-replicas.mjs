// Scenario 5 (issue 8): 3 replicas of a runner on one PostgreSQL, 1,000 jobs on a 1 s cron.
// Starts a throwaway PostgreSQL cluster (the test suite's helper, loaded through tsx), then
// runs the replicas side by side for a window twice, one schema each: with the runner's
// default `claimAhead` (ticks claimed 0.25 s before they are due) and with `claimAhead: 0`
// (claimed at the tick). Reads what the replicas executed: job-ticks claimed per second, start
// lateness p50/p99/max, duplicates (must be 0) and ticks missed.
// Prints one JSON line; with --out also writes it to that file and the figures, against the
// issue 8 target, to docs/benchmarks-replicas.md.
//   node benchmarks/replicas/run-replicas.mjs [--jobs 1000] [--seconds 15] [--out results.json]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';
import { tickFigures } from './tick-figures.mjs';

register();
const { startPostgresCluster } = await import('../../test/helpers/postgres-cluster.ts');
const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '15' }, replicas: { type: 'string', default: '3' }, out: { type: 'string' } },
});
const jobs = Number(values.jobs);
const seconds = Number(values.seconds);
const replicas = Number(values.replicas);
const replicaPath = fileURLToPath(new URL('./replica.mjs', import.meta.url));

/** The runner's default `claimAhead` (seconds), as the replicas report it. */
let defaultClaimAhead = null;

/** One measured window: `replicas` processes on `schema`; `claimAhead` null keeps the runner's default. */
async function measure(url, schema, claimAhead) {
  const startedAt = Date.now();
  const args = [replicaPath, url, String(jobs), String(seconds), schema, claimAhead === null ? 'default' : String(claimAhead)];
  const outputs = await Promise.all(
    Array.from({ length: replicas }, () => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`replica exited ${code}`)))));
    }),
  );
  defaultClaimAhead ??= outputs[0].defaultClaimAhead;
  // The steady window: whole seconds from 3 s after start (all replicas up) to 1 s before stop.
  const from = Math.ceil(startedAt / 1000) * 1000 + 3000;
  const to = Math.floor((startedAt + seconds * 1000 - 1000) / 1000) * 1000;
  return {
    claimAhead: claimAhead ?? defaultClaimAhead,
    ...tickFigures(outputs.flatMap((output) => output.executions), { from, to, jobs }),
    executionsPerReplica: outputs.map((output) => output.executions.length),
  };
}

const cluster = await startPostgresCluster();
try {
  const ahead = await measure(cluster.url, 'bench_ahead', null);
  const atTick = await measure(cluster.url, 'bench_at_tick', 0);
  const result = { date: new Date().toISOString(), replicas, jobs, ...ahead, atTick };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (values.out) {
    writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(new URL('../../docs/benchmarks-replicas.md', import.meta.url), replicasPage(result));
  }
} finally {
  await cluster.stop();
}

/** The scenario 5 page: the figures against the issue 8 target, beside the claim at the tick. */
function replicasPage(result) {
  const met = result.jobTicksPerSecond >= 1000 && result.latenessP99 < 50 && result.duplicates === 0;
  const at = result.atTick;
  const row = (label, ahead, atTick, target = '') => `| ${label} | ${ahead} | ${atTick} | ${target} |`;
  return `# Benchmark scenario 5: replicas on PostgreSQL

${result.replicas} runner processes (\`JobRunner\` + \`PostgresStore\`, each hosting the same ${result.jobs} jobs on
\`* * * * * *\`) against one throwaway PostgreSQL 15 on this machine (the test clusters' settings: \`fsync=off\`), measured by
\`benchmarks/replicas/run-replicas.mjs\` (part of \`npm run bench\`) over a ${result.windowSeconds} s steady window, twice in
the same run: with the runner's default \`claimAhead\` (${result.claimAhead} s: each tick is claimed that long before it is
due) and with \`claimAhead: 0\` (claimed at the tick). Lateness is the execution's start minus its tick. Run: ${result.date}.

| figure | eleanor-jobs, \`claimAhead: ${result.claimAhead}\` (default) | \`claimAhead: 0\` | target |
| --- | ---: | ---: | ---: |
${row('job-ticks executed per second', result.jobTicksPerSecond.toFixed(0), at.jobTicksPerSecond.toFixed(0), '1,000')}
${row('start lateness p50', `${result.latenessP50} ms`, `${at.latenessP50} ms`)}
${row('start lateness p99', `${result.latenessP99} ms`, `${at.latenessP99} ms`, 'under 50 ms')}
${row('start lateness max', `${result.latenessMax} ms`, `${at.latenessMax} ms`)}
${row('duplicates (a tick executed twice)', result.duplicates, at.duplicates, '0')}
${row('job-ticks not executed in the window', `${result.missed} of ${result.expectedJobTicks}`, `${at.missed} of ${at.expectedJobTicks}`)}
${row('executions per replica', result.executionsPerReplica.join(' / '), at.executionsPerReplica.join(' / '))}

Target (default settings): **${met ? 'met' : 'not met'}**. Each replica gathers the claims of every job due on
a second into one statement (\`claimRuns\`, which locks the job rows in name order: the first
replica to reach them wins them all, the others wait for its commit and find the ticks taken).
With \`claimAhead\`, that statement runs before the tick: the winner holds the 1,000 grants and
starts the executions at the tick, so the start lateness is the time to wake 1,000 jobs and
call their \`execute\` (each start is reported to the runner a microtask later, after all have
started). Claimed at the tick, the batch claim of 1,000 rows (about 20 ms on an idle server,
more while the other replicas' batches compete for the same two cores) comes first. The winner
then writes the outcomes and lease releases as one statement each. Duplicates stay at zero
whatever the load.
`;
}
