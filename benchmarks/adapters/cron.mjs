// cron (kelektiv/node-cron): `CronJob.from({ cronTime, onTick, start: true })` per job;
// `job.stop()` each. Cron expressions only.
import { CronJob } from 'cron';

export const supports = { interval: false, cron: true };

const noop = () => {};
let jobs = [];

export function scheduleCron(n, { exprAt, onFire }) {
  for (let i = 0; i < n; i++) {
    jobs.push(CronJob.from({ cronTime: exprAt(i), onTick: onFire ? () => onFire(i) : noop, start: true }));
  }
}

export async function stopAll() {
  await Promise.all(jobs.map((job) => job.stop()));
  jobs = [];
}

/** Fastest mode: an every-second expression. */
export function backToBack() {
  let count = 0;
  jobs.push(CronJob.from({ cronTime: '* * * * * *', onTick: () => { count++; }, start: true }));
  return { mode: '1 s cron (floor)', count: () => count, stop: stopAll };
}
