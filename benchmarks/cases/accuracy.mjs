// Scenario 2, accuracy: n jobs on an every-second cron (or a 1 s interval); when does each
// run start? Prints one JSON line:
//   lateP50/lateP99/lateMax  ms after the target instant (cron: the exact wall-clock second
//                            the fire belongs to; interval: previous run's end + interval)
//   earliest                 most negative lateness (a fire before its second), ms
//   missed                   (cron) job-seconds in the window with no fire
//   doubled                  (cron) extra fires: job-seconds with more than one fire, minus one each
//   fires                    fires counted in the window
import { caseArgs, emit, loadAdapter, makeEpochClock, runCase, sleep } from '../lib/child-io.mjs';
import { EVERY_SECOND } from '../lib/workload.mjs';
import { summarize } from '../lib/stats.mjs';

/** A fire up to this many ms before a second counts as an early fire for that second. */
const EARLY_MS = 50;
/** Jobs get this long after scheduling to reach their first sleep before the window opens. */
const SETTLE_MS = 200;

runCase(async () => {
  const { lib, n, kind, seconds } = caseArgs({ kind: 'cron', seconds: 2 });
  const adapter = await loadAdapter(lib);
  const now = makeEpochClock();
  const starts = Array.from({ length: n }, () => []); // per job: run start times (epoch ms)
  const ends = Array.from({ length: n }, () => []); // per job: run end times
  // `t`: a start time taken off the main thread (bree's worker); its empty body ends there too.
  const onFire = (i, t) => {
    const start = t ?? now();
    starts[i].push(start);
    ends[i].push(t ?? now());
  };

  const nameAt = (i) => `job-${i}`;
  if (kind === 'cron') await adapter.scheduleCron(n, { exprAt: () => EVERY_SECOND, nameAt, onFire });
  else await adapter.scheduleInterval(n, { seconds: 1, nameAt, onFire });

  // The window: whole seconds, from the first second at least SETTLE_MS after scheduling
  // finished; stop once the last second's fires (up to 950 ms late) are all in.
  const from = Math.ceil((now() + SETTLE_MS) / 1000) * 1000;
  const to = from + seconds * 1000;
  await sleep(to + 200 - now());
  await adapter.stopAll();

  const lateness = [];
  let missed = 0;
  let doubled = 0;
  let fires = 0;
  for (let i = 0; i < n; i++) {
    if (kind === 'cron') {
      const perSecond = new Uint16Array(seconds);
      for (const t of starts[i]) {
        const target = Math.floor((t + EARLY_MS) / 1000) * 1000;
        if (target < from || target >= to) continue;
        perSecond[(target - from) / 1000]++;
        lateness.push(t - target);
        fires++;
      }
      for (const c of perSecond) {
        if (c === 0) missed++;
        else doubled += c - 1;
      }
    } else {
      for (let k = 1; k < starts[i].length; k++) {
        const t = starts[i][k];
        if (t < from || t >= to) continue;
        lateness.push(t - (ends[i][k - 1] + 1000));
        fires++;
      }
    }
  }
  const s = summarize(lateness);
  emit({
    lateP50: s.p50,
    lateP99: s.p99,
    lateMax: s.max,
    earliest: s.min,
    missed: kind === 'cron' ? missed : null,
    doubled: kind === 'cron' ? doubled : null,
    fires,
  });
  process.exit(0);
});
