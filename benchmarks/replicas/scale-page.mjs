// The page (docs/benchmarks-scale.md) and chart (docs/benchmarks-scale.svg) of scenario 6 and
// the scaling curve, from the result of benchmarks/replicas/run-scale.mjs. No dependencies.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (value, digits = 0) => (value === null || value === undefined ? 'n/a' : Number(value).toFixed(digits));
const thousands = (value) => Math.round(value).toLocaleString('en-US');
const sum = (values) => values.reduce((total, value) => total + value, 0);

/** The curve's points: by job-ticks per second on 3 replicas, and by replicas at 3,000. */
export function curvePoints(result) {
  const all = [result.scenario, ...result.curve];
  const byLoad = all.filter((point) => point.replicas === 3).sort((a, b) => a.jobs - b.jobs);
  const byReplicas = all.filter((point) => point.jobs === 3000).sort((a, b) => a.replicas - b.replicas);
  return { byLoad, byReplicas };
}

const PANEL_W = 420;
const PANEL_H = 220;
const MARGIN = { left: 56, right: 16, top: 40, bottom: 40 };
const COLORS = ['#d9480f', '#4c6ef5', '#2b8a3e', '#868e96'];

/** One line panel: categorical x, linear y from 0, one polyline per series, values labelled. */
function linePanel({ x, y, title, xTitle, labels, series, unit }) {
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const top = Math.max(1, ...series.flatMap((line) => line.values.filter((value) => typeof value === 'number')));
  const scaleY = (value) => y + MARGIN.top + plotH - (plotH * value) / (top * 1.15);
  const scaleX = (index) => x + MARGIN.left + (labels.length === 1 ? plotW / 2 : (plotW * index) / (labels.length - 1));
  const parts = [`<text x="${x + 4}" y="${y + 16}" class="t">${esc(title)}</text>`];
  parts.push(`<line x1="${x + MARGIN.left}" y1="${scaleY(0)}" x2="${x + MARGIN.left + plotW}" y2="${scaleY(0)}" class="g"/>`);
  parts.push(`<text x="${x + MARGIN.left - 6}" y="${scaleY(0) + 4}" class="s" text-anchor="end">0</text>`);
  parts.push(`<text x="${x + MARGIN.left - 6}" y="${scaleY(top) + 4}" class="s" text-anchor="end">${esc(`${fixed(top)} ${unit}`)}</text>`);
  parts.push(`<line x1="${x + MARGIN.left}" y1="${scaleY(top)}" x2="${x + MARGIN.left + plotW}" y2="${scaleY(top)}" class="g"/>`);
  labels.forEach((label, index) => parts.push(`<text x="${scaleX(index)}" y="${y + PANEL_H - 22}" class="s" text-anchor="middle">${esc(label)}</text>`));
  parts.push(`<text x="${x + MARGIN.left + plotW / 2}" y="${y + PANEL_H - 6}" class="s" text-anchor="middle">${esc(xTitle)}</text>`);
  series.forEach((line, lineIndex) => {
    const color = COLORS[lineIndex % COLORS.length];
    const points = line.values.map((value, index) => (typeof value === 'number' ? [scaleX(index), scaleY(value)] : null)).filter((point) => point !== null);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`);
    for (const [px, py] of points) parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"/>`);
    line.values.forEach((value, index) => {
      if (typeof value === 'number') parts.push(`<text x="${scaleX(index) + 5}" y="${scaleY(value) - 5}" class="s" fill="${color}">${esc(fixed(value))}</text>`);
    });
    parts.push(`<text x="${x + PANEL_W - MARGIN.right}" y="${y + 16 + 13 * (lineIndex + 1)}" class="s" text-anchor="end" fill="${color}">${esc(line.name)}</text>`);
  });
  return parts.join('\n');
}

/** The chart: lateness and CPU against job-ticks per second (3 replicas) and against replicas (3,000 jobs). */
export function scaleChart(result) {
  const { byLoad, byReplicas } = curvePoints(result);
  const lateness = (points) => [
    { name: 'start lateness p99', values: points.map((point) => point.latenessP99) },
    { name: 'start lateness p50', values: points.map((point) => point.latenessP50) },
  ];
  const cpu = (points) => [
    { name: 'PostgreSQL', values: points.map((point) => point.serverCpuPercent) },
    { name: 'replicas (sum)', values: points.map((point) => sum(point.replicaCpuPercent)) },
    { name: 'busiest replica', values: points.map((point) => Math.max(...point.replicaCpuPercent)) },
  ];
  const loadLabels = byLoad.map((point) => thousands(point.jobs));
  const replicaLabels = byReplicas.map((point) => String(point.replicas));
  const panels = [
    linePanel({ x: 0, y: 0, title: 'Start lateness, 3 replicas', xTitle: 'job-ticks per second', labels: loadLabels, series: lateness(byLoad), unit: 'ms' }),
    linePanel({ x: PANEL_W, y: 0, title: 'CPU (% of one core), 3 replicas', xTitle: 'job-ticks per second', labels: loadLabels, series: cpu(byLoad), unit: '%' }),
    linePanel({ x: 0, y: PANEL_H, title: 'Start lateness, 3,000 job-ticks/s', xTitle: 'replicas', labels: replicaLabels, series: lateness(byReplicas), unit: 'ms' }),
    linePanel({ x: PANEL_W, y: PANEL_H, title: 'CPU (% of one core), 3,000 job-ticks/s', xTitle: 'replicas', labels: replicaLabels, series: cpu(byReplicas), unit: '%' }),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * PANEL_W}" height="${2 * PANEL_H}" viewBox="0 0 ${2 * PANEL_W} ${2 * PANEL_H}" font-family="sans-serif">
<style>.t{font-size:13px;font-weight:bold}.s{font-size:11px}.g{stroke:#dee2e6}</style>
<rect width="100%" height="100%" fill="#fff"/>
${panels.join('\n')}
</svg>
`;
}

/** Which process is closest to saturating its core, and how busy the whole machine was. */
function saturation(point) {
  const busiest = point.replicaCpuPercent.indexOf(Math.max(...point.replicaCpuPercent));
  const total = point.serverCpuPercent + sum(point.replicaCpuPercent);
  const top = point.serverCpuPercent >= point.replicaCpuPercent[busiest] ? `PostgreSQL (${fixed(point.serverCpuPercent)} %)` : `replica ${busiest + 1} (${fixed(point.replicaCpuPercent[busiest])} %)`;
  return `${fixed(total)} % of the 200 % the 2 cores give (busiest: ${top})`;
}

/** One row per figure, one column per window. */
function figureTable(points) {
  const head = `| figure | ${points.map((point) => `${thousands(point.jobs)} jobs × ${point.replicas} replicas, claimAhead ${point.claimAhead} s`).join(' | ')} |`;
  const rule = `| --- | ${points.map(() => '---:').join(' | ')} |`;
  const row = (label, cell) => `| ${label} | ${points.map(cell).join(' | ')} |`;
  return [
    head,
    rule,
    row('window', (point) => `${point.windowSeconds} s`),
    row('job-ticks executed per second', (point) => thousands(point.jobTicksPerSecond)),
    row('start lateness p50 / p99 / max', (point) => `${point.latenessP50} / ${point.latenessP99} / ${point.latenessMax} ms`),
    row('duplicates (a tick executed twice)', (point) => point.duplicates),
    row('job-ticks missed in the window', (point) => `${point.missed} of ${thousands(point.expectedJobTicks)}`),
    row('PostgreSQL statements per second (= per tick)', (point) => fixed(point.statementsPerSecond)),
    row('statements per replica per tick-second', (point) => fixed(point.statementsPerReplicaSecond, 1)),
    row('rows written per tick: inserted / updated / deleted', (point) => `${thousands(point.rowsInsertedPerSecond)} / ${thousands(point.rowsUpdatedPerSecond)} / ${thousands(point.rowsDeletedPerSecond)}`),
    row('runs table: rows at window start → end', (point) => `${thousands(point.runsTable[0].rows)} → ${thousands(point.runsTable.at(-1).rows)}`),
    row('runs table: size at window start → end', (point) => `${fixed(point.runsTable[0].bytes / 1048576, 1)} → ${fixed(point.runsTable.at(-1).bytes / 1048576, 1)} MiB`),
    row('CPU of each replica (% of one core)', (point) => point.replicaCpuPercent.map((value) => fixed(value)).join(' / ')),
    row('CPU of PostgreSQL (all its processes)', (point) => `${fixed(point.serverCpuPercent)} %`),
    row('machine', saturation),
  ].join('\n');
}

/** The scenario 6 page: the figures against the issue 16 target, then the curve. */
export function scalePage(result) {
  const s6 = result.scenario;
  const met = s6.latenessP99 < 50 && s6.duplicates === 0 && s6.missed === 0 && s6.windowSeconds >= 60;
  const { byLoad, byReplicas } = curvePoints(result);
  const load = (values) => values.map((value) => value.toFixed(2)).join(' / ');
  return `# Benchmark scenario 6: ten times the cluster

3 runner processes (\`JobRunner\` + \`PostgresStore\`, each hosting the same ${thousands(s6.jobs)} jobs on \`* * * * * *\`,
lease TTL 10 s, retention ${result.retention} runs per job) against one throwaway PostgreSQL 15 on this machine (the
test clusters' settings: **\`fsync=off\`**, \`full_page_writes=off\`), measured by \`benchmarks/replicas/run-scale.mjs\`
(\`npm run bench:scale\`, part of \`npm run bench\`) over steady windows of whole seconds, each on a fresh schema:
with the runner's default \`claimAhead\` (${s6.claimAhead} s) and with \`claimAhead: 0\`, then the scaling curve.
Lateness is the execution's start minus its tick. Statements are PostgreSQL transactions from
\`pg_stat_database\` (every store call is one autocommit statement; busy backends report them at least once a
second), rows from \`pg_stat_user_tables\`, CPU from \`/proc/<pid>/stat\` (PostgreSQL: the postmaster and every
backend). Run: ${result.date}, ${fixed(result.wholeRunSeconds)} s in all, load average (1/5/15 min) ${load(result.loadBefore)}
at start and ${load(result.loadAfter)} at the end: **the 2 cores are shared with other work** (timing and CPU
figures move with it; duplicates and missed ticks must not).

Target (issue 16: p99 start lateness under 50 ms, 0 duplicates, 0 missed, over at least 60 s): **${met ? 'met' : 'not met'}**.

![Scaling chart](benchmarks-scale.svg)

## Scenario 6

${figureTable([s6, result.atTick])}

Reading the windows: a job-tick missed is a tick no replica started within the window (with
\`claimAhead\` and the misfire policy \`once\`, a replica that falls behind records the ticks it passed
over as \`missed\` rows and runs the newest); the CPU rows say which process was busiest, and the load
average how much of the 2 cores other work took while the window ran.

## Scaling curve

3 replicas at 1,000 / 3,000 / 10,000 job-ticks per second:

${figureTable(byLoad)}

1 / 3 / 6 replicas at 3,000 job-ticks per second:

${figureTable(byReplicas)}

## Retention at this rate

Each replica marks a job due for pruning every 50 writes and prunes the jobs due once a second with one
\`pruneJobs\` statement (at most 1,000 jobs each). While every tick runs, a write is one row, so the runs
table stays near jobs × (retention + 50) rows whatever the rate; a replica that falls behind records the
ticks it passed over with its next claim (one write, many \`missed\` rows), so the table then grows past that
until the job has written 50 more times. Readings of the runs table every 10 s of the scenario 6 window (rows, size):

| second | ${s6.runsTable.map((reading) => fixed(reading.second)).join(' | ')} |
| --- | ${s6.runsTable.map(() => '---:').join(' | ')} |
| rows | ${s6.runsTable.map((reading) => thousands(reading.rows)).join(' | ')} |
| MiB | ${s6.runsTable.map((reading) => fixed(reading.bytes / 1048576, 1)).join(' | ')} |

Dead rows left in the runs table at the end of the window: ${thousands(s6.deadRunRows)} (autovacuum reclaims them).

## How the statements stay flat

Per replica and tick-second: the claims of every job due on a tick go as one \`claimRuns\` statement (only the
first replica to reach the rows wins them; the others find the ticks taken), the outcomes as one
\`finishRuns\` and the lease releases as one \`releaseLeases\`; the lease upkeep of all held leases is one
\`renewLeases\` (executions) and one \`acquireLeases\` (idle interval jobs) per third of the lease TTL, and
retention one \`pruneJobs\` per second. None of these grows with the number of jobs; only the rows they touch do.

Lease-wait notices are batched too: a replica whose claims are refused \`'busy'\` (another replica holds the
lease) reads the holders for its log line in one \`loadStates\` per tick, not one \`loadState\` per refused job.
\`benchmarks/replicas/count-store-calls.mjs\` counts each replica's store calls per method and second.
`;
}
