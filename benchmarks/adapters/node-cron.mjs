// node-cron: `cron.schedule(expression, fn)` per job; `cron.shutdown()` stops every task and
// waits for running executions (its graceful stop). Cron expressions only.
import cron from 'node-cron';

export const supports = { interval: false, cron: true };

const noop = () => {};

export function scheduleCron(n, { exprAt, onFire }) {
  for (let i = 0; i < n; i++) {
    cron.schedule(exprAt(i), onFire ? () => onFire(i) : noop);
  }
}

export async function stopAll() {
  await cron.shutdown();
}

/** Fastest mode: an every-second expression (node-cron has no sub-second schedule). */
export function backToBack() {
  let count = 0;
  cron.schedule('* * * * * *', () => { count++; });
  return { mode: '1 s cron (floor)', count: () => count, stop: stopAll };
}
