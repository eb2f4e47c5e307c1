// node-schedule: `schedule.scheduleJob(expression, fn)` per job; `gracefulShutdown()` cancels
// every job. Cron expressions only.
import schedule from 'node-schedule';

export const supports = { interval: false, cron: true };

const noop = () => {};

export function scheduleCron(n, { exprAt, onFire }) {
  for (let i = 0; i < n; i++) {
    schedule.scheduleJob(exprAt(i), onFire ? () => onFire(i) : noop);
  }
}

export async function stopAll() {
  await schedule.gracefulShutdown();
}

/** Fastest mode: an every-second expression. */
export function backToBack() {
  let count = 0;
  schedule.scheduleJob('* * * * * *', () => { count++; });
  return { mode: '1 s cron (floor)', count: () => count, stop: stopAll };
}
