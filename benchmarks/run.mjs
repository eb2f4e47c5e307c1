#!/usr/bin/env node
// Benchmark orchestrator: runs every case of every scenario in a fresh child process,
// several repetitions each, takes medians, and writes the table (stdout and
// docs/benchmarks.md), the JSON (benchmarks/results/latest.json) and the chart
// (docs/benchmarks.svg).
//
//   node benchmarks/run.mjs [--quick] [--only idle|accuracy|stop|throughput|replicas]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { aggregateRuns } from './lib/aggregate.mjs';
import { chartSvg } from './lib/chart-svg.mjs';
import { buildFigures, throughputModes } from './lib/figures.mjs';
import { openGate } from './lib/gates.mjs';
import { observe } from './lib/observations.mjs';
import { SCENARIOS, buildPlan, repsFor, settings } from './lib/plan.mjs';
import { consoleTable, markdownPage } from './lib/report.mjs';
import { runChild } from './lib/run-child.mjs';
import { evaluateTargets } from './lib/targets.mjs';

const CASE_TIMEOUT_MS = 120_000;
/** The headline figures drawn in the chart. */
const CHART_FIGURES = [
  'idle.interval/100000.heap', 'idle.cron-shared/100000.heap', 'idle.cron-distinct/10000.heap', 'idle.interval/100000.sched',
  'accuracy.cron/1000.p99', 'stop.all', 'throughput.rate', 'throughput.timerP99',
];
const QUICK_CHART_FIGURES = ['idle.interval/1000.heap', 'idle.cron-shared/1000.heap', 'accuracy.cron/100.p99', 'stop.all', 'throughput.rate', 'throughput.timerP99'];

const { values: opts } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
if (opts.only && !SCENARIOS.includes(opts.only)) {
  console.error(`--only must be one of: ${SCENARIOS.join(', ')}`);
  process.exit(2);
}

const out = (rel) => fileURLToPath(new URL(rel, import.meta.url));
const s = settings(opts.quick);
const plan = buildPlan({ quick: opts.quick, only: opts.only ?? null });
const records = new Map();
const started = performance.now();
const loadavg = os.loadavg().map((x) => x.toFixed(2));

/** Runs one spec: n/a, gate, then the first repetition, then the rest (fewer if slow). */
async function runSpec(spec) {
  const rec = { scenario: spec.scenario, variant: spec.variant, lib: spec.lib, args: spec.args };
  if (spec.na) return { ...rec, na: spec.na };
  let timeoutMs = CASE_TIMEOUT_MS;
  if (spec.gate) {
    const gate = openGate(spec, records.get(spec.gate.from));
    if (gate.na) return { ...rec, na: gate.na };
    timeoutMs = gate.timeoutMs;
  }
  const runs = [];
  const seconds = [];
  let reps = spec.reps;
  for (let i = 0; i < reps; i++) {
    // Idle CPU is read in the first repetition only (it costs a window per run).
    const args = i > 0 && spec.args.cpuMs ? { ...spec.args, cpuMs: 0 } : spec.args;
    const r = await runChild({ ...spec, args }, { timeoutMs });
    if (r.result.error) return { ...rec, error: r.result.error, runs, seconds: [...seconds, r.seconds] };
    runs.push(r.result);
    seconds.push(r.seconds);
    if (i === 0 && !spec.fixedReps) reps = repsFor(r.seconds, spec.reps);
  }
  return { ...rec, runs, seconds, median: aggregateRuns(runs) };
}

/** Runs the plan with `concurrency` workers; a gated spec waits for its source case. */
async function runPlan() {
  const done = new Map(plan.map((spec) => [spec.key, null]));
  const waiters = new Map();
  const finished = (key) => new Promise((resolve) => (done.get(key) ? resolve() : waiters.set(key, [...(waiters.get(key) ?? []), resolve])));
  let next = 0;
  let count = 0;
  const worker = async () => {
    while (next < plan.length) {
      const spec = plan[next++];
      if (spec.gate && done.has(spec.gate.from)) await finished(spec.gate.from);
      const rec = await runSpec(spec);
      records.set(spec.key, rec);
      done.set(spec.key, true);
      for (const resolve of waiters.get(spec.key) ?? []) resolve();
      count++;
      const status = rec.na ? 'n/a' : rec.error ? `ERROR ${rec.error}` : `${rec.runs.length} run(s), ${rec.seconds.reduce((a, b) => a + b, 0).toFixed(1)} s`;
      console.error(`[${String(count).padStart(3)}/${plan.length}] ${spec.key.padEnd(48)} ${status}`);
    }
  };
  await Promise.all(Array.from({ length: s.concurrency }, worker));
}

await runPlan();
const durationS = (performance.now() - started) / 1000;

const figs = buildFigures(records, { quick: opts.quick }).filter((f) => Object.values(f.cells).some((c) => !c.missing));
const targets = evaluateTargets(figs, { quick: opts.quick });
const modes = throughputModes(records);
const observations = observe(records, s);
const meta = {
  date: new Date().toISOString(),
  quick: opts.quick,
  only: opts.only ?? null,
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
  loadavg,
  durationS,
};

console.log(consoleTable(figs, targets));
console.log(`\nWhole run: ${durationS.toFixed(0)} s`);

mkdirSync(out('results/'), { recursive: true });
const json = { meta, settings: s, targets, figures: figs, modes, observations, cases: Object.fromEntries(records) };
writeFileSync(out(opts.quick || opts.only ? 'results/partial.json' : 'results/latest.json'), JSON.stringify(json, null, 2) + '\n');
// Only a full run replaces the published page and chart.
if (!opts.quick && !opts.only) {
  writeFileSync(out('../docs/benchmarks.md'), markdownPage({ meta, figs, targets, modes, observations }));
  const subtitle = `Node ${meta.node}, ${meta.cpus} cores, medians of repeated runs in fresh processes (${meta.date.slice(0, 10)})`;
  writeFileSync(out('../docs/benchmarks.svg'), chartSvg(figs, CHART_FIGURES, subtitle));
} else {
  writeFileSync(out('results/partial.md'), markdownPage({ meta, figs, targets, modes, observations }));
  writeFileSync(out('results/partial.svg'), chartSvg(figs, opts.quick ? QUICK_CHART_FIGURES : CHART_FIGURES, 'partial run'));
}
