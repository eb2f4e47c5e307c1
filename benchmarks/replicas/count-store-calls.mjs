// Which store calls a replica sends, per method and second (issue 16: statements per replica must
// not grow with the number of jobs). Starts a throwaway PostgreSQL cluster and `replicas` processes,
// each a JobRunner with `jobs` jobs on `* * * * * *` over one PostgresStore wrapped in a counter;
// after a 3 s warm-up each counts `seconds` and prints, per method, calls per second and the items
// (jobs, runs, leases) those calls carried per second. Runs the sources (src/) through tsx.
//   node benchmarks/replicas/count-store-calls.mjs [--jobs 3000] [--replicas 3] [--seconds 15]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

register();
const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '3000' },
    replicas: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '15' },
    child: { type: 'string' },
  },
});
const [jobs, replicas, seconds] = [Number(values.jobs), Number(values.replicas), Number(values.seconds)];
const WARM_UP_MS = 3000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One replica: counts its store calls while `counting`; prints `{ method: { calls, items } }`. */
async function replica(url) {
  const { BaseJob, JobRunner } = await import('../../src/index.ts');
  const { PostgresStore } = await import('../../src/store/postgres/postgres-store.ts');
  const noop = () => {};
  const silent = { child: () => silent, debug: noop, info: noop, warn: noop, error: noop };
  class EverySecond extends BaseJob {
    execute() {}
  }
  const counts = {};
  let counting = false;
  const inner = new PostgresStore({ connectionString: url, schema: 'count_calls', poolSize: 8 });
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args) => {
        if (counting) {
          const count = (counts[String(property)] ??= { calls: 0, items: 0 });
          count.calls++;
          count.items += Array.isArray(args[0]) ? args[0].length : 1;
        }
        return value.apply(target, args);
      };
    },
  });
  const runner = new JobRunner({ store, logger: silent, leaseTtl: 10, pollInterval: 1 });
  for (let i = 0; i < jobs; i++) runner.add(new EverySecond({ name: `job-${i}`, cron: '* * * * * *', logger: silent }));
  await runner.start();
  await sleep(WARM_UP_MS);
  counting = true;
  await sleep(seconds * 1000);
  counting = false;
  await runner.stop({ timeout: 20 });
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}

if (values.child !== undefined) {
  await replica(values.child);
} else {
  const { startPostgresCluster } = await import('../../test/helpers/postgres-cluster.ts');
  const cluster = await startPostgresCluster();
  const self = fileURLToPath(import.meta.url);
  const args = ['--jobs', String(jobs), '--seconds', String(seconds), '--child', cluster.url];
  const reports = await Promise.all(
    Array.from(
      { length: replicas },
      () =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [self, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (chunk) => (out += chunk));
          child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`replica exited ${code}`))));
        }),
    ),
  );
  await cluster.stop();
  console.log(`${jobs} jobs on * * * * * * x ${replicas} replicas, ${seconds} s counted: calls/s (items/s) per method`);
  for (const [index, counts] of reports.entries()) {
    const methods = Object.entries(counts).sort((a, b) => b[1].calls - a[1].calls);
    const total = methods.reduce((sum, [, count]) => sum + count.calls, 0);
    const detail = methods.map(([method, count]) => `${method} ${(count.calls / seconds).toFixed(1)} (${Math.round(count.items / seconds)})`).join(', ');
    console.log(`replica ${index}: ${(total / seconds).toFixed(1)} calls/s: ${detail}`);
  }
}
