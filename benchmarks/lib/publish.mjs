// From case records to outputs: figures, targets and notes; the console table; the JSON;
// and, for a full run, docs/benchmarks.md and docs/benchmarks.svg.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chartSvg } from './chart-svg.mjs';
import { buildFigures, throughputModes } from './figures.mjs';
import { observe } from './observations.mjs';
import { settings } from './plan.mjs';
import { consoleTable, markdownPage, targetsTable } from './report.mjs';
import { scaleAfter, scaleSection } from './scale-section.mjs';
import { evaluateTargets } from './targets.mjs';

/** The headline figures drawn in the chart. */
const CHART_FIGURES = [
  'idle.interval/100000.heap', 'idle.cron-shared/100000.heap', 'idle.cron-distinct/10000.heap', 'idle.interval/100000.sched',
  'accuracy.cron/1000.p99', 'stop.all', 'throughput.rate', 'throughput.timerP99',
];
const QUICK_CHART_FIGURES = ['idle.interval/1000.heap', 'idle.cron-shared/1000.heap', 'accuracy.cron/100.p99', 'stop.all', 'throughput.rate', 'throughput.timerP99'];

const out = (rel) => fileURLToPath(new URL(`../${rel}`, import.meta.url));
export const LATEST_JSON = out('results/latest.json');
const REPLICAS_JSON = out('results/replicas.json');
const SCALE_JSON = out('results/scale.json');

/** Scenario 5's result (benchmarks/replicas/run-replicas.mjs) if it ran after this run's cases, else null. */
function replicasAfter(date) {
  if (!existsSync(REPLICAS_JSON)) return null;
  const result = JSON.parse(readFileSync(REPLICAS_JSON, 'utf8'));
  return result.date >= date ? result : null;
}

const README = out('../README.md');
const README_START = '<!-- bench:targets:start -->';
const README_END = '<!-- bench:targets:end -->';

/** Rewrites the README's targets table (between its two markers) with this run's. */
function writeReadmeTargets(targets, date) {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start) throw new Error(`README.md lacks the ${README_START} … ${README_END} markers`);
  const table = `Targets of the full run of ${date.slice(0, 10)} (eleanor-jobs ÷ what it is held to):\n\n${targetsTable(targets)}\n`;
  writeFileSync(README, `${readme.slice(0, start + README_START.length)}\n${table}${readme.slice(end)}`);
}

/** `records`: Map of case key → record; `meta`: run facts (quick, only, date, machine, ...). */
export function publish(records, meta) {
  const s = settings(meta.quick);
  const figs = buildFigures(records, { quick: meta.quick }).filter((f) => Object.values(f.cells).some((c) => !c.missing));
  const targets = evaluateTargets(figs, { quick: meta.quick, replicas: replicasAfter(meta.date) });
  const modes = throughputModes(records);
  const observations = observe(records, s);

  console.log(consoleTable(figs, targets));
  console.log(`\nWhole run: ${meta.durationS.toFixed(0)} s`);

  const page = markdownPage({ meta, figs, targets, modes, observations }) + scaleSection(scaleAfter(SCALE_JSON, meta.date));
  const full = !meta.quick && !meta.only;
  mkdirSync(out('results/'), { recursive: true });
  const json = { meta, settings: s, targets, figures: figs, modes, observations, cases: Object.fromEntries(records) };
  writeFileSync(full ? LATEST_JSON : out('results/partial.json'), JSON.stringify(json, null, 2) + '\n');
  // Only a full run replaces the published page and chart.
  if (full) {
    writeFileSync(out('../docs/benchmarks.md'), page);
    const subtitle = `Node ${meta.node}, ${meta.cpus} cores, medians of repeated runs in fresh processes (${meta.date.slice(0, 10)})`;
    writeFileSync(out('../docs/benchmarks.svg'), chartSvg(figs, CHART_FIGURES, subtitle));
    writeReadmeTargets(targets, meta.date);
  } else {
    writeFileSync(out('results/partial.md'), page);
    writeFileSync(out('results/partial.svg'), chartSvg(figs, meta.quick ? QUICK_CHART_FIGURES : CHART_FIGURES, 'partial run'));
  }
}
