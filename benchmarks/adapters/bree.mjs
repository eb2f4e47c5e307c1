// bree: every job is a file run in a new worker thread on each fire. Jobs are declared in
// the Bree constructor and started with `bree.start()`, as its README shows.
import Bree from 'bree';

export const supports = { interval: true, cron: true };

const JOB_PATH = new URL('../jobs/bree-probe.mjs', import.meta.url).pathname;
let bree = null;

async function startAll(jobs, names, onFire) {
  const indexOf = onFire ? new Map(names.map((name, i) => [name, i])) : null;
  bree = new Bree({
    root: false,
    logger: false,
    jobs,
    workerMessageHandler: onFire ? ({ name, message }) => onFire(indexOf.get(name), message?.t) : undefined,
  });
  await bree.start();
}

export async function scheduleInterval(n, { seconds, nameAt, onFire }) {
  const names = Array.from({ length: n }, (_, i) => nameAt(i));
  await startAll(names.map((name) => ({ name, path: JOB_PATH, interval: seconds * 1000, timeout: false })), names, onFire);
}

export async function scheduleCron(n, { exprAt, nameAt, onFire }) {
  const names = Array.from({ length: n }, (_, i) => nameAt(i));
  const jobs = names.map((name, i) => {
    const cron = exprAt(i);
    return { name, path: JOB_PATH, cron, hasSeconds: cron.split(' ').length === 6, timeout: false };
  });
  await startAll(jobs, names, onFire);
}

export async function stopAll() {
  if (bree) await bree.stop();
  bree = null;
}

/** Fastest mode: a 1 ms interval; bree skips a fire while the previous worker still runs. */
export async function backToBack() {
  let count = 0;
  await startAll([{ name: 'back-to-back', path: JOB_PATH, interval: 1, timeout: false }], ['back-to-back'], () => { count++; });
  return { mode: '1 ms interval, one worker thread per run', count: () => count, stop: stopAll };
}
