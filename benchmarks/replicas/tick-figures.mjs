// The figures of a replicas window, from what every replica executed: job-ticks executed once,
// duplicates, missed job-ticks and start lateness.
import { percentileOfSorted } from '../lib/stats.mjs';

/**
 * `executions`: [job, tick, lateness ms] of every replica; counts the ticks in [from, to) for
 * `jobs` jobs on a 1 s cron.
 */
export function tickFigures(executions, { from, to, jobs }) {
  const inWindow = executions.filter(([, tick]) => tick >= from && tick < to);
  const once = new Set(inWindow.map(([job, tick]) => `${job}@${tick}`));
  const lateness = inWindow.map(([, , late]) => late).sort((a, b) => a - b);
  const windowSeconds = Math.floor((to - from) / 1000);
  const expected = windowSeconds * jobs;
  return {
    windowSeconds,
    jobTicksPerSecond: once.size / windowSeconds,
    expectedJobTicks: expected,
    executedJobTicks: once.size,
    duplicates: inWindow.length - once.size,
    missed: Math.max(0, expected - once.size),
    latenessP50: percentileOfSorted(lateness, 50),
    latenessP99: percentileOfSorted(lateness, 99),
    latenessMax: lateness.at(-1) ?? null,
  };
}
