// Scenario 1, idle: memory per job after GC, time to schedule one job, and CPU burnt while
// the jobs wait. Prints one JSON line:
//   heapPerJob  bytes of V8 heap per job (heapUsed after GC, minus the baseline, / n)
//   rssPerJob   bytes of resident memory per job (same difference on RSS)
//   schedUs     microseconds to create and start one job (wall time of the loop / n)
//   cpuMsPerS   CPU milliseconds (user + system) per wall second while idle, over `cpuMs`
import { caseArgs, emit, loadAdapter, runCase, settleGc, sleep } from '../lib/child-io.mjs';
import { makeWorkload, scheduleIdle } from '../lib/workload.mjs';

runCase(async () => {
  const { lib, n, kind, cpuMs } = caseArgs({ kind: 'interval', cpuMs: 0 });
  const adapter = await loadAdapter(lib);
  if (!adapter.supports[kind === 'interval' ? 'interval' : 'cron']) throw new Error(`${lib} has no ${kind} jobs`);
  const workload = makeWorkload(n, kind);

  await settleGc();
  const before = process.memoryUsage();

  const t0 = performance.now();
  await scheduleIdle(adapter, n, kind, workload);
  const schedMs = performance.now() - t0;

  await sleep(200); // let asynchronous starts reach their sleep
  await settleGc();
  const after = process.memoryUsage();

  let cpuMsPerS = null;
  if (cpuMs > 0) {
    await sleep(300); // let the GC's background threads finish before the window opens
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(cpuMs);
    const cpu = process.cpuUsage(cpu0);
    cpuMsPerS = (cpu.user + cpu.system) / 1000 / ((performance.now() - w0) / 1000);
  }

  emit({
    heapPerJob: (after.heapUsed - before.heapUsed) / n,
    rssPerJob: (after.rss - before.rss) / n,
    schedUs: (schedMs * 1000) / n,
    cpuMsPerS,
    keep: workload.names.length, // keeps the pre-made strings alive through the measurement
  });
  process.exit(0);
});
