// Scenario 3, stop: n sleeping jobs (a long interval, or a far cron where the library has no
// intervals), then stop them all. Prints two JSON lines:
//   { stopMs }  ms from the stop call until stopAll() resolved (for eleanor-jobs: every
//               requestStop() made and every waitUntilDone() resolved)
//   { exitMs }  ms from the stop call until the process emitted 'exit' on its own (printed
//               only if it does; the orchestrator kills it after a bound otherwise)
// With `--mode runner`, eleanor-jobs hosts the jobs in a JobRunner (memory store) and stops
// it with `runner.stop()`; peers stop as in the plain case (the reference of the same run).
// With `--kind cron`, the jobs are cron jobs (shared expressions, a day away) even where the
// library has intervals.
import { caseArgs, emit, loadAdapter, runCase, sleep } from '../lib/child-io.mjs';
import { IDLE_INTERVAL_S, makeWorkload } from '../lib/workload.mjs';

runCase(async () => {
  const { lib, n, mode, kind: asked } = caseArgs({ mode: 'plain', kind: 'default' });
  const adapter = await loadAdapter(lib);
  const kind = asked === 'cron' || !adapter.supports.interval ? 'cron-shared' : 'interval';
  const { nameAt, exprAt } = makeWorkload(n, kind);
  const inRunner = mode === 'runner' && typeof adapter.scheduleIntervalInRunner === 'function';
  if (inRunner) await adapter.scheduleIntervalInRunner(n, { seconds: IDLE_INTERVAL_S, nameAt });
  else if (kind === 'interval') await adapter.scheduleInterval(n, { seconds: IDLE_INTERVAL_S, nameAt });
  else await adapter.scheduleCron(n, { exprAt, nameAt });
  await sleep(200); // every job is now asleep

  const t0 = performance.now();
  process.on('exit', () => emit({ exitMs: performance.now() - t0 }));
  await (inRunner ? adapter.stopRunner() : adapter.stopAll());
  emit({ stopMs: performance.now() - t0, kind });
  // Nothing of ours is left pending: the process ends now only if the library let go.
});
