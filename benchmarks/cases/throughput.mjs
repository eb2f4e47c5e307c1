// Scenario 4, throughput: one job in the library's fastest back-to-back mode, beside a 10 ms
// setInterval probe that measures how late the event loop answers. Prints one JSON line:
//   perSec          triggers per second over the window (after a warm-up)
//   mode            what "back-to-back" means for this library
//   timerP50/P99/Max  ms the 10 ms probe fired after its due time (previous fire + 10 ms)
//   timerTicks      probe fires in the window (about window / 10 ms when nothing starves it)
import { caseArgs, emit, loadAdapter, runCase, sleep } from '../lib/child-io.mjs';
import { summarize } from '../lib/stats.mjs';

const PROBE_MS = 10;
const WARMUP_MS = 200;

runCase(async () => {
  const { lib, ms, mode } = caseArgs({ ms: 2000, mode: 'immediate' });
  const adapter = await loadAdapter(lib);

  const probe = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    probe.push(t - (last + PROBE_MS));
    last = t;
  }, PROBE_MS);

  const t0 = performance.now();
  const b2b = await adapter.backToBack({ mode, untilMs: t0 + WARMUP_MS + ms });
  let perSec;
  if (b2b.selfTimed) {
    // A loop that never yields: timers (ours included) wait until it ends by itself.
    await b2b.stop();
    perSec = b2b.count() / ((performance.now() - t0) / 1000);
    await sleep(PROBE_MS * 2);
  } else {
    await sleep(WARMUP_MS);
    const c0 = b2b.count();
    const w0 = performance.now();
    probe.length = 0;
    await sleep(ms);
    perSec = (b2b.count() - c0) / ((performance.now() - w0) / 1000);
    await b2b.stop();
  }
  clearInterval(timer);
  const s = summarize(probe);
  emit({ perSec, mode: b2b.mode, timerP50: s.p50, timerP99: s.p99, timerMax: s.max, timerTicks: s.count });
  process.exit(0);
});
