// Scenario 5 (issue 8): 3 replicas of a runner on one PostgreSQL, 1,000 jobs on a 1 s cron.
// Starts a throwaway PostgreSQL cluster (the test suite's helper, loaded through tsx), runs
// the replicas side by side for a window, then reads the runs table: job-ticks claimed per
// second, start lateness p50/p99/max, duplicates (must be 0) and ticks missed.
// Prints one JSON line.   node benchmarks/replicas/run-replicas.mjs [--jobs 1000] [--seconds 15]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';
import { percentileOfSorted } from '../lib/stats.mjs';

register();
const { startPostgresCluster } = await import('../../test/helpers/postgres-cluster.ts');
const { values } = parseArgs({ options: { jobs: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '15' }, replicas: { type: 'string', default: '3' } } });
const jobs = Number(values.jobs);
const seconds = Number(values.seconds);
const replicas = Number(values.replicas);

const cluster = await startPostgresCluster();
try {
  const replicaPath = fileURLToPath(new URL('./replica.mjs', import.meta.url));
  const startedAt = Date.now();
  const outputs = await Promise.all(
    Array.from({ length: replicas }, () => {
      const child = spawn(process.execPath, [replicaPath, cluster.url, String(jobs), String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`replica exited ${code}`)))));
    }),
  );
  // The steady window: whole seconds from 3 s after start (all replicas up) to 1 s before stop.
  const from = Math.ceil(startedAt / 1000) * 1000 + 3000;
  const to = Math.floor((startedAt + seconds * 1000 - 1000) / 1000) * 1000;
  const inWindow = outputs.flatMap((output) => output.executions).filter(([, tick]) => tick >= from && tick < to);
  const perTick = new Map();
  for (const [job, tick] of inWindow) perTick.set(`${job}@${tick}`, (perTick.get(`${job}@${tick}`) ?? 0) + 1);
  const lateness = inWindow.map(([, , late]) => late).sort((a, b) => a - b);
  const windowSeconds = Math.floor((to - from) / 1000);
  const expected = windowSeconds * jobs;
  process.stdout.write(
    `${JSON.stringify({
      replicas,
      jobs,
      windowSeconds,
      jobTicksPerSecond: perTick.size / windowSeconds,
      expectedJobTicks: expected,
      executedJobTicks: perTick.size,
      duplicates: inWindow.length - perTick.size,
      missed: Math.max(0, expected - perTick.size),
      latenessP50: percentileOfSorted(lateness, 50),
      latenessP99: percentileOfSorted(lateness, 99),
      latenessMax: lateness.at(-1) ?? null,
      executionsPerReplica: outputs.map((output) => output.executions.length),
    })}\n`,
  );
} finally {
  await cluster.stop();
}
