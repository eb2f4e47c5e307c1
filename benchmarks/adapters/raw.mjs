// Raw Node baseline: one bare timer per job, no library. The floor every scheduler that
// keeps one timer per job sits on.
export const supports = { interval: true, cron: true };

const noop = () => {};
const EVERY_SECOND = '* * * * * *';
const IDLE_DELAY_MS = 3600_000; // a raw "cron" job that is not every second: one long timer
let timers = [];

export function scheduleInterval(n, { seconds, onFire }) {
  const ms = seconds * 1000;
  timers = new Array(n);
  for (let i = 0; i < n; i++) {
    if (!onFire) {
      timers[i] = setInterval(noop, ms); // idle: the bare timer itself
      continue;
    }
    // Fixed delay, like eleanor-jobs: the next run is armed when this one ends.
    const run = () => {
      onFire(i);
      timers[i] = setTimeout(run, ms);
    };
    timers[i] = setTimeout(run, ms);
  }
}

export function scheduleCron(n, { exprAt, onFire }) {
  timers = new Array(n);
  for (let i = 0; i < n; i++) {
    if (!onFire || exprAt(i) !== EVERY_SECOND) {
      timers[i] = setTimeout(onFire ? () => onFire(i) : noop, IDLE_DELAY_MS);
      continue;
    }
    // One timer per job aligned to the next wall-clock second, re-armed after each fire.
    const run = () => {
      onFire(i);
      timers[i] = setTimeout(run, 1000 - (Date.now() % 1000));
    };
    timers[i] = setTimeout(run, 1000 - (Date.now() % 1000));
  }
}

export async function stopAll() {
  for (const t of timers) clearTimeout(t); // clearTimeout also clears intervals
  timers = [];
}

/** `mode`: 'immediate' (a setImmediate loop) or 'await' (a plain `await` loop, until `untilMs`). */
export function backToBack({ mode = 'immediate', untilMs } = {}) {
  let count = 0;
  let stopped = false;
  if (mode === 'await') {
    // Never yields to the event loop: timers cannot fire while it runs, so it stops itself.
    const done = (async () => {
      while (performance.now() < untilMs) {
        for (let k = 0; k < 4096; k++) {
          await null;
          count++;
        }
      }
    })();
    return { mode: 'plain await loop', count: () => count, stop: () => done, selfTimed: true };
  }
  const loop = () => {
    count++;
    if (!stopped) setImmediate(loop);
  };
  setImmediate(loop);
  return { mode: 'setImmediate loop', count: () => count, stop: () => { stopped = true; } };
}
