// The page of the retention run (docs/benchmarks-retention.md), from the result of
// benchmarks/replicas/run-retention.mjs. No dependencies.
import { DEFAULT_PRUNE_EVERY } from 'eleanor-jobs/host';

const thousands = (value) => Math.round(value).toLocaleString('en-US');
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const spanText = ([first, last]) => (first === last ? `minute ${first}` : `minutes ${first}–${last}`);

/** A percentile of a histogram summary in ms: `n/a` when empty, `≥ limit` when in the overflow. */
function ms(summary, key, digits = 0) {
  if (summary.count === 0) return 'n/a';
  return summary[key] === null ? '≥ 10,000' : summary[key].toFixed(digits);
}

/** The verdict, in two sentences computed from `result.verdict`. */
function verdictText({ verdict }) {
  if (verdict.tooShort) return 'Run too short for a verdict (under 4 minutes).';
  const { spans } = verdict;
  const growth = `${verdict.growth >= 0 ? '+' : ''}${(100 * verdict.growth).toFixed(1)} %`;
  const table = verdict.plateau
    ? `**Plateau**: the runs table (with its indexes) peaked at ${mib(verdict.lateBytes)} MiB over ${spanText(spans.sizeLate)} against ${mib(verdict.earlyBytes)} MiB over ${spanText(spans.sizeEarly)} (${growth}, within the +10 % allowed).`
    : `**Grows**: the runs table (with its indexes) peaked at ${mib(verdict.lateBytes)} MiB over ${spanText(spans.sizeLate)} against ${mib(verdict.earlyBytes)} MiB over ${spanText(spans.sizeEarly)} (${growth}, more than the +10 % a plateau allows).`;
  const late = (value) => (value === null ? '≥ 10,000' : String(value));
  const lateness = `Start lateness p99 ${late(verdict.earlyLatenessP99)} ms over ${spanText(spans.latenessEarly)}, ${late(verdict.lateLatenessP99)} ms over ${spanText(spans.latenessLate)}.`;
  return `${table} ${lateness}`;
}

/** One row of the per-minute table. */
function minuteRow(minute) {
  return `| ${minute.minute} | ${thousands(minute.executedPerSecond)} | ${ms(minute.lateness, 'p50')} / ${ms(minute.lateness, 'p99')} | ${ms(minute.claims, 'p50', 1)} / ${ms(minute.claims, 'p99', 1)} | ${thousands(minute.rows)} | ${mib(minute.bytes)} | ${thousands(minute.deadRows)} | ${thousands(minute.deletedPerSecond)} | ${thousands(minute.insertedPerSecond)} | ${thousands(minute.statementsPerSecond)} | ${minute.serverCpuPercent.toFixed(0)} / ${minute.replicaCpuPercent.map((cpu) => cpu.toFixed(0)).join(' + ')} |`;
}

/** The page: what ran, the verdict, the totals and the table per minute. */
export function retentionPage(result) {
  const ceiling = (result.retention + DEFAULT_PRUNE_EVERY) * result.jobs;
  const late = result.replicasReadyLateSeconds.some((seconds) => seconds > 0)
    ? ` Replicas ready after minute 1 began (s): ${result.replicasReadyLateSeconds.map((seconds) => seconds.toFixed(1)).join(', ')}.`
    : '';
  return `# Benchmark: retention over a long run (issue 16)

Issue 16 asks that 10,000 runs per second for an hour neither grow the database without bound nor
slow the claims. This machine has 2 cores and saturates near 4,700 executed job-ticks per second
(scenario 6, [benchmarks-scale.md](benchmarks-scale.md)), so the rate here is the issue's scaled to
what it sustains: ${result.replicas} replicas (\`JobRunner\` + \`PostgresStore\`, each hosting the same
${thousands(result.jobs)} jobs on \`* * * * * *\`, default \`claimAhead\` ${result.claimAhead} s) against one
throwaway PostgreSQL 15 on the same machine (the test clusters' settings: \`fsync=off\`), for
${result.minutes} measured minute${result.minutes === 1 ? "" : "s"} after a ${result.warmUpSeconds} s warm-up. Each job keeps
\`retention: ${result.retention}\` runs and prunes in batches every ${DEFAULT_PRUNE_EVERY} rows it writes, so the table
should hold between ${result.retention} and ${result.retention + DEFAULT_PRUNE_EVERY} rows per job (at most
${thousands(ceiling)} rows). Measured by \`benchmarks/replicas/run-retention.mjs\` (\`npm run bench:retention\`,
not part of \`npm run bench\`). Run: ${result.date}, load ${result.loadBefore[0].toFixed(1)} at the start.

${verdictText(result)}

Executed ${thousands(result.executed)} of ${thousands(result.expected)} job-ticks (${thousands(result.missed)} missed,
${thousands(result.beyondOnce)} executions beyond once per job-tick in the per-minute counts; ${thousands(result.keptDuplicates)}
job-ticks with more than one executed row among the rows kept, which the unique index on (job, tick) also
forbids). Runs table after the run: ${thousands(result.finalRows)} rows (${(result.finalRows / result.jobs).toFixed(1)} per job).
Jobs not stopped at the end: ${result.notStopped}.${late}

Per minute (by tick): executed job-ticks per second; start lateness (start minus tick) p50 / p99 in
ms, from 1 ms buckets; \`claimRuns\` call durations p50 / p99 in ms as the replicas see them, waiting for a pooled connection included (0.1 ms
buckets; each call claims a batch); the runs table at the minute's end: rows (exact count), table +
indexes size, dead rows; rows deleted and inserted per second and PostgreSQL statements (transactions)
per second over the minute (all the schema's tables); CPU % of one core, PostgreSQL / each replica. The 30 s samples are in the JSON.

| minute | executed/s | lateness p50 / p99 ms | claim p50 / p99 ms | rows | size MiB | dead rows | deleted/s | inserted/s | statements/s | CPU % PG / replicas |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${result.perMinute.map(minuteRow).join('\n')}
`;
}
