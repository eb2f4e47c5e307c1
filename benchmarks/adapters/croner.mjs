// croner: one `new Cron(pattern, fn)` per job; interval jobs use its `interval` option
// (minimum seconds between runs) on an every-second pattern, as its README shows.
import { Cron } from 'croner';

export const supports = { interval: true, cron: true };

const noop = () => {};
let jobs = [];

export function scheduleInterval(n, { seconds, onFire }) {
  for (let i = 0; i < n; i++) {
    jobs.push(new Cron('* * * * * *', { interval: seconds }, onFire ? () => onFire(i) : noop));
  }
}

export function scheduleCron(n, { exprAt, onFire }) {
  for (let i = 0; i < n; i++) {
    jobs.push(new Cron(exprAt(i), onFire ? () => onFire(i) : noop));
  }
}

export async function stopAll() {
  for (const job of jobs) job.stop();
  jobs = [];
}

/** Fastest mode: an every-second pattern (croner has no sub-second schedule). */
export function backToBack() {
  let count = 0;
  jobs.push(new Cron('* * * * * *', () => { count++; }));
  return { mode: '1 s cron (floor)', count: () => count, stop: stopAll };
}
