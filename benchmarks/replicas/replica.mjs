// One replica of scenarios 5 and 6: a JobRunner on PostgreSQL hosting `n` jobs on `* * * * * *`.
// Prints `{"ready":<epoch ms>}` once started, runs `seconds`, stops, then prints one JSON line:
// every execution as [job, tick, lateness] (lateness: start minus the tick, in ms), and the
// runner's default claimAhead.
//   node replica.mjs <postgres-url> <n> <seconds> <schema> <claimAhead seconds | default> [retention]
import { BaseJob, JobRunner } from 'eleanor-jobs';
import { RUNNER_DEFAULTS } from 'eleanor-jobs/host';
import { PostgresStore } from 'eleanor-jobs/postgres';

const [url, n, seconds, schema, claimAhead, retention] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5], process.argv[6], process.argv[7]];
const executions = [];

class EverySecond extends BaseJob {
  execute(_signal, run) {
    executions.push([this.name, run.scheduledAtMs, run.startedAtMs - run.scheduledAtMs]);
  }
}

const noop = () => {};
const silent = { child: () => silent, debug: noop, info: noop, warn: noop, error: noop };
const store = new PostgresStore({ connectionString: url, schema, poolSize: 8 });
const runner = new JobRunner({
  store,
  logger: silent,
  leaseTtl: 10,
  pollInterval: 1,
  ...(claimAhead === 'default' ? {} : { claimAhead: Number(claimAhead) }),
  ...(retention === undefined ? {} : { retention: Number(retention) }),
});
for (let i = 0; i < n; i++) runner.add(new EverySecond({ name: `job-${i}`, cron: '* * * * * *', logger: silent }));
await runner.start();
process.stdout.write(`${JSON.stringify({ ready: Date.now() })}\n`);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const report = await runner.stop({ timeout: 20 });
process.stdout.write(`${JSON.stringify({ executions, notStopped: report.notStopped.length, defaultClaimAhead: RUNNER_DEFAULTS.claimAhead })}\n`);
