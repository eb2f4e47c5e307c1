// One replica of scenarios 5 and 6 and of the retention run: a JobRunner on PostgreSQL hosting
// `n` jobs on `* * * * * *`. Prints `{"ready":<epoch ms>}` once started, runs `seconds`, stops,
// then prints one JSON line with the runner's default claimAhead and either
// - every execution as [job, tick, lateness] (lateness: start minus the tick, in ms), or
// - with `origin` (epoch ms; a long run, too many executions to keep): per minute since `origin`
//   (by tick), `executed` (count), `lateness` (histogram, 1 ms buckets) and `claims` (the
//   durations of the store's claimRuns calls started in that wall-clock minute, 0.1 ms buckets).
//   node replica.mjs <postgres-url> <n> <seconds> <schema> <claimAhead seconds | default> [retention] [origin]
import { BaseJob, JobRunner } from 'eleanor-jobs';
import { RUNNER_DEFAULTS } from 'eleanor-jobs/host';
import { PostgresStore } from 'eleanor-jobs/postgres';
import { Histogram } from '../lib/histogram.mjs';

const [url, n, seconds, schema, claimAhead, retention, origin] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5], process.argv[6], process.argv[7], process.argv[8]];
const perMinute = origin !== undefined;
const executions = [];
/** Per minute since `origin`: { executed, lateness, claims }. */
const minutes = [];

/** The record of the minute `at` (epoch ms) falls in, or null before `origin`. */
function minuteOf(at) {
  const index = Math.floor((at - Number(origin)) / 60_000);
  if (index < 0) return null;
  for (let i = minutes.length; i <= index; i++) minutes.push({ executed: 0, lateness: new Histogram({ width: 1 }), claims: new Histogram({ width: 0.1 }) });
  return minutes[index];
}

class EverySecond extends BaseJob {
  execute(_signal, run) {
    const lateness = run.startedAtMs - run.scheduledAtMs;
    if (!perMinute) {
      executions.push([this.name, run.scheduledAtMs, lateness]);
      return;
    }
    const minute = minuteOf(run.scheduledAtMs);
    if (minute === null) return;
    minute.executed++;
    minute.lateness.add(lateness);
  }
}

const noop = () => {};
const silent = { child: () => silent, debug: noop, info: noop, warn: noop, error: noop };
const store = new PostgresStore({ connectionString: url, schema, poolSize: 8 });
if (perMinute) {
  const claimRuns = store.claimRuns.bind(store);
  store.claimRuns = async (requests) => {
    const [at, startedAt] = [Date.now(), performance.now()];
    try {
      return await claimRuns(requests);
    } finally {
      minuteOf(at)?.claims.add(performance.now() - startedAt);
    }
  };
}
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
const figures = perMinute ? { minutes } : { executions };
process.stdout.write(`${JSON.stringify({ ...figures, notStopped: report.notStopped.length, defaultClaimAhead: RUNNER_DEFAULTS.claimAhead })}\n`);
