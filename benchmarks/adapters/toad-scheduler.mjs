// toad-scheduler: SimpleIntervalJob (one setInterval each) and CronJob (a croner instance
// each), registered on one ToadScheduler, as its README shows.
import { CronJob, SimpleIntervalJob, Task, ToadScheduler } from 'toad-scheduler';

export const supports = { interval: true, cron: true };

const noop = () => {};
let scheduler = new ToadScheduler();

export function scheduleInterval(n, { seconds, nameAt, onFire }) {
  for (let i = 0; i < n; i++) {
    const task = new Task(nameAt(i), onFire ? () => onFire(i) : noop);
    scheduler.addSimpleIntervalJob(new SimpleIntervalJob({ seconds }, task));
  }
}

export function scheduleCron(n, { exprAt, nameAt, onFire }) {
  for (let i = 0; i < n; i++) {
    const task = new Task(nameAt(i), onFire ? () => onFire(i) : noop);
    scheduler.addCronJob(new CronJob({ cronExpression: exprAt(i) }, task));
  }
}

export async function stopAll() {
  scheduler.stop();
  scheduler = new ToadScheduler();
}

/** Fastest mode: a SimpleIntervalJob of 1 ms (setInterval's floor). */
export function backToBack() {
  let count = 0;
  const task = new Task('back-to-back', () => { count++; });
  scheduler.addSimpleIntervalJob(new SimpleIntervalJob({ milliseconds: 1 }, task));
  return { mode: '1 ms SimpleIntervalJob', count: () => count, stop: stopAll };
}
