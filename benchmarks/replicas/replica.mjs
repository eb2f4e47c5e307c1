// One replica of scenario 5: a JobRunner on PostgreSQL hosting `n` jobs on `* * * * * *`.
// Runs `seconds`, stops, then prints one JSON line: every execution as [job, tick, lateness]
// (lateness: start minus the tick, the claim included, in ms).
//   node replica.mjs <postgres-url> <n> <seconds>
import { BaseJob, JobRunner } from 'eleanor-jobs';
import { PostgresStore } from 'eleanor-jobs/postgres';

const [url, n, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const executions = [];

class EverySecond extends BaseJob {
  execute(_signal, run) {
    executions.push([this.name, run.scheduledAtMs, run.startedAtMs - run.scheduledAtMs]);
  }
}

const noop = () => {};
const silent = { child: () => silent, debug: noop, info: noop, warn: noop, error: noop };
const store = new PostgresStore({ connectionString: url, poolSize: 8 });
const runner = new JobRunner({ store, logger: silent, leaseTtl: 10, pollInterval: 1 });
for (let i = 0; i < n; i++) runner.add(new EverySecond({ name: `job-${i}`, cron: '* * * * * *', logger: silent }));
await runner.start();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const report = await runner.stop({ timeout: 20 });
process.stdout.write(`${JSON.stringify({ executions, notStopped: report.notStopped.length })}\n`);
