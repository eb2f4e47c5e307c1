// eleanor-jobs: one BaseJob subclass instance per job, `start()`ed; stopping is
// `requestStop()` on all, then awaiting every `waitUntilDone()`. Uses the built package
// (`npm run build`), through its public entry point only.
import { BaseJob, JobRunner } from 'eleanor-jobs';

export const supports = { interval: true, cron: true };

/** A job whose `execute` does nothing: what idle, stop and throughput measure. */
class NoopJob extends BaseJob {
  execute() {}
}

/** A job that reports each run to the case; `probes` maps the instance to (index, callback). */
const probes = new Map();
class ProbeJob extends BaseJob {
  execute() {
    const probe = probes.get(this);
    probe.onFire(probe.index);
  }
}

let jobs = [];

function launch(n, optionsAt, onFire) {
  jobs = new Array(n);
  for (let i = 0; i < n; i++) {
    const job = onFire ? new ProbeJob(optionsAt(i)) : new NoopJob(optionsAt(i));
    if (onFire) probes.set(job, { index: i, onFire });
    jobs[i] = job;
    job.start();
  }
}

export function scheduleInterval(n, { seconds, nameAt, onFire }) {
  launch(n, (i) => ({ name: nameAt(i), interval: seconds }), onFire);
}

export function scheduleCron(n, { exprAt, nameAt, onFire }) {
  launch(n, (i) => ({ name: nameAt(i), cron: exprAt(i) }), onFire);
}

/** A logger that writes nothing (a runner's own start and stop lines are not what is measured). */
const silent = { child: () => silent, debug() {}, info() {}, warn() {}, error() {}, isLevelEnabled: () => false };
let runner = null;

/** Interval jobs hosted by a `JobRunner` over its default memory store (the stop case's runner mode). */
export async function scheduleIntervalInRunner(n, { seconds, nameAt }) {
  runner = new JobRunner({ logger: silent });
  for (let i = 0; i < n; i++) runner.add(new NoopJob({ name: nameAt(i), interval: seconds, logger: silent }));
  await runner.start();
}

/** `runner.stop()`: every job stopped, outcomes written, the store closed. */
export async function stopRunner() {
  await runner.stop();
  runner = null;
}

export async function stopAll() {
  for (const job of jobs) job.requestStop();
  await Promise.all(jobs.map((job) => job.waitUntilDone()));
  jobs = [];
  probes.clear();
}

/** Fastest mode: `interval: 0` (back-to-back) with an empty `execute`; counted by `triggerCount`. */
export function backToBack() {
  const job = new NoopJob({ name: 'back-to-back', interval: 0 });
  jobs = [job];
  job.start();
  return { mode: 'interval: 0', count: () => job.triggerCount, stop: stopAll };
}
