// The benchmarks page's section on scenario 6 and the scaling curve
// (benchmarks/replicas/run-scale.mjs, which writes docs/benchmarks-scale.md and its chart).
import { existsSync, readFileSync } from 'node:fs';

/** The retention run's page (benchmarks/replicas/run-retention.mjs), linked once it exists. */
const RETENTION_PAGE = new URL('../../docs/benchmarks-retention.md', import.meta.url);
const RETENTION_LINE = `
Retention over a long run (runs table size, lateness and claim times per minute):
[benchmarks-retention.md](benchmarks-retention.md).`;

/** Scenario 6's result from `path` if it ran after `date` (this run's cases), else null. */
export function scaleAfter(path, date) {
  if (!existsSync(path)) return null;
  const result = JSON.parse(readFileSync(path, 'utf8'));
  return result.date >= date ? result : null;
}

/** Markdown: scenario 6's headline figures, the curve's chart and a link to its page; '' without a result. */
export function scaleSection(result) {
  if (result === null) return '';
  const s6 = result.scenario;
  const at = result.atTick;
  const met = s6.latenessP99 < 50 && s6.duplicates === 0 && s6.missed === 0 && s6.windowSeconds >= 60;
  return `
## Scenario 6: ten times the cluster, and the scaling curve

3 replicas, ${s6.jobs.toLocaleString('en-US')} jobs on \`* * * * * *\`, one PostgreSQL on this machine (\`fsync=off\`), ${s6.windowSeconds} s:
start lateness p50 / p99 / max ${s6.latenessP50} / ${s6.latenessP99} / ${s6.latenessMax} ms, ${s6.duplicates} duplicates, ${s6.missed} missed,
${s6.statementsPerSecond.toFixed(0)} PostgreSQL statements per second (${s6.statementsPerReplicaSecond.toFixed(1)} per replica per tick-second); with
\`claimAhead: 0\`: p99 ${at.latenessP99} ms, ${at.duplicates} duplicates, ${at.missed} missed. Target (p99 under 50 ms, 0 duplicates,
0 missed, at least 60 s): **${met ? 'met' : 'not met'}**. Every figure, the CPU of each process and the retention
readings: [benchmarks-scale.md](benchmarks-scale.md) (run ${result.date}).${existsSync(RETENTION_PAGE) ? RETENTION_LINE : ''}

![Scaling chart](benchmarks-scale.svg)
`;
}
